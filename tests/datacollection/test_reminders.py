"""The reminder pass: who is reminded of which deadline when, on which channel, never twice; LINE
against a local fake of the Messaging API; ``manage.py send_reminders``. The clock is passed in."""

import datetime
import io
import json
import threading
import zoneinfo
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from aoc.models import AuditLog, User
from datacollection import tasks
from datacollection.models import ReminderLog, Submission
from datacollection.reminders import reminders_send
from tests.factories import SchoolFactory, UserFactory, dmc_round, officer_of

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
DEADLINE = datetime.date(2026, 11, 30)
S = Submission.Status
R = ReminderLog.Reason
LINE_ID_A = "U" + "a" * 32


def at(day: datetime.date, hour: int = 8) -> datetime.datetime:
    """A morning of the pass (Bangkok time)."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BANGKOK)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def round_(district_staff, school_a, school_b, officer_a, officer_b):
    return dmc_round(
        actor=district_staff,
        schools=[school_a, school_b],
        opens_on=datetime.date(2026, 11, 1),
        deadline=DEADLINE,
        closes_on=datetime.date(2026, 12, 31),
    )


def set_state(round_, school, status, *, first_submitted_at=None):
    Submission.objects.filter(round=round_, school=school).update(
        status=status, first_submitted_at=first_submitted_at
    )


def sent(reason=None):
    logs = ReminderLog.objects.select_related("submission__school", "recipient")
    if reason:
        logs = logs.filter(reason=reason)
    return sorted(
        (log.submission.school.code, log.reason, log.channel, log.recipient.username) for log in logs
    )


# --- The schedule ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_nothing_is_due_more_than_seven_days_before_the_deadline(round_):
    assert reminders_send(now=at(DEADLINE - days(8))) == []
    assert ReminderLog.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_seven_days_before_each_school_not_yet_submitted_gets_one_email_per_officer(
    round_, school_a, school_b
):
    result = reminders_send(now=at(DEADLINE - days(7)))
    assert sent() == [
        (school_a.code, R.BEFORE_7D, "email", "officer_a"),
        (school_b.code, R.BEFORE_7D, "email", "officer_b"),
    ]
    assert {r.outcome for r in result} == {"sent"}
    assert sorted(m.to[0] for m in mail.outbox) == ["officer_a@example.org", "officer_b@example.org"]
    message = next(m for m in mail.outbox if m.to == ["officer_a@example.org"])
    assert "ใกล้ครบกำหนดส่ง" in message.subject and school_a.name_th in message.subject
    assert "เหลืออีก 7 วัน" in message.body
    assert f"/staff/rounds/{round_.slug}/schools/{school_a.code}/" in message.body
    assert school_b.name_th not in message.body  # each school is told only about itself


@pytest.mark.django_db
def test_nothing_is_sent_twice_across_repeated_passes(round_):
    first = reminders_send(now=at(DEADLINE - days(7)))
    assert len(first) == 2
    assert reminders_send(now=at(DEADLINE - days(7), hour=9)) == []
    assert reminders_send(now=at(DEADLINE - days(5))) == []  # still the 7-day window: already sent
    assert ReminderLog.objects.count() == 2
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_one_day_reminder_follows_and_a_missed_seven_day_window_is_not_sent_late(round_, school_a):
    reminders_send(now=at(DEADLINE - days(7)))
    reminders_send(now=at(DEADLINE - days(1)))
    assert [row[1] for row in sent() if row[0] == school_a.code] == [R.BEFORE_1D, R.BEFORE_7D]
    # A school added late (the pass ran for the first time the day before): only the 1-day reminder.
    ReminderLog.objects.all().delete()
    reminders_send(now=at(DEADLINE - days(1)))
    assert {row[1] for row in sent()} == {R.BEFORE_1D}


@pytest.mark.django_db
def test_a_day_after_the_deadline_the_late_school_is_told(round_, school_a, school_b):
    set_state(round_, school_b, S.RETURNED)  # returned and not sent again: still late
    reminders_send(now=at(DEADLINE + days(1)))
    assert sent() == [
        (school_a.code, R.AFTER_1D, "email", "officer_a"),
        (school_b.code, R.AFTER_1D, "email", "officer_b"),
    ]
    message = next(m for m in mail.outbox if m.to == ["officer_b@example.org"])
    assert "เลยกำหนดส่ง" in message.subject
    assert "เลยกำหนด 1 วัน" in message.body and "ส่งกลับให้แก้ไข" in message.body
    assert not ReminderLog.objects.filter(reason=R.ESCALATION).exists()  # district staff not yet


@pytest.mark.django_db
def test_escalation_is_one_digest_per_round_to_each_district_staff_member(
    round_, school_a, school_b, district_staff, admin_user
):
    reminders_send(now=at(DEADLINE + days(1)))
    mail.outbox.clear()
    reminders_send(now=at(DEADLINE + days(3)))
    assert sent(R.ESCALATION) == [
        (school_a.code, R.ESCALATION, "email", "admin"),
        (school_a.code, R.ESCALATION, "email", "staff"),
        (school_b.code, R.ESCALATION, "email", "admin"),
        (school_b.code, R.ESCALATION, "email", "staff"),
    ]
    # One message per staff member naming both schools — not one per school.
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@example.org", "staff@example.org"]
    digest = mail.outbox[0]
    assert "เลยกำหนดส่ง 2 แห่ง" in digest.subject
    assert school_a.code in digest.body and school_b.code in digest.body
    assert "/staff/chase/?late=1" in digest.body
    # A school that becomes late later (its submission returned after the deadline) is escalated on
    # its own in a later digest; the others are not named again.
    mail.outbox.clear()
    school_c = SchoolFactory()
    officer_of(school_c, username="officer_c")
    round_.target_schools.add(school_c)
    Submission.objects.create(round=round_, school=school_c, status=S.RETURNED)
    reminders_send(now=at(DEADLINE + days(4)))
    digests = [m for m in mail.outbox if m.to[0] in ("admin@example.org", "staff@example.org")]
    assert len(digests) == 2
    assert school_c.code in digests[0].body and school_a.code not in digests[0].body


@pytest.mark.django_db
def test_submitted_and_accepted_schools_are_not_reminded(round_, school_a, school_b):
    set_state(round_, school_a, S.SUBMITTED, first_submitted_at=at(DEADLINE - days(9)))
    set_state(round_, school_b, S.ACCEPTED, first_submitted_at=at(DEADLINE - days(9)))
    for day in (-7, -1, 1, 3):
        assert reminders_send(now=at(DEADLINE + days(day))) == []
    assert ReminderLog.objects.count() == 0


@pytest.mark.django_db
def test_closed_schools_and_schools_no_longer_targeted_are_skipped(round_, school_a, school_b):
    school_a.closed_on = DEADLINE - days(10)  # closed during the round: not chased any more
    school_a.save()
    round_.target_schools.remove(school_b)  # taken off the round after it opened
    for day in (-7, -1, 1, 3):
        assert reminders_send(now=at(DEADLINE + days(day))) == []
    assert ReminderLog.objects.count() == 0


@pytest.mark.django_db
def test_inactive_officers_and_officers_without_an_address_get_nothing(
    round_, school_a, officer_a, officer_b
):
    officer_a.is_active = False
    officer_a.save()
    officer_b.email = ""
    officer_b.save()
    assert reminders_send(now=at(DEADLINE - days(7))) == []


@pytest.mark.django_db
def test_closed_and_planned_rounds_send_nothing(round_, district_staff, school_a):
    round_.status = "closed"
    round_.save()
    dmc_round(actor=district_staff, number=3, status="planned", schools=[school_a], deadline=DEADLINE)
    assert reminders_send(now=at(DEADLINE + days(1))) == []


@pytest.mark.django_db
def test_dry_run_lists_what_is_due_and_writes_nothing(round_, school_a):
    audit_before = AuditLog.objects.count()
    due = reminders_send(now=at(DEADLINE - days(1)), dry_run=True)
    assert sorted((r.submission.school.code, r.reason, r.channel) for r in due)[0] == (
        school_a.code,
        R.BEFORE_1D,
        "email",
    )
    assert {r.outcome for r in due} == {""}
    assert ReminderLog.objects.count() == 0
    assert AuditLog.objects.count() == audit_before
    assert mail.outbox == []
    # The real pass afterwards sends exactly what the dry run listed.
    done = reminders_send(now=at(DEADLINE - days(1)))
    assert [r.key for r in done] == [r.key for r in due]


@pytest.mark.django_db
def test_a_reminder_claimed_by_another_pass_is_not_sent_again(round_, school_a, officer_a):
    """Two passes at once: the one whose insert lands second finds the row there and skips it."""
    submission = Submission.objects.get(round=round_, school=school_a)
    ReminderLog.objects.create(
        submission=submission, reason=R.BEFORE_7D, channel="email", recipient=officer_a,
        address=officer_a.email, sent_at=at(DEADLINE - days(7)), claim="another-pass",
    )  # fmt: skip
    result = reminders_send(now=at(DEADLINE - days(7)))
    assert [r.submission.school for r in result] != [school_a] and all(
        r.submission.school != school_a for r in result
    )
    assert [m.to for m in mail.outbox] == [["officer_b@example.org"]]
    assert ReminderLog.objects.get(submission=submission).claim == "another-pass"


@pytest.mark.django_db
def test_a_claim_left_pending_by_a_pass_that_died_is_sent_by_a_later_pass(
    round_, school_a, school_b, officer_a, officer_b
):
    """A pass claimed a reminder, then its worker was killed before it sent or recorded it. An hour on,
    the next pass takes the claim over and sends it; a claim younger than that is left to its pass."""
    now = at(DEADLINE - days(7))
    stale = ReminderLog.objects.create(
        submission=Submission.objects.get(round=round_, school=school_a), reason=R.BEFORE_7D,
        channel="email", recipient=officer_a, address=officer_a.email,
        sent_at=now - datetime.timedelta(hours=2), claim="dead-pass",
    )  # fmt: skip
    young = ReminderLog.objects.create(
        submission=Submission.objects.get(round=round_, school=school_b), reason=R.BEFORE_7D,
        channel="email", recipient=officer_b, address=officer_b.email,
        sent_at=now - datetime.timedelta(minutes=10), claim="running-pass",
    )  # fmt: skip
    result = reminders_send(now=now)
    assert [(r.submission.school, r.outcome) for r in result] == [(school_a, "sent")]
    assert [m.to for m in mail.outbox] == [[officer_a.email]]
    stale.refresh_from_db()
    assert (stale.outcome, stale.sent_at) == ("sent", now) and stale.claim != "dead-pass"
    young.refresh_from_db()
    assert (young.outcome, young.claim) == ("pending", "running-pass")


@pytest.fixture
def reference_data(transactional_db):
    """A committing test may follow another one's flush: load the amphoes the migrations load."""
    from importlib import import_module

    from django.apps import apps

    import_module("schools.migrations.0002_reference_data").load(apps, None)


