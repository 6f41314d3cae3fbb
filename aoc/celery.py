"""The Celery application. Configured from Django's settings (``CELERY_*``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aoc.settings")

app = Celery("aoc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
