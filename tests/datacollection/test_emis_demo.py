"""The demo's EMIS round: closed, every target school accepted, its students those of DMC round 1."""

import datetime

import pytest

from datacollection import selectors
from datacollection.demo import seed_demo_rounds
from datacollection.kinds import emis
from datacollection.kinds.emis_kind import load_data, make_context
from datacollection.models import EmisStudentCount, Round, StudentRecord, Submission
from schools.demo import seed_demo_district
from schools.models import Membership

S = Submission.Status
TODAY = datetime.date(2026, 11, 25)


@pytest.mark.django_db
def test_demo_emis_round_is_accepted_for_every_school_and_agrees_with_dmc_round_1():
    seed_demo_district(today=TODAY)
    officers = {m.school_id: m.user for m in Membership.objects.select_related("user")}
    result = seed_demo_rounds(today=TODAY, officers_by_school=officers)
    assert "emis-2569-1" in result.created

    round_ = Round.objects.get(slug="emis-2569-1")
    assert (round_.kind, round_.as_of, round_.status) == (
        "emis",
        datetime.date(2026, 6, 10),
        Round.Status.CLOSED,
    )
    assert round_.submissions.count() == round_.target_schools.count()
    assert set(round_.submissions.values_list("status", flat=True)) == {S.ACCEPTED}
    # The generated data is marked as such in every school's history.
    assert all("สร้างขึ้น" in s.events.latest("id").comment for s in round_.submissions.all())

    # Students in EMIS are the district's DMC round-1 records, school by school.
    dmc_total = StudentRecord.objects.filter(round__slug="dmc-2569-1").count()
    emis_total = sum(row["total"] for row in selectors.emis_students(round_))
    assert emis_total == dmc_total
    sample = round_.submissions.filter(school__in=officers).first()
    assert emis.dmc_differences(load_data(sample), make_context(sample)) == {}

    # Plausible: students per teacher and per room in the range of real primary schools.
    teachers = sum(row["total"] for row in selectors.emis_teachers(round_))
    rooms = sum(row["rooms"] for row in selectors.emis_classrooms(round_))
    assert 10 <= emis_total / teachers <= 30
    assert 10 <= emis_total / rooms <= 40

    count = EmisStudentCount.objects.count()
    again = seed_demo_rounds(today=TODAY, officers_by_school=officers)
    assert "emis-2569-1" not in again.created
    assert EmisStudentCount.objects.count() == count
