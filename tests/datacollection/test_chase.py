"""The chase board (every open round, late schools first, reminders sent, rates) and a school's history
across rounds. The board reads the real clock: rounds are placed around today."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from datacollection import selectors
from datacollection.models import ReminderLog, Round, Submission, SubmissionEvent
from datacollection.selectors import Completeness, round_completeness
from tests.factories import SchoolFactory, amphoe, dmc_round

S = Submission.Status
BOARD = reverse("datacollection:chase-board")


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def around_today(deadline_in: int) -> dict:
    today = timezone.localdate()
    return {
        "as_of": today + days(min(deadline_in, 0) - 30),
        "opens_on": today + days(min(deadline_in, 0) - 30),
        "deadline": today + days(deadline_in),
        "closes_on": today + days(max(deadline_in, 0) + 30),
    }


def set_state(round_, school, status, *, first_submitted_at=None, **extra):
    Submission.objects.filter(round=round_, school=school).update(
        status=status, first_submitted_at=first_submitted_at, **extra
    )


def history_url(school):
    return reverse("datacollection:school-history", args=[school.code])


@pytest.fixture
def late_round(district_staff, school_a, school_b):
    """A DMC round whose deadline was 3 days ago."""
    return dmc_round(actor=district_staff, number=1, schools=[school_a, school_b], **around_today(-3))


# --- Who sees the board ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [("admin", 200), ("district_staff", 200), ("director", 200), ("ict_staff", 200), ("officer_a", 403)],
)
def test_the_board_is_for_district_roles_not_school_officers(
    client_for, personas, late_round, persona, status
):
    assert client_for(personas[persona]).get(BOARD).status_code == status


@pytest.mark.django_db
def test_the_board_asks_anonymous_visitors_to_log_in(client_for):
    response = client_for(None).get(BOARD)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- What the board shows, in which order -----------------------------------------------------------


@pytest.mark.django_db
def test_late_schools_come_first_then_those_still_to_send_then_those_done(
    client_for, district_staff, late_round, school_a, school_b
):
    school_c, school_d = SchoolFactory(name_th="ก่อนสุด"), SchoolFactory(name_th="ปิดแล้ว")
    school_d.closed_on = timezone.localdate() - days(400)
    school_d.save()
    soon = dmc_round(
        actor=district_staff, number=2, schools=[school_a, school_c, school_d], **around_today(5)
    )
    set_state(late_round, school_b, S.ACCEPTED, first_submitted_at=timezone.now() - days(10))
    set_state(soon, school_a, S.SUBMITTED, first_submitted_at=timezone.now())
    response = client_for(district_staff).get(BOARD)
    order = [(s.round.slug, s.school.name_th) for s in response.context["rows"]]
    assert order == [
        (late_round.slug, school_a.name_th),  # late: 3 days past the deadline, not started
        (soon.slug, school_c.name_th),  # still to send, 5 days left
        (soon.slug, school_a.name_th),  # submitted
        (late_round.slug, school_b.name_th),  # accepted
        (soon.slug, school_d.name_th),  # closed before the round: not expected, last
    ]
    body = response.content.decode()
    assert "เลยกำหนด 3 วัน" in body
    assert "เหลืออีก 5 วัน" in body
    rows = {(s.round.slug, s.school.code): s for s in response.context["rows"]}
    assert rows[(late_round.slug, school_a.code)].days_left == -3
    assert rows[(late_round.slug, school_a.code)].overdue
    assert not rows[(soon.slug, school_d.code)].expected


@pytest.mark.django_db
def test_only_open_rounds_are_on_the_board(client_for, district_staff, late_round, school_a):
    dmc_round(actor=district_staff, number=3, status="planned", schools=[school_a], **around_today(10))
    closed = dmc_round(actor=district_staff, number=2, schools=[school_a], **around_today(-40))
    closed.status = Round.Status.CLOSED
    closed.save()
    rows = client_for(district_staff).get(BOARD).context["rows"]
    assert {s.round.slug for s in rows} == {late_round.slug}


@pytest.mark.django_db
def test_the_board_filters_by_amphoe_kind_state_and_lateness(
    client_for, district_staff, late_round, school_a
):
    far = SchoolFactory(amphoe=amphoe("9009"))
    emis = Round.objects.create(
        kind=Round.Kind.EMIS, academic_year=2569, number=1, label="EMIS 2569", slug="emis-2569-1",
        status=Round.Status.OPEN, **around_today(10),
    )  # fmt: skip
    emis.target_schools.add(far)
    Submission.objects.create(round=emis, school=far)
    set_state(late_round, school_a, S.DRAFT)
    client = client_for(district_staff)

    def shown(**query):
        return sorted((s.round.slug, s.school.code) for s in client.get(BOARD, query).context["rows"])

    assert shown(amphoe="9009") == [(emis.slug, far.code)]
    assert shown(kind="emis") == [(emis.slug, far.code)]
    assert len(shown(kind="dmc")) == 2
    assert shown(status="draft") == [(late_round.slug, school_a.code)]
    assert len(shown(late="on")) == 2  # both DMC schools are late; the EMIS one has 10 days left
    response = client.get(BOARD, {"kind": "emis"})
    assert [r["round"] for r in response.context["rates"]] == [emis]


@pytest.mark.django_db
def test_the_counts_on_top_follow_amphoe_and_kind_but_not_the_state_filter(
    client_for, district_staff, late_round, school_a
):
    set_state(late_round, school_a, S.SUBMITTED, first_submitted_at=timezone.now())
    response = client_for(district_staff).get(BOARD, {"status": "submitted"})
    counts = {value: n for value, _label, n in response.context["state_counts"]}
    assert counts["submitted"] == 1 and counts["not_started"] == 1
    assert response.context["late_count"] == 1
    assert len(response.context["rows"]) == 1


@pytest.mark.django_db
def test_the_board_shows_reminders_sent_and_escalations(
    client_for, district_staff, late_round, school_a, officer_a
):
    submission = Submission.objects.get(round=late_round, school=school_a)
    for reason, outcome, recipient in (
        (ReminderLog.Reason.BEFORE_7D, "sent", officer_a),
        (ReminderLog.Reason.AFTER_1D, "failed", officer_a),
        (ReminderLog.Reason.ESCALATION, "sent", district_staff),
    ):
        ReminderLog.objects.create(
            submission=submission, reason=reason, channel="email", recipient=recipient,
            address=recipient.email, sent_at=timezone.now(), outcome=outcome, claim="x",
        )  # fmt: skip
    response = client_for(district_staff).get(BOARD)
    row = next(s for s in response.context["rows"] if s.school == school_a)
    assert [r["reason"] for r in row.reminder_summary] == ["before_7d", "after_1d", "escalation"]
    assert [(r["sent"], r["failed"]) for r in row.reminder_summary] == [(1, 0), (0, 1), (1, 0)]
    body = response.content.decode()
    assert "เตือนล่วงหน้า 7 วัน" in body and "ไม่สำเร็จ 1" in body and "แจ้งเขตพื้นที่ (เลยกำหนด)" in body


@pytest.mark.django_db
def test_the_board_links_to_the_map_and_to_each_school_s_history(
    client_for, district_staff, late_round, school_a
):
    body = client_for(district_staff).get(BOARD).content.decode()
    assert reverse("gis:staff-map") in body and "ดูข้อมูลเดียวกันบนแผนที่" in body
    assert f"{reverse('gis:staff-map')}?round={late_round.slug}" in body
    assert history_url(school_a) in body


@pytest.mark.django_db
def test_the_board_costs_the_same_number_of_queries_for_many_schools(
    client_for, district_staff, django_assert_max_num_queries, school_a, school_b, officer_a
):
    late = dmc_round(actor=district_staff, number=1, schools=[school_a, school_b], **around_today(-2))
    soon = dmc_round(actor=district_staff, number=2, schools=[school_a], **around_today(4))
    client = client_for(district_staff)
    client.get(BOARD)  # warm the session and the content types
    with django_assert_max_num_queries(12) as few:
        assert len(client.get(BOARD).context["rows"]) == 3
    more = SchoolFactory.create_batch(30)
    for round_ in (late, soon):
        round_.target_schools.add(*more)
        Submission.objects.bulk_create([Submission(round=round_, school=school) for school in more])
    for submission in Submission.objects.filter(round=late):
        ReminderLog.objects.create(
            submission=submission, reason="after_1d", channel="email", recipient=officer_a,
            address=officer_a.email, sent_at=timezone.now(), claim="x",
        )  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(BOARD).context["rows"]) == 63


# --- The rates ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rates_count_only_expected_schools_and_never_exceed_100_percent(district_staff, school_a, school_b):
    closed, dropped, late_sender = SchoolFactory(), SchoolFactory(), SchoolFactory()
    closed.closed_on = timezone.localdate() - days(100)
    closed.save()
    round_ = dmc_round(
        actor=district_staff, number=1, schools=[school_a, school_b, closed, dropped, late_sender],
        **around_today(-3),
    )  # fmt: skip
    deadline_at = round_.deadline_at
    # A closed school that (wrongly) still submitted, and a school taken off the targets that did:
    # neither is expected, so neither counts — the rates cannot pass 100 %.
    set_state(round_, closed, S.ACCEPTED, first_submitted_at=deadline_at - days(5))
    set_state(round_, dropped, S.SUBMITTED, first_submitted_at=deadline_at - days(5))
    round_.target_schools.remove(dropped)
    set_state(round_, school_a, S.ACCEPTED, first_submitted_at=deadline_at - days(1))
    set_state(round_, school_b, S.SUBMITTED, first_submitted_at=deadline_at - datetime.timedelta(seconds=1))
    set_state(
        round_, late_sender, S.SUBMITTED, first_submitted_at=deadline_at + datetime.timedelta(seconds=1)
    )
    c = round_completeness(round_)
    assert (c.expected, c.submitted, c.accepted, c.on_time, c.overdue) == (3, 3, 1, 2, 0)
    assert (c.submitted_percent, c.accepted_percent, c.on_time_percent) == (100.0, 33.3, 66.7)


@pytest.mark.django_db
def test_a_school_returned_after_the_deadline_is_late_and_not_submitted(district_staff, school_a, school_b):
    round_ = dmc_round(actor=district_staff, number=1, schools=[school_a, school_b], **around_today(-3))
    set_state(round_, school_a, S.RETURNED, first_submitted_at=round_.deadline_at - days(2))
    c = round_completeness(round_)
    assert (c.expected, c.submitted, c.on_time, c.overdue) == (2, 0, 0, 2)


def test_a_completeness_never_reports_more_than_100_percent():
    assert Completeness(expected=2, submitted=3, accepted=0, on_time=0, overdue=0).submitted_percent == 100.0
    assert Completeness(expected=0, submitted=0, accepted=0, on_time=0, overdue=0).submitted_percent == 0.0


@pytest.mark.django_db
def test_the_board_rates_follow_the_amphoe_filter(client_for, district_staff, school_a):
    far = SchoolFactory(amphoe=amphoe("9009"))
    round_ = dmc_round(actor=district_staff, number=1, schools=[school_a, far], **around_today(2))
    response = client_for(district_staff).get(BOARD, {"amphoe": "9009"})
    [rate] = response.context["rates"]
    assert rate["round"] == round_ and rate["c"].expected == 1


# --- A school's history across rounds ---------------------------------------------------------------


@pytest.fixture
def history(district_staff, school_a, school_b, officer_a):
    """Two rounds of school_a: the first sent 2 days late after being returned twice, the second on time."""
    first = dmc_round(actor=district_staff, number=1, schools=[school_a, school_b], **around_today(-60))
    second = dmc_round(actor=district_staff, number=2, schools=[school_a, school_b], **around_today(-3))
    one = Submission.objects.get(round=first, school=school_a)
    set_state(first, school_a, S.ACCEPTED, first_submitted_at=first.deadline_at + days(2))
    for comment in ("ชั้น ป.1 ขาดนักเรียน 3 คน", "น้ำหนักส่วนสูงซ้ำทั้งห้อง"):
        SubmissionEvent.objects.create(
            submission=one,
            actor=district_staff,
            from_status=S.SUBMITTED,
            to_status=S.RETURNED,
            comment=comment,
        )
    ReminderLog.objects.create(
        submission=one, reason="after_1d", channel="email", recipient=officer_a, address=officer_a.email,
        sent_at=timezone.now() - days(58), outcome="sent", claim="x",
    )  # fmt: skip
    ReminderLog.objects.create(
        submission=one, reason="escalation", channel="email", recipient=district_staff,
        address=district_staff.email, sent_at=timezone.now() - days(56), outcome="sent", claim="x",
    )  # fmt: skip
    set_state(second, school_a, S.SUBMITTED, first_submitted_at=second.deadline_at - days(4))
    return first, second


@pytest.mark.django_db
def test_a_school_s_history_lists_each_round_on_time_or_late_returns_and_reminders(
    client_for, officer_a, school_a, history
):
    first, second = history
    response = client_for(officer_a).get(history_url(school_a))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [s.round for s in rows] == [second, first]
    assert [(s.days_late, s.returned_count, len(s.school_reminders)) for s in rows] == [(0, 0, 0), (2, 2, 1)]
    body = response.content.decode()
    assert "ส่งช้า 2 วัน" in body and "ส่งตรงเวลา" in body
    assert "ชั้น ป.1 ขาดนักเรียน 3 คน" in body and "น้ำหนักส่วนสูงซ้ำทั้งห้อง" in body
    assert "2 ครั้ง" in body
    assert "แจ้งเลยกำหนด" in body  # the reminder the school received; the escalation went to the district
    assert "แจ้งเขตพื้นที่ (เลยกำหนด)" not in body


@pytest.mark.django_db
def test_a_school_not_yet_submitted_past_the_deadline_shows_how_late_it_is(
    client_for, district_staff, school_b, history
):
    body = client_for(district_staff).get(history_url(school_b)).content.decode()
    assert "ยังไม่ได้ยืนยันส่ง (เลยกำหนด 3 วัน)" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer_a", 200),
        ("officer_b", 404),
        ("district_staff", 200),
        ("director", 200),
        ("ict_staff", 200),
        ("admin", 200),
    ],
)
def test_the_history_is_for_the_school_s_officers_and_district_roles(
    client_for, personas, school_a, history, persona, status
):
    assert client_for(personas[persona]).get(history_url(school_a)).status_code == status


@pytest.mark.django_db
def test_an_unknown_school_s_history_is_404(client_for, district_staff):
    assert (
        client_for(district_staff)
        .get(reverse("datacollection:school-history", args=["1090999999"]))
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_the_history_costs_a_fixed_number_of_queries(
    client_for, officer_a, school_a, history, district_staff, django_assert_max_num_queries
):
    client = client_for(officer_a)
    client.get(history_url(school_a))
    with django_assert_max_num_queries(10) as before:
        client.get(history_url(school_a))
    dmc_round(actor=district_staff, number=3, schools=[school_a], **around_today(20))
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(history_url(school_a))


@pytest.mark.django_db
def test_the_submission_page_links_to_the_history_and_lists_its_reminders(
    client_for, officer_a, school_a, history
):
    first, _second = history
    url = reverse("datacollection:submission-detail", args=[first.slug, school_a.code])
    response = client_for(officer_a).get(url)
    body = response.content.decode()
    assert history_url(school_a) in body
    assert [r.reason for r in response.context["reminders"]] == ["after_1d", "escalation"]
    assert "การแจ้งเตือนกำหนดส่ง" in body and "แจ้งเลยกำหนด" in body


@pytest.mark.django_db
def test_days_late_is_counted_in_local_dates(district_staff, school_a):
    round_ = dmc_round(actor=district_staff, number=1, schools=[school_a], **around_today(-3))
    submission = Submission.objects.select_related("round").get(round=round_, school=school_a)
    submission.first_submitted_at = round_.deadline_at  # 23:59:59 on the deadline day: on time
    assert selectors.days_late(submission) == 0
    submission.first_submitted_at = round_.deadline_at + datetime.timedelta(seconds=1)  # 00:00 next day
    assert selectors.days_late(submission) == 1


@pytest.mark.django_db
def test_school_officers_do_not_see_the_board_link_on_a_round(
    client_for, officer_a, district_staff, late_round
):
    url = reverse("datacollection:round-detail", args=[late_round.slug])
    assert BOARD not in client_for(officer_a).get(url).content.decode()
    assert BOARD in client_for(district_staff).get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["emis", "bobec"])
def test_every_kind_of_submission_page_lists_its_reminders(
    client_for, district_staff, officer_a, school_a, kind
):
    from tests.datacollection.bobec_support import bobec_round
    from tests.datacollection.emis_support import emis_round

    make = {"emis": emis_round, "bobec": bobec_round}[kind]
    round_ = make(actor=district_staff, schools=[school_a])
    submission = Submission.objects.get(round=round_, school=school_a)
    ReminderLog.objects.create(
        submission=submission,
        reason=ReminderLog.Reason.BEFORE_1D,
        channel=ReminderLog.Channel.EMAIL,
        recipient=officer_a,
        address=officer_a.email,
        sent_at=timezone.now(),
        outcome=ReminderLog.Outcome.SENT,
        claim="test",
    )
    url = reverse("datacollection:submission-detail", args=[round_.slug, school_a.code])
    body = client_for(officer_a).get(url).content.decode()
    assert 'id="reminders"' in body and "การแจ้งเตือนกำหนดส่ง" in body