@pytest.mark.django_db(transaction=True)
def test_two_passes_at_the_same_time_send_each_reminder_once(reference_data, round_, monkeypatch):
    """Both passes read the log before either writes (a barrier holds them at the claim), then both
    claim: PostgreSQL's unique index makes the second insert wait for the first and skip its rows."""
    from django.db import connection

    from datacollection import reminders

    barrier = threading.Barrier(2, timeout=30)
    claim = reminders._claim

    def claim_together(*args, **kwargs):
        barrier.wait()
        return claim(*args, **kwargs)

    monkeypatch.setattr(reminders, "_claim", claim_together)
    results, errors = [], []

    def one_pass():
        try:
            results.append(reminders_send(now=at(DEADLINE - days(7))))
        except Exception as exc:  # reported below: an exception in a thread would be lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one_pass) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(len(result) for result in results) == [0, 2]
    assert ReminderLog.objects.count() == 2
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_pass_is_audited_once_with_its_counts(round_):
    reminders_send(now=at(DEADLINE - days(7)))
    entry = AuditLog.objects.get(action="datacollection.reminders.sent")
    assert entry.actor is None
    assert entry.data["counts"] == {"before_7d.email.sent": 2}


@pytest.mark.django_db
def test_a_failed_email_is_recorded_and_does_not_stop_the_others(round_, settings, school_a):
    settings.EMAIL_BACKEND = "tests.datacollection.test_reminders.FailForOfficerA"
    result = reminders_send(now=at(DEADLINE - days(7)))
    outcomes = {r.submission.school.code: r.outcome for r in result}
    assert outcomes[school_a.code] == "failed"
    assert sorted(outcomes.values()) == ["failed", "sent"]
    log = ReminderLog.objects.get(submission__school=school_a)
    assert log.outcome == "failed" and "mailbox unavailable" in log.detail
    # A failed reminder is on record: the next pass does not send it again.
    assert reminders_send(now=at(DEADLINE - days(6))) == []


