"""Run one reminder pass now (the one Celery beat runs every morning) and print what it sent.

    python manage.py send_reminders [--dry-run]

One line per reminder, tab-separated: round, school code and name, reason, channel, recipient, and
(without --dry-run) the outcome. With --dry-run nothing is sent or written: the lines are what a pass
would send now. An escalation is one message per staff member and round; it is printed as one line per
late school it names.
"""

from django.core.management.base import BaseCommand

from datacollection.reminders import reminders_send


class Command(BaseCommand):
    help = "Send the reminders that are due now (or, with --dry-run, list them)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be sent; send and write nothing"
        )

    def handle(self, *args, dry_run=False, **options):
        reminders = reminders_send(dry_run=dry_run)
        for reminder in reminders:
            self.stdout.write(("would send\t" if dry_run else "") + reminder.line_text())
        failed = sum(r.outcome == "failed" for r in reminders)
        if dry_run:
            self.stdout.write(f"{len(reminders)} reminder(s) due (dry run: nothing sent)")
        else:
            self.stdout.write(f"{len(reminders)} reminder(s) sent, {failed} failed")
