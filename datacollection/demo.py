"""The demo district's data-collection rounds, made through the real services and workflow.

- DMC round 1 of the current academic year: closed, every school accepted.
- EMIS round 1 of the same academic year (as of 10 June, the same date as DMC round 1): closed, every
  target school accepted; its student counts are the school's DMC round-1 records (the prefill), staff,
  computers, internet links and equipment are generated from the school's size (``_emis_data``).
- DMC round 2 (open now, in November): schools in every state — not started, draft, draft whose last
  file was rejected, submitted, returned with a comment, accepted. Round 1's children, a term later,
  with some movement for the movement watch: about one in a hundred has left, one in a hundred moved
  to the next school (by SMIS code), and each school has two new entrants.
- B-OBEC round 1 of the current academic year: closed, every school accepted with a generated list of
  buildings (``bobec_samples``; each building's note says it was generated), written in bulk and taken
  through the real workflow (edited → submitted, checked by ``kind.validate`` → accepted).

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
from datacollection import bobec_samples, emis_services, samples, services, workflow
from datacollection.kinds import emis_kind
from datacollection.kinds.bobec import normalise_design
from datacollection.kinds.bobec_kind import STORED_FIELDS
from datacollection.kinds.emis import NO_RANK, RANKED_CATEGORIES
from datacollection.models import Building, Round, Submission
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
    buildings: int = 0


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
            _backdate(round_)
            services.round_close(round_, actor=None)
        result.created.append(round_.slug)

    emis_slug = Round.make_slug(Round.Kind.EMIS, year_be, 1)
    if not Round.objects.filter(slug=emis_slug).exists():
        with transaction.atomic():
            _seed_emis_round(year_be, first, officers_by_school)
        result.created.append(emis_slug)

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
    bobec_slug = Round.make_slug(Round.Kind.BOBEC, year_be, 1)
    if not Round.objects.filter(slug=bobec_slug).exists():
        result.buildings += _seed_bobec(year_be, year, schools, officers_by_school)
        result.created.append(bobec_slug)
    # The demo's own workflow told district staff about every submission: those notices are old news.
    Notice.objects.filter(user__in=district_staff_users(), read_at=None).update(read_at=timezone.now())
    return result


def _backdate(round_: Round) -> None:
    """A past round is seeded today through the real workflow: move its times back into the round
    (generated), so that its on-time rate and the schools' histories read like a real round — most
    schools on time in the last days before the deadline, one in eight up to three days late."""
    submissions = list(round_.submissions.exclude(first_submitted_at=None).order_by("school__smis_code"))
    for n, submission in enumerate(submissions):
        offset = (n % 8) - 6  # 6 days before the deadline … the day itself
        if n % 8 == 7:
            offset = 1 + n % 3  # 1 … 3 days late
        day = round_.deadline + datetime.timedelta(days=offset)
        submitted = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, n % 60)))
        submission.first_submitted_at = submission.submitted_at = submitted
        submission.accepted_at = submission.last_activity_at = submitted + datetime.timedelta(days=2)
    Submission.objects.bulk_update(
        submissions, ["first_submitted_at", "submitted_at", "accepted_at", "last_activity_at"]
    )


GENERATED_NOTE = "ข้อมูลตัวอย่างที่ระบบสร้าง (generated)"


@transaction.atomic
def _seed_bobec(year_be: int, year: int, schools: list[School], officers_by_school: dict) -> int:
    """B-OBEC round 1: every school's generated buildings in one bulk insert, then each submission through
    the workflow as its officer and district staff would take it."""
    as_of = datetime.date(year, 6, 10)
    round_ = services.round_create(
        actor=None,
        kind=Round.Kind.BOBEC,
        academic_year=year_be,
        number=1,
        label=f"B-OBEC อาคารและสิ่งก่อสร้าง ปีการศึกษา {year_be} (ข้อมูล ณ {thaidate.format_date(as_of)})",
        as_of=as_of,
        opens_on=datetime.date(year, 6, 1),
        deadline=datetime.date(year, 6, 30),
        closes_on=datetime.date(year, 7, 15),
    )
    services.round_open(round_, actor=None)
    submissions = {
        s.school_id: s for s in Submission.objects.filter(round=round_).select_related("round", "school")
    }
    rows = []
    for school in schools:
        submission = submissions.get(school.pk)
        if submission is None:
            continue
        for sample in bobec_samples.make_buildings(school.code, year_be=year_be):
            building = Building(submission=submission, uid=sample.uid, note=GENERATED_NOTE)
            for name in STORED_FIELDS:
                if name not in ("design_code", "note"):
                    setattr(building, name, getattr(sample, name))
            building.design_code = normalise_design(sample.design_raw)
            rows.append(building)
    Building.objects.bulk_create(rows, batch_size=1000)
    for school in schools:
        submission = submissions.get(school.pk)
        if submission is None:
            continue
        officer = officers_by_school.get(school.pk)
        workflow.submission_mark_edited(submission, actor=officer, section="buildings")
        workflow.submission_submit(submission, actor=officer)
        workflow.submission_accept(submission, actor=None)
    services.round_close(round_, actor=None)
    return len(rows)


def _round(year_be: int, number: int, *, kind=Round.Kind.DMC, **dates) -> Round:
    name = {Round.Kind.DMC: "DMC", Round.Kind.EMIS: "EMIS"}[kind]
    round_ = services.round_create(
        actor=None,
        kind=kind,
        academic_year=year_be,
        number=number,
        label=f"{name} รอบที่ {number} ปีการศึกษา {year_be} (ข้อมูล ณ {thaidate.format_date(dates['as_of'])})",
        **dates,
    )
    return services.round_open(round_, actor=None)


EMIS_DEMO_NOTE = "ข้อมูลสาธิตที่สร้างขึ้น ไม่ใช่ข้อมูลจริง"


def _seed_emis_round(year_be: int, as_of: datetime.date, officers_by_school: dict) -> Round:
    """EMIS round 1, accepted for every target school: students from the school's DMC round-1 records
    (what a school's draft starts from), the rest generated and marked so in the history and audit."""
    year = as_of.year
    round_ = _round(
        year_be,
        1,
        kind=Round.Kind.EMIS,
        as_of=as_of,
        opens_on=as_of - datetime.timedelta(days=9),
        deadline=datetime.date(year, 6, 30),
        closes_on=datetime.date(year, 7, 15),
    )
    ctx_lookups, _aliases = emis_kind.lookups()
    for submission in round_.submissions.select_related("round", "school"):
        officer = officers_by_school.get(submission.school_id)
        data = emis_kind.prefill(submission)[0]
        _emis_data(data, submission.school, ctx_lookups)
        emis_services.emis_data_replace(submission, actor=officer, data=data, note=EMIS_DEMO_NOTE)
        workflow.submission_submit(submission, actor=officer)
        workflow.submission_accept(submission, actor=None, comment=EMIS_DEMO_NOTE)
    return services.round_close(round_, actor=None)


def _emis_data(data, school: School, lookups: dict) -> None:
    """Plausible staff, computers, internet and equipment for a school of its size (fixed by its code)."""
    rng = random.Random(f"{school.code}:emis")
    students = data.student_total()
    rooms = sum(item["rooms"] for item in data.students.values())
    grades = sum(1 for item in data.students.values() if item["male"] + item["female"])
    for item in data.students.values():
        if item["male"] + item["female"] and not item["rooms"]:
            item["rooms"] = 1
    teachers = max(grades, round(students / 20)) if students else 0
    staff = {key: {"male": 0, "female": 0, "explanation": ""} for key in _staff_keys(lookups)}

    def add(category, rank, n):
        for _i in range(n):
            sex = "female" if rng.random() < 0.68 else "male"
            staff[(category, rank)][sex] += 1

    if students:
        add("director", rng.choice(("k2", "k3", "k3")), 1)
        if students > 600:
            add("deputy", "k3", 1 + (students > 1200))
        assistants = round(teachers * 0.15)
        ranked = teachers - assistants
        k1 = round(ranked * 0.2)
        k3 = round(ranked * 0.35)
        add("teacher", "k1", k1)
        add("teacher", "k3", k3)
        add("teacher", "k2", ranked - k1 - k3)
        add("assistant_teacher", "none", assistants)
        add("government_employee", "none", rng.randint(0, 1 + teachers // 10))
        add("temporary_employee", "none", rng.randint(1, 2 + teachers // 8))
        add("permanent_employee", "none", rng.randint(0, 1))
    data.staff = staff
    teaching = max(5, students // 12) if students else 0
    data.computers = {
        (use, funding): {"working": 0, "broken": 0} for use in ("teaching", "administration")
        for funding, _label in lookups["emis_funding"]
    }  # fmt: skip
    if students:
        broken = round(teaching * rng.uniform(0.05, 0.2))
        data.computers[("teaching", "obec")] = {"working": teaching - broken, "broken": broken}
        data.computers[("administration", "obec")] = {
            "working": rng.randint(2, 4),
            "broken": rng.randint(0, 1),
        }
        data.computers[("teaching", "donation")] = {"working": rng.randint(0, 3), "broken": 0}
        data.internet = [
            {"provider": "moenet", "link_type": "fiber", "speed_mbps": rng.choice((100, 200, 500, 1000)),
             "status": "working", "monthly_cost": 0},
        ]  # fmt: skip
        if rng.random() < 0.6:
            data.internet.append(
                {
                    "provider": rng.choice(("nt", "3bb", "true", "ais")),
                    "link_type": rng.choice(("fiber", "mobile")),
                    "speed_mbps": rng.choice((50, 100, 300)),
                    "status": "working",
                    "monthly_cost": 590,
                }
            )
    tvs = max(rooms, 1) if students else 0
    data.equipment = {
        "22029": {"working": 1 if students else 0, "broken": 0},
        "22026": {"working": tvs // 2, "broken": rng.randint(0, 1) if students else 0},
        "22043": {"working": tvs - tvs // 2, "broken": 0},
        "22033": {"working": teaching, "broken": 0},
        "22030": {"working": rooms, "broken": 0},
        "22012": {"working": rng.randint(1, 3) if students else 0, "broken": 0},
    }


def _staff_keys(lookups: dict) -> list[tuple[str, str]]:
    ranks = [code for code, _label in lookups["emis_rank"]]
    return [
        (category, rank)
        for category, _label in lookups["emis_staff_category"]
        for rank in (ranks if category in RANKED_CATEGORIES else [NO_RANK])
    ]


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
    # About one school in three sends the long export, which has the ความพิการ column (the common 36-column
    # list has none): the demo then holds disabled students (about 2 % of those schools' students).
    variant = "long" if int(school.smis_code[-4:]) % 3 == 0 else "36col"
    content = samples.csv_bytes(
        students, variant=variant, as_of=submission.round.as_of, school_name=school.display_name
    )
    name = f"DMC_{school.code}_{submission.round.slug}.csv"
    upload = services.upload_receive(
        submission, actor=actor, file=SimpleUploadedFile(name, content), name=name
    )
    outcome = services.upload_process(upload.pk)
    return outcome.imported