class FailForOfficerA:
    """An e-mail backend that refuses officer_a's address and keeps the rest in ``mail.outbox``."""

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.backend = EmailBackend(*args, **kwargs)

    def send_messages(self, messages):
        for message in messages:
            if "officer_a@example.org" in message.to:
                raise OSError("550 mailbox unavailable")
        return self.backend.send_messages(messages)

    def open(self):
        return True

    def close(self):
        pass


# --- LINE, against a local fake of the Messaging API ------------------------------------------------


class FakeLine:
    """A LINE Messaging API push endpoint on 127.0.0.1: records each request, answers ``status``."""

    def __init__(self):
        self.requests = []
        self.status = 200
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                fake.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": json.loads(body)}
                )
                payload = b"{}" if fake.status == 200 else b'{"message":"internal error"}'
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_line(settings):
    with FakeLine() as fake:
        settings.LINE_API_BASE_URL = fake.url
        settings.LINE_CHANNEL_ACCESS_TOKEN = "test-channel-token"
        yield fake


@pytest.mark.django_db
def test_line_reminders_go_to_officers_with_a_line_id(round_, fake_line, officer_a, school_a):
    officer_a.line_user_id = LINE_ID_A
    officer_a.save()
    reminders_send(now=at(DEADLINE - days(1)))
    assert len(fake_line.requests) == 1
    request = fake_line.requests[0]
    assert request["path"] == "/v2/bot/message/push"
    assert request["headers"]["Authorization"] == "Bearer test-channel-token"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert request["headers"]["X-Line-Retry-Key"]
    assert request["body"]["to"] == LINE_ID_A
    [message] = request["body"]["messages"]
    assert message["type"] == "text"
    assert school_a.name_th in message["text"] and "เหลืออีก 1 วัน" in message["text"]
    log = ReminderLog.objects.get(channel="line")
    assert (log.outcome, log.address, log.recipient) == ("sent", LINE_ID_A, officer_a)
    # E-mail went out as well, to both schools.
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_line_error_is_recorded_as_failed_and_email_still_goes(round_, fake_line, officer_a):
    fake_line.status = 500
    officer_a.line_user_id = LINE_ID_A
    officer_a.save()
    result = reminders_send(now=at(DEADLINE - days(1)))
    line_log = ReminderLog.objects.get(channel="line")
    assert line_log.outcome == "failed"
    assert "HTTP 500" in line_log.detail and "internal error" in line_log.detail
    assert ReminderLog.objects.filter(channel="email", outcome="sent").count() == 2
    assert len(mail.outbox) == 2
    assert sorted(r.outcome for r in result) == ["failed", "sent", "sent"]


