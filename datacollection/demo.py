"""The demo district's data-collection rounds, made through the real services and workflow.

- DMC round 1 of the current academic year: closed, every school accepted.
- DMC round 2 (open now, in November): schools in every state — not started, draft, draft whose last
  file was rejected, submitted, returned with a comment, accepted. Round 1's children, a term later,
  with some movement for the movement watch: about one in a hundred has left, one in a hundred moved
  to the next school (by SMIS code), and each school has two new entrants.

Student files are generated (``datacollection.samples``), one per school, with as many students as
the school's demo enrolment, and go through the same reading, checking and storing as a school's file.
Idempotent: a round that exists is left as it is.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from aoc import thaidate
from aoc.models import Notice
from aoc.selectors import district_staff_users
from datacollection import samples, services, workflow
from datacollection.models import Round, Submission
from schools.models import School
from schools.selectors import open_schools, with_enrolment

S = Submission.Status
# The share of schools in each state in the open round (the rest have not started).
OPEN_ROUND_MIX = (
    (S.ACCEPTED, 0.32),
    (S.SUBMITTED, 0.2),
    (S.RETURNED, 0.08),
    (S.DRAFT, 0.15),
    ("rejected", 0.05),
)
RETURN_COMMENTS = (
    "ชั้น ป.2 น้ำหนักและส่วนสูงเท่ากันทุกคน กรุณาชั่งและวัดใหม่แล้วส่งอีกครั้ง",
    "จำนวนนักเรียนชั้น อ.1 น้อยกว่ารอบที่แล้วมาก กรุณาตรวจสอบว่าบันทึกครบหรือไม่",
    "มีนักเรียน 2 คนที่มีชื่ออยู่ที่โรงเรียนอื่นด้วย กรุณาตรวจสอบการย้าย",
)


@dataclass
class RoundsSeedResult:
    created: list[str] = field(default_factory=list)
    students: int = 0


def seed_demo_rounds(
    *, today: datetime.date | None = None, officers_by_school: dict | None = None
) -> RoundsSeedResult:
    today = today or timezone.localdate()
    year_be = thaidate.academic_year(today)
    year = thaidate.ce_year(year_be)
    result = RoundsSeedResult()
    schools = list(with_enrolment(open_schools().order_by("smis_code")))
    officers_by_school = officers_by_school or {}

    first = datetime.date(year, 6, 10)
    if not Round.objects.filter(slug=Round.make_slug(Round.Kind.DMC, year_be, 1)).exists():
        with transaction.atomic():
            round_ = _round(
                year_be,
                1,
                as_of=first,
                opens_on=first - datetime.timedelta(days=9),
                deadline=datetime.date(year, 6, 30),
                closes_on=datetime.date(year, 7, 15),
            )
            for school in schools:
                if not school.students:  # a school without students has nothing to send
                    continue
                submission = Submission.objects.get(round=round_, school=school)
                result.students += _upload(submission, school, seed=1)
                workflow.submission_submit(submission, actor=officers_by_school.get(school.pk))
                workflow.submission_accept(submission, actor=None, comment="")
            services.round_close(round_, actor=None)
        result.created.append(round_.slug)

    second = datetime.date(year, 11, 10)
    if (
        today >= second - datetime.timedelta(days=9)
        and not Round.objects.filter(slug=Round.make_slug(Round.Kind.DMC, year_be, 2)).exists()
    ):
        with transaction.atomic():
            round_ = _round(
                year_be,
                2,
                as_of=second,
                opens_on=second - datetime.timedelta(days=9),
                deadline=datetime.date(year, 11, 30),
                closes_on=datetime.date(year, 12, 15),
            )
            plan = _plan_states(schools, officers_by_school)
            movers_in = _movers(schools, second)
            for school in schools:
                state = plan[school.pk]
                if state == S.NOT_STARTED or not school.students:
                    continue
                submission = Submission.objects.get(round=round_, school=school)
                officer = officers_by_school.get(school.pk)
                if state == "rejected":
                    _upload(submission, school, seed=3, defect=True, actor=officer)
                    continue
                result.students += _upload(
                    submission, school, seed=1, actor=officer, movers_in=movers_in.get(school.pk, [])
                )
                if state == S.DRAFT:
                    continue
                workflow.submission_submit(submission, actor=officer)
                if state == S.RETURNED:
                    comment = RETURN_COMMENTS[school.pk % len(RETURN_COMMENTS)]
                    workflow.submission_return(submission, actor=None, comment=comment)
                elif state == S.ACCEPTED:
                    workflow.submission_accept(submission, actor=None)
        result.created.append(round_.slug)
    # The demo's own workflow told district staff about every submission: those notices are old news.
    Notice.objects.filter(user__in=district_staff_users(), read_at=None).update(read_at=timezone.now())
    return result


def _round(year_be: int, number: int, **dates) -> Round:
    round_ = services.round_create(
        actor=None,
        kind=Round.Kind.DMC,
        academic_year=year_be,
        number=number,
        label=f"DMC รอบที่ {number} ปีการศึกษา {year_be} (ข้อมูล ณ {thaidate.format_date(dates['as_of'])})",
        **dates,
    )
    return services.round_open(round_, actor=None)


def _plan_states(schools: list[School], officers_by_school: dict) -> dict:
    """A state for every school, fixed by the school code; demo officers' schools get states that let
    them try the workflow (one returned with a comment, one not started)."""
    plan = {}
    for school in schools:
        draw = random.Random(f"{school.code}:round2").random()
        state, cumulative = S.NOT_STARTED, 0.0
        for candidate, share in OPEN_ROUND_MIX:
            cumulative += share
            if draw < cumulative:
                state = candidate
                break
        plan[school.pk] = state
    demo_schools = sorted(officers_by_school, key=lambda pk: next(s.smis_code for s in schools if s.pk == pk))
    for pk, state in zip(demo_schools, (S.RETURNED, S.NOT_STARTED), strict=False):
        plan[pk] = state
    return plan


def _students(school: School, *, seed: int, as_of: datetime.date) -> list[dict]:
    return samples.make_students(
        school.students or 0,
        school_code=school.code,
        school_grades=school.grades,
        seed=seed,
        serial_base=int(school.smis_code[-4:]) * 10_000,  # every school its own students' IDs
        as_of=as_of,
        school_name=school.display_name,
    )


def _leaves(index: int) -> bool:
    return index % 100 == 41


def _moves(index: int) -> bool:
    return index % 100 == 73


def _movers(schools: list[School], as_of: datetime.date) -> dict[int, list[dict]]:
    """Round 1's children who move, by the school they move to: the next school with students."""
    with_students = [school for school in schools if school.students]
    movers: dict[int, list[dict]] = {}
    for school, target in zip(with_students, with_students[1:] + with_students[:1], strict=True):
        students = _students(school, seed=1, as_of=as_of)
        movers[target.pk] = [
            {**s, "school_code": target.code, "school_name": target.display_name}
            for i, s in enumerate(students)
            if _moves(i) and s["grade"] in target.grades
        ]
    return movers


