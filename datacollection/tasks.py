from celery import shared_task

from datacollection import services


@shared_task(acks_late=True)
def process_upload(upload_id: int) -> dict:
    """Check and store an upload in the background. Safe to run twice (a finished upload is left alone)."""
    return services.upload_process(upload_id).as_dict()
