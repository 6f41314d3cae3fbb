from celery import shared_task

from reports.booklet import services


@shared_task(acks_late=True)
def booklet_build(booklet_id: int) -> dict:
    """Build a booklet in the background. Safe to run twice (a finished booklet is left alone)."""
    booklet = services.booklet_build(booklet_id)
    return {"id": booklet.pk, "status": booklet.status, "pages": booklet.pages}
