"""Reminders about a round's deadline: which school is told what, when, and on which channel.

One pass (``reminders_send``, run every morning by Celery beat and by ``manage.py send_reminders``)
looks at every open round and, set-based, finds the submissions that are still with the school
(not started, draft or returned) of target schools that are open today:

    7 to 2 days before the deadline   before_7d   to the school's officers
    1 day before, or the day itself   before_1d   to the school's officers
    1 day or more after it            after_1d    to the school's officers
    3 days or more after it           escalation  to district staff: one digest a round, naming the
                                                  late schools not escalated before

A reminder goes to each active officer of the school (district staff for an escalation) by e-mail if
they have an address and by LINE if they have a LINE user id and LINE is on. Each (submission, reason,
channel, person) is sent once, ever: a pass first claims its rows in ``ReminderLog`` (an insert that
skips rows already there — two passes at once cannot claim the same row), commits, then sends only
what it claimed and records each outcome. A failed send is recorded as failed and not retried by
later passes (the board shows it); one failure does not stop the others. A claim still pending after
``STALE_CLAIM`` belongs to a pass that died between claiming and recording (a worker killed, a
deploy): the next pass claims it again and sends it, if its window is still open. The price is that a
message the dead pass had sent but not yet recorded goes out twice, rather than a school never hearing.

A window rather than an exact day: a pass missed on the 7th day before still reminds on the 6th, and a
reminder whose window has passed is not sent late ("7 days left" is never sent the day before).
"""

import datetime
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aoc import line, thaidate
from aoc.audit import audit_log
from aoc.models import User
from aoc.selectors import district_staff_users
from datacollection import selectors
from datacollection.models import ReminderLog, Round, Submission
from schools.selectors import school_logins_by_school

log = logging.getLogger(__name__)

R = ReminderLog.Reason
C = ReminderLog.Channel
O = ReminderLog.Outcome  # noqa: E741
# A claim still pending after this long was left by a pass that died: the next pass takes it over.
STALE_CLAIM = datetime.timedelta(hours=1)
ESCALATION_AFTER_DAYS = 3


def reasons_due(days_left: int) -> list[str]:
    """The reasons whose window is open when the deadline is ``days_left`` days away (negative: past)."""
    due = []
    if 2 <= days_left <= 7:
        due.append(R.BEFORE_7D)
    if 0 <= days_left <= 1:
        due.append(R.BEFORE_1D)
    if days_left <= -1:
        due.append(R.AFTER_1D)
    if days_left <= -ESCALATION_AFTER_DAYS:
        due.append(R.ESCALATION)
    return due


@dataclass
class Reminder:
    """One reminder of a pass: to be sent (dry run), or sent with its outcome."""

    submission: Submission
    reason: str
    channel: str
    recipient: User
    address: str
    outcome: str = ""  # "" = not sent (a dry run)
    detail: str = ""

    @property
    def key(self) -> tuple:
        return (self.submission.pk, self.reason, self.channel, self.recipient.pk)

    def line_text(self) -> str:
        """One plain line for the command's output."""
        school = self.submission.school
        parts = [
            self.submission.round.slug,
            f"{school.code} {school.name_th}",
            self.reason,
            self.channel,
            f"{self.recipient.get_username()} <{self.address}>",
        ]
        if self.outcome:
            parts.append(self.outcome + (f" ({self.detail})" if self.detail else ""))
        return "\t".join(parts)


def _channels(user: User) -> list[tuple[str, str]]:
    channels = []
    if user.email:
        channels.append((C.EMAIL, user.email))
    if line.is_enabled() and user.line_user_id:
        channels.append((C.LINE, user.line_user_id))
    return channels


