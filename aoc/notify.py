"""Telling people about something: an in-portal notice and an e-mail, sent after the transaction that
caused them has committed (so nobody is told about a change that was rolled back)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from aoc.models import Notice


def notify(users, *, title: str, body: str = "", url: str = "") -> None:
    users = [user for user in users if user.is_active]
    Notice.objects.bulk_create([Notice(user=user, title=title, body=body, url=url) for user in users])
    recipients = sorted({user.email for user in users if user.email})
    if not recipients:
        return
    text = body + (f"\n\n{settings.SITE_URL}{url}" if url else "")

    def send():
        for address in recipients:  # one message each: officers of different schools never see each other
            send_mail(title, text, None, [address], fail_silently=True)

    transaction.on_commit(send)
