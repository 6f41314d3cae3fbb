"""The EMIS and B-OBEC rounds of the statistics tests (hand-countable; the figures are listed in
``test_emis_bobec_statistics``): made through the round services, data written in bulk."""

import datetime

from datacollection import services as round_services
from datacollection.models import Building, EmisStaffCount, EmisStudentCount, Submission
from tests.datacollection.bobec_support import bobec_round
from tests.datacollection.emis_support import emis_round
from tests.factories import SchoolFactory, amphoe

S = Submission.Status
DATES = {"deadline": datetime.date(2026, 6, 30), "closes_on": datetime.date(2026, 7, 15)}


def make_schools():
    return {
        "A": SchoolFactory(name_th="ก", amphoe=amphoe("9011")),
        "B": SchoolFactory(name_th="ข", amphoe=amphoe("9011")),
        "C": SchoolFactory(name_th="ค", amphoe=amphoe("9013")),
        "D": SchoolFactory(name_th="ง ยังไม่รับรอง", amphoe=amphoe("9011")),
    }


def _submissions(round_, schools, *, accepted=("A", "B", "C")):
    subs = {}
    for key, school in schools.items():
        submission = Submission.objects.get(round=round_, school=school)
        submission.status = S.ACCEPTED if key in accepted else S.SUBMITTED
        submission.save(update_fields=["status"])
        subs[key] = submission
    return subs


def emis_with_data(staff, schools, *, close=True, accepted=("A", "B", "C")):
    round_ = emis_round(actor=staff, schools=list(schools.values()), **DATES)
    subs = _submissions(round_, schools, accepted=accepted)
    students = {
        "A": [("ป.1", 10, 8, 1), ("ป.2", 7, 5, 1)],
        "B": [("ป.1", 20, 22, 2)],
        "C": [("ป.1", 4, 4, 0)],
        "D": [("ป.1", 50, 50, 4)],
    }
    EmisStudentCount.objects.bulk_create(
        EmisStudentCount(submission=subs[k], grade=g, male=m, female=f, rooms=r)
        for k, rows in students.items()
        for g, m, f, r in rows
    )
    staff_rows = {
        "A": [("director", "none", 1, 0), ("teacher", "k1", 0, 2), ("teacher", "k2", 1, 0),
              ("assistant_teacher", "none", 0, 1), ("temporary_employee", "none", 0, 1)],
        "B": [("director", "k3", 0, 1), ("teacher", "k1", 1, 2)],
        "C": [("temporary_employee", "none", 1, 0), ("teacher", "k1", 0, 0)],
        "D": [("teacher", "k1", 10, 0)],
    }  # fmt: skip
    EmisStaffCount.objects.bulk_create(
        EmisStaffCount(submission=subs[k], category=c, rank=r, male=m, female=f)
        for k, rows in staff_rows.items()
        for c, r, m, f in rows
    )
    if close:
        round_ = round_services.round_close(round_, actor=staff)
    return round_


def bobec_with_data(staff, schools, *, close=True):
    round_ = bobec_round(actor=staff, schools=list(schools.values()), **DATES)
    subs = _submissions(round_, schools)

    def building(key, building_type, sequence, condition, **extra):
        return Building(
            submission=subs[key], building_type=building_type, sequence=sequence, condition=condition,
            year_built=2530, **extra,
        )  # fmt: skip

    Building.objects.bulk_create(
        [
            building("A", "classroom", 1, "good"),
            building("A", "classroom", 2, "poor"),
            building("A", "classroom", 3, "poor", demolished_on=datetime.date(2025, 1, 1)),
            building("A", "toilet", 1, "poor"),
            building("B", "classroom", 1, "fair"),
            *[building("D", "classroom", n, "good") for n in range(1, 6)],
        ]
    )
    if close:
        round_ = round_services.round_close(round_, actor=staff)
    return round_
