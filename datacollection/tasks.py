from celery import shared_task

from datacollection import services


@shared_task(acks_late=True)
def process_upload(upload_id: int) -> dict:
    """Check and store an upload in the background. Safe to run twice (a finished upload is left alone)."""
    return services.upload_process(upload_id).as_dict()


@shared_task
def send_reminders() -> dict:
    """The daily reminder pass (Celery beat, ``CELERY_BEAT_SCHEDULE``). Safe to run twice: a reminder
    already logged is never sent again."""
    from datacollection.reminders import reminders_send

    sent = reminders_send()
    return {"reminders": len(sent), "failed": sum(r.outcome == "failed" for r in sent)}