def reminders_due(*, now=None) -> list[Reminder]:
    """What a pass at ``now`` would send: a fixed number of queries whatever the number of schools."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rounds = {
        round_.pk: (round_, reasons_due((round_.deadline - today).days))
        for round_ in Round.objects.filter(status=Round.Status.OPEN, opens_on__lte=today)
    }
    rounds = {pk: value for pk, value in rounds.items() if value[1]}
    if not rounds:
        return []
    # Still with the school, a target school of the round, open during the round and still open today.
    submissions = list(
        selectors.submissions_to_chase(round_ids=list(rounds), today=today).order_by(
            "round__deadline", "round__slug", "school__name_th"
        )
    )
    if not submissions:
        return []
    officers = school_logins_by_school({s.school_id for s in submissions})
    staff = list(district_staff_users().order_by("username"))
    stale_before = now - STALE_CLAIM
    logged = {
        tuple(key)
        for *key, outcome, claimed_at in ReminderLog.objects.filter(submission__in=submissions).values_list(
            "submission_id", "reason", "channel", "recipient_id", "outcome", "sent_at"
        )
        if not (outcome == O.PENDING and claimed_at < stale_before)  # a dead pass's claim is due again
    }
    due = []
    for submission in submissions:
        for reason in rounds[submission.round_id][1]:
            people = staff if reason == R.ESCALATION else officers.get(submission.school_id, [])
            for person in people:
                for channel, address in _channels(person):
                    reminder = Reminder(submission, reason, channel, person, address)
                    if reminder.key not in logged:
                        due.append(reminder)
    return due


@transaction.atomic
def _claim(due: list[Reminder], now, token: str) -> set[tuple]:
    """Insert a pending log row for each reminder unless one is there, take over the stale pending
    rows among them (``STALE_CLAIM``), and return the keys this pass holds. A concurrent pass's
    uncommitted insert of the same key makes this one wait, then skip; of two passes taking over the
    same stale row, the second finds it no longer stale (PostgreSQL re-checks the row after the wait)."""
    keys = {r.key for r in due}
    stale = [
        pk
        for pk, *key in ReminderLog.objects.filter(
            submission__in={r.submission.pk for r in due}, outcome=O.PENDING, sent_at__lt=now - STALE_CLAIM
        ).values_list("pk", "submission_id", "reason", "channel", "recipient_id")
        if tuple(key) in keys
    ]
    if stale:
        ReminderLog.objects.filter(pk__in=stale, outcome=O.PENDING, sent_at__lt=now - STALE_CLAIM).update(
            claim=token, sent_at=now
        )
    ReminderLog.objects.bulk_create(
        [
            ReminderLog(
                submission=r.submission,
                reason=r.reason,
                channel=r.channel,
                recipient=r.recipient,
                address=r.address,
                sent_at=now,
                claim=token,
            )
            for r in due
        ],
        ignore_conflicts=True,
    )
    return set(
        ReminderLog.objects.filter(claim=token).values_list(
            "submission_id", "reason", "channel", "recipient_id"
        )
    )


def reminders_send(*, now=None, dry_run: bool = False) -> list[Reminder]:
    """One reminder pass. With ``dry_run`` nothing is written or sent: the reminders due are returned."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        due = reminders_due(now=now)
        if dry_run or not due:
            return due
        token = uuid.uuid4().hex
        claimed = _claim(due, now, token)
        mine = [r for r in due if r.key in claimed]
        connection = mail.get_connection()
        for reminder in mine:
            if reminder.reason != R.ESCALATION:
                _deliver([reminder], *_school_message(reminder, now), connection=connection, token=token)
        digests = defaultdict(list)
        for reminder in mine:
            if reminder.reason == R.ESCALATION:
                digests[(reminder.submission.round_id, reminder.recipient.pk, reminder.channel)].append(
                    reminder
                )
        for group in digests.values():
            _deliver(group, *_escalation_message(group, now), connection=connection, token=token)
        if mine:
            outcomes = defaultdict(int)
            for reminder in mine:
                outcomes[f"{reminder.reason}.{reminder.channel}.{reminder.outcome}"] += 1
            audit_log(None, "datacollection.reminders.sent", None, {"claim": token, "counts": dict(outcomes)})
    return mine