def _upload(
    submission: Submission,
    school: School,
    *,
    seed: int,
    defect: bool = False,
    actor=None,
    movers_in: list[dict] | None = None,
) -> int:
    """Upload the school's generated file. With ``movers_in`` (round 2): round 1's children less those
    who left or moved away, plus the movers in and two new entrants."""
    students = _students(school, seed=seed, as_of=submission.round.as_of)
    if movers_in is not None:
        entrants = samples.make_students(
            2,
            school_code=school.code,
            school_grades=school.grades,
            seed=seed + 100,
            serial_base=int(school.smis_code[-4:]) * 10_000 + 9_000,
            as_of=submission.round.as_of,
            school_name=school.display_name,
        )
        staying = [s for i, s in enumerate(students) if not _leaves(i) and not _moves(i)]
        students = staying + movers_in + entrants
    if defect:
        samples.defect(students, min(3, len(students) - 1), "national_id", "1.23457E+12")
    content = samples.csv_bytes(students, as_of=submission.round.as_of, school_name=school.display_name)
    name = f"DMC_{school.code}_{submission.round.slug}.csv"
    upload = services.upload_receive(
        submission, actor=actor, file=SimpleUploadedFile(name, content), name=name
    )
    outcome = services.upload_process(upload.pk)
    return outcome.imported