@pytest.mark.django_db
def test_an_unreachable_line_server_is_a_failure_not_a_crash(round_, settings, officer_a):
    settings.LINE_CHANNEL_ACCESS_TOKEN = "test-channel-token"
    settings.LINE_API_BASE_URL = "http://127.0.0.1:9"  # the discard port: nothing listens
    officer_a.line_user_id = LINE_ID_A
    officer_a.save()
    reminders_send(now=at(DEADLINE - days(1)))
    assert ReminderLog.objects.get(channel="line").outcome == "failed"


@pytest.mark.django_db
def test_line_is_off_without_a_channel_token(round_, settings, officer_a):
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""
    officer_a.line_user_id = LINE_ID_A
    officer_a.save()
    reminders_send(now=at(DEADLINE - days(1)))
    assert not ReminderLog.objects.filter(channel="line").exists()


@pytest.mark.django_db
def test_the_escalation_digest_goes_by_line_to_staff_with_a_line_id(
    round_, fake_line, district_staff, school_a, school_b
):
    district_staff.line_user_id = "U" + "b" * 32
    district_staff.save()
    reminders_send(now=at(DEADLINE + days(3)))
    to_staff = [r for r in fake_line.requests if r["body"]["to"] == district_staff.line_user_id]
    assert len(to_staff) == 1
    text = to_staff[0]["body"]["messages"][0]["text"]
    assert school_a.code in text and school_b.code in text
    assert ReminderLog.objects.filter(channel="line", reason=R.ESCALATION, outcome="sent").count() == 2