def _deliver(group: list[Reminder], subject: str, text: str, *, connection, token: str) -> None:
    """Send one message (to the group's one recipient on its one channel) and record its outcome on
    every log row it covers."""
    first = group[0]
    try:
        if first.channel == C.EMAIL:
            mail.EmailMessage(subject, text, None, [first.address], connection=connection).send()
        else:
            # The same key if this very message is ever retried: LINE then delivers it once.
            retry_key = uuid.uuid5(uuid.NAMESPACE_URL, f"{token}/{first.key}")
            line.push_text(first.address, f"{subject}\n\n{text}", retry_key=retry_key)
    except Exception as exc:  # any failure of one message is recorded; the others still go out
        log.warning("Reminder %s to %s failed: %s", first.reason, first.address, exc)
        outcome, detail = O.FAILED, str(exc)[:500]
    else:
        outcome, detail = O.SENT, ""
    ReminderLog.objects.filter(
        claim=token,
        submission__in=[r.submission.pk for r in group],
        reason=first.reason,
        channel=first.channel,
        recipient=first.recipient,
    ).update(outcome=outcome, detail=detail)
    for reminder in group:
        reminder.outcome, reminder.detail = outcome, detail


def _deadline_words(days_left: int) -> str:
    if days_left > 0:
        return _("เหลืออีก %(n)s วัน") % {"n": days_left}
    if days_left == 0:
        return _("ครบกำหนดวันนี้")
    return _("เลยกำหนด %(n)s วัน") % {"n": -days_left}


def _school_message(reminder: Reminder, now) -> tuple[str, str]:
    submission, round_ = reminder.submission, reminder.submission.round
    days_left = (round_.deadline - timezone.localdate(now)).days
    if reminder.reason == R.AFTER_1D:
        subject = _("เลยกำหนดส่ง %(round)s แล้ว: %(school)s")
    else:
        subject = _("ใกล้ครบกำหนดส่ง %(round)s: %(school)s")
    subject = subject % {"round": round_.label, "school": submission.school.name_th}
    url = reverse(
        "datacollection:submission-detail", kwargs={"slug": round_.slug, "code": submission.school.code}
    )
    text = _(
        "โรงเรียน%(school)s ยังไม่ได้ยืนยันส่งข้อมูล %(round)s\n"
        "สถานะตอนนี้: %(status)s\n"
        "กำหนดส่ง: %(deadline)s (%(when)s)\n\n"
        "ส่งไฟล์และกดยืนยันส่งได้ที่ %(url)s"
    ) % {
        "school": submission.school.name_th,
        "round": round_.label,
        "status": submission.get_status_display(),
        "deadline": thaidate.format_date(round_.deadline),
        "when": _deadline_words(days_left),
        "url": f"{settings.SITE_URL}{url}",
    }
    return subject, text


def _escalation_message(group: list[Reminder], now) -> tuple[str, str]:
    round_ = group[0].submission.round
    days_left = (round_.deadline - timezone.localdate(now)).days
    subject = _("%(round)s: โรงเรียนเลยกำหนดส่ง %(n)s แห่ง") % {"round": round_.label, "n": len(group)}
    lines = [
        _("โรงเรียนต่อไปนี้ยังไม่ได้ยืนยันส่งข้อมูล %(round)s (กำหนดส่ง %(deadline)s, %(when)s):")
        % {
            "round": round_.label,
            "deadline": thaidate.format_date(round_.deadline),
            "when": _deadline_words(days_left),
        },
        "",
    ]
    for reminder in group:
        school = reminder.submission.school
        lines.append(f"- {school.code} {school.name_th} ({reminder.submission.get_status_display()})")
    url = reverse("datacollection:chase-board")
    lines += ["", _("ติดตามได้ที่กระดานติดตามการส่งข้อมูล %(url)s") % {"url": f"{settings.SITE_URL}{url}?late=1"}]
    return subject, "\n".join(lines)
