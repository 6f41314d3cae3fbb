import datetime

import pytest

from aoc.models import User
from datacollection import movement
from datacollection.demo import seed_demo_rounds
from datacollection.models import Building, Round, StudentRecord, Submission
from datacollection.selectors import duplicate_ids_in_round
from schools.demo import seed_demo_district
from schools.models import EnrolmentFigure, Membership
from tests.factories import UserFactory

S = Submission.Status
TODAY = datetime.date(2026, 11, 25)


@pytest.mark.django_db
def test_demo_has_an_accepted_round_and_an_open_round_with_schools_in_every_state():
    seed_demo_district(today=TODAY)
    officers = {m.school_id: m.user for m in Membership.objects.select_related("user")}
    result = seed_demo_rounds(today=TODAY, officers_by_school=officers)
    assert result.created == ["dmc-2569-1", "emis-2569-1", "dmc-2569-2", "bobec-2569-1"]

    first = Round.objects.get(slug="dmc-2569-1")
    assert first.status == Round.Status.CLOSED
    schools_with_students = EnrolmentFigure.objects.filter(students__gt=0).count()
    assert first.submissions.filter(status=S.ACCEPTED).count() == schools_with_students
    enrolled = sum(EnrolmentFigure.objects.values_list("students", flat=True))
    assert StudentRecord.objects.filter(round=first).count() == enrolled

    second = Round.objects.get(slug="dmc-2569-2")
    assert second.is_open
    states = set(second.submissions.values_list("status", flat=True))
    assert states == {S.NOT_STARTED, S.DRAFT, S.SUBMITTED, S.RETURNED, S.ACCEPTED}
    assert second.submissions.filter(current_upload=None, uploads__status="rejected").exists()
    # The demo officers can try the workflow: one school returned with a comment, one not started.
    demo_states = sorted(second.submissions.filter(school__in=officers).values_list("status", flat=True))
    assert demo_states == sorted([S.RETURNED, S.NOT_STARTED])

    # Generated students belong to one school each: no false "also in another school" flags.
    assert not duplicate_ids_in_round(second).exists()
    assert not duplicate_ids_in_round(first).exists()
    # Round 2 carries round 1's students (the same children, a term later), with some movement.
    school = second.submissions.filter(status=S.ACCEPTED).first().school
    ids = StudentRecord.objects.filter(school=school).values_list("national_id", flat=True)
    before, after = set(ids.filter(round=first)), set(ids.filter(round=second))
    assert len(before & after) >= 0.95 * len(before)
    staff = UserFactory(role=User.Role.DISTRICT_STAFF)
    summary = movement.movement_summary(movement.round_pair(second.slug), user=staff)
    assert summary.total.left and summary.total.moved_out and summary.total.moved_in
    assert summary.total.entrants == 2 * summary.compared

    again = seed_demo_rounds(today=TODAY, officers_by_school=officers)
    assert again.created == []
    assert Round.objects.count() == 4

    # B-OBEC round 1: closed, every target school accepted with generated buildings.
    bobec = Round.objects.get(slug="bobec-2569-1")
    assert bobec.status == Round.Status.CLOSED
    assert set(bobec.submissions.values_list("status", flat=True)) == {S.ACCEPTED}
    buildings = Building.objects.filter(submission__round=bobec).count()
    assert result.buildings == buildings > bobec.submissions.count()