def test_a_line_user_id_has_line_s_shape():
    from django.core.exceptions import ValidationError

    user = User(username="x", line_user_id="not-a-line-id")
    with pytest.raises(ValidationError) as error:
        user.clean_fields(exclude=["password"])
    assert "line_user_id" in error.value.message_dict


# --- The command and the task: the real clock, a round whose deadline was yesterday ---------------


@pytest.fixture
def late_round(district_staff, school_a, school_b, officer_a, officer_b):
    today = timezone.localdate()
    return dmc_round(
        actor=district_staff, schools=[school_a, school_b], opens_on=today - days(20),
        deadline=today - days(1), closes_on=today + days(20),
    )  # fmt: skip


@pytest.mark.django_db
def test_send_reminders_command_prints_each_reminder_and_dry_run_writes_nothing(late_round, school_a):
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        f"would send\t{late_round.slug}\t{school_a.code} {school_a.name_th}\tafter_1d\temail\t"
        "officer_a <officer_a@example.org>"
    )
    assert lines[-1] == "2 reminder(s) due (dry run: nothing sent)"
    assert ReminderLog.objects.count() == 0 and mail.outbox == []

    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        f"{late_round.slug}\t{school_a.code} {school_a.name_th}\tafter_1d\temail\t"
        "officer_a <officer_a@example.org>\tsent"
    )
    assert lines[-1] == "2 reminder(s) sent, 0 failed"
    assert ReminderLog.objects.count() == 2

    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert out.getvalue().splitlines() == ["0 reminder(s) sent, 0 failed"]


@pytest.mark.django_db
def test_the_beat_task_runs_a_pass(late_round, settings):
    assert tasks.send_reminders() == {"reminders": 2, "failed": 0}  # what the worker runs
    assert settings.CELERY_BEAT_SCHEDULE["send-reminders"]["task"] == "datacollection.tasks.send_reminders"


@pytest.mark.django_db
def test_only_school_officers_of_the_school_are_reminded(round_, school_a):
    # A director who is (wrongly) a member of a school gets no school reminders: only officers do.
    from schools.models import Membership

    director = UserFactory(username="dir2", role=User.Role.DIRECTOR)
    Membership.objects.create(user=director, school=school_a)
    reminders_send(now=at(DEADLINE - days(7)))
    assert "dir2" not in {row[3] for row in sent()}


@pytest.mark.django_db
def test_an_administrator_sets_an_officer_s_line_user_id_in_the_admin(client_for, admin_user, officer_a):
    from django.urls import reverse

    client = client_for(admin_user)
    url = reverse("admin:aoc_user_change", args=[officer_a.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="line_user_id"' in page.content.decode()
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data |= {"line_user_id": LINE_ID_A, "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00"}
    data |= {"groups": [], "user_permissions": [], "last_login_0": "", "last_login_1": ""}
    data |= {f"memberships-{key}": value for key, value in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    officer_a.refresh_from_db()
    assert officer_a.line_user_id == LINE_ID_A
    assert AuditLog.objects.filter(action="aoc.user.updated", target_id=str(officer_a.pk)).exists()
