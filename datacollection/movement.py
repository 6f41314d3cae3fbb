"""The student movement watch (reads): between two consecutive DMC rounds, which students left their
school and appear in no school of the district (possible drop-outs, the list the office's "bring
children back to school" programme works from), which finished their school's last grade, which moved
between schools of the district, and which are new.

Which records count
    A round's records are those of its *counted* submissions: submitted (the school confirmed them) or
    accepted (district staff certified them). Their records are the submission's current upload's
    (``Submission.current_upload``; ``StudentRecord.upload``); a draft or returned submission is
    still being corrected and does not count. A school is compared only when it is counted in both
    rounds; otherwise its row says which round is missing. A student who moved to a school whose newer
    submission is not counted yet shows as having left until that school submits: the page says how
    many schools are still missing.

How students are followed
    By the ID as the school wrote it (a 13-digit national ID, a G-Code, an ID starting with 0). A child
    whose G-Code was replaced by a national ID shows as a leaver and an entrant; the school's list marks
    such a leaver when an entrant of the same school has the same name and birth date.

Categories, for the records of one school
    - left (possible drop-out): in the earlier round, in no school of the district in the later one;
    - finished: the same, but in a grade that ends a level (ป.6, ม.3) and the pair crosses the academic
      year (round 3 → next year's round 1): they completed the school, they did not drop out.
      อ.3 is not such a grade: those children go on to ป.1 (compulsory schooling);
    - moved out / moved in: in another school of the district in the other round;
    - entrant: in the later round, in no school of the district in the earlier one.
    A student in the same school in both rounds stayed.

Every figure is computed in the database with semi- and anti-joins on ``(round, national_id)``, never
by a loop over students: a district summary is two aggregate queries whatever the number of students.
Personal data: the per-school lists are for the school's officers and district staff
(``permissions.can_view_movement``), and each read is logged (``services.movement_viewed``).
"""

import itertools
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.http import Http404

from datacollection.kinds.checks import GRADE_INDEX
from datacollection.models import LeaverFollowUp, Round, StudentRecord, Submission
from schools.models import School
from schools.selectors import schools_for_user

S = Submission.Status
COUNTED_STATES = (S.SUBMITTED, S.ACCEPTED)
# The grades that end a level of schooling: ป.6 (primary) and ม.3 (lower secondary). Every school
# level of the registry ends on one of them (School.GRADES_BY_LEVEL).
FINISHING_GRADES = ("ป.6", "ม.3")

LEFT = "left"
FINISHED = "finished"
MOVED_OUT = "moved_out"
MOVED_IN = "moved_in"
ENTRANT = "entrant"


# --- Round pairs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundPair:
    """Two consecutive DMC rounds: ``before`` (e.g. round 1 of 2569) and ``after`` (round 2)."""

    before: Round
    after: Round

    @property
    def crosses_year(self) -> bool:
        """Round 3 → next year's round 1: children finish school and enter it."""
        return self.after.academic_year != self.before.academic_year


def round_pairs() -> list[RoundPair]:
    """Every pair of consecutive DMC rounds, the newest first. One query."""
    rounds = list(Round.objects.filter(kind=Round.Kind.DMC).order_by("academic_year", "number"))
    pairs = [RoundPair(before, after) for before, after in itertools.pairwise(rounds)]
    return pairs[::-1]


def round_pair(slug: str) -> RoundPair:
    """The pair that ends at the round ``slug``; 404 when there is no earlier DMC round."""
    for pair in round_pairs():
        if pair.after.slug == slug:
            return pair
    raise Http404


# --- Which records count ------------------------------------------------------------------------------


def counted_submissions(round_: Round) -> QuerySet[Submission]:
    return Submission.objects.filter(round=round_, status__in=COUNTED_STATES, current_upload__isnull=False)


def counted_records(round_: Round) -> QuerySet[StudentRecord]:
    """The round's records that count: those of the current upload of each submitted or accepted
    submission. Records without an ID cannot be followed and are left out."""
    uploads = counted_submissions(round_).values("current_upload_id")
    return StudentRecord.objects.filter(round=round_, upload_id__in=uploads).exclude(national_id="")


def _compared_schools(pair: RoundPair, user) -> QuerySet:
    """Ids of the schools in ``user``'s scope counted in both rounds."""
    return (
        counted_submissions(pair.after)
        .filter(school__in=schools_for_user(user).values("pk"))
        .filter(school_id__in=counted_submissions(pair.before).values("school_id"))
        .values("school_id")
    )


def _departures(pair: RoundPair, schools) -> QuerySet[StudentRecord]:
    """Earlier-round records of ``schools`` whose student is not in the same school in the later round,
    with ``found``: whether the student is in another school of the district then."""
    after = counted_records(pair.after)
    stayed = after.filter(national_id=OuterRef("national_id"), school_id=OuterRef("school_id"))
    return (
        counted_records(pair.before)
        .filter(school_id__in=schools)
        .filter(~Exists(stayed))
        .annotate(found=Exists(after.filter(national_id=OuterRef("national_id"))))
    )


def _arrivals(pair: RoundPair, schools) -> QuerySet[StudentRecord]:
    """Later-round records of ``schools`` whose student was not in the same school in the earlier round,
    with ``found``: whether the student was in another school of the district then."""
    before = counted_records(pair.before)
    was_here = before.filter(national_id=OuterRef("national_id"), school_id=OuterRef("school_id"))
    return (
        counted_records(pair.after)
        .filter(school_id__in=schools)
        .filter(~Exists(was_here))
        .annotate(found=Exists(before.filter(national_id=OuterRef("national_id"))))
    )


@contextmanager
def _large_joins():
    """Run the anti-joins over whole rounds with PostgreSQL's JIT compiler off, in a transaction of
    their own (``SET LOCAL``: these queries only; inside an outer transaction, until it ends). A million
    records a round puts their estimated cost far above ``jit_above_cost``, and compiling them took
    longer (2-4.6 s) than running them (bench/README.md). SQLite: nothing to set."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def is_finishing(pair: RoundPair, grade: str) -> bool:
    return pair.crosses_year and grade in FINISHING_GRADES


# --- The district summary ---------------------------------------------------------------------------


@dataclass
class Counts:
    left: int = 0
    finished: int = 0
    moved_out: int = 0
    moved_in: int = 0
    entrants: int = 0
    students_before: int = 0
    students_after: int = 0
    followed_up: int = 0  # leavers whose school has recorded a follow-up

    def add(self, other: "Counts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class SchoolRow:
    school: School
    status_before: str
    status_after: str
    compared: bool
    counts: Counts = field(default_factory=Counts)


@dataclass
class AmphoeRow:
    name: str
    schools: int = 0
    compared: int = 0
    counts: Counts = field(default_factory=Counts)


@dataclass
class MovementSummary:
    pair: RoundPair
    schools: list[SchoolRow]
    amphoes: list[AmphoeRow]
    total: Counts
    compared: int
    # Schools (of the user's scope) with a submission in the round that is not counted yet.
    pending_before: int
    pending_after: int


def movement_summary(pair: RoundPair, *, user) -> MovementSummary:
    """Counts per school and amphoe for the schools in ``user``'s scope. The same few queries whatever
    the number of schools and students: the two rounds' submissions, then one aggregate for the
    students who left each school and one for those who came (grouped rows, at most schools × grades)."""
    scope = schools_for_user(user).values("pk")
    submissions = (
        Submission.objects.filter(round__in=[pair.before, pair.after], school__in=scope)
        .select_related("school", "school__amphoe", "current_upload")
        .order_by("school__amphoe__dopa_code", "school__name_th")
    )
    rows: dict[int, SchoolRow] = {}
    pending = {pair.before.pk: 0, pair.after.pk: 0}
    statuses: dict[tuple[int, int], Submission] = {}
    for submission in submissions:
        statuses[(submission.round_id, submission.school_id)] = submission
        if submission.status not in COUNTED_STATES or submission.current_upload is None:
            pending[submission.round_id] += 1
        if submission.school_id not in rows:
            rows[submission.school_id] = SchoolRow(submission.school, "", "", False)
    labels = dict(S.choices)
    for school_id, row in rows.items():
        before = statuses.get((pair.before.pk, school_id))
        after = statuses.get((pair.after.pk, school_id))
        row.status_before = labels[before.status] if before else ""
        row.status_after = labels[after.status] if after else ""
        row.compared = bool(
            before
            and after
            and before.status in COUNTED_STATES
            and after.status in COUNTED_STATES
            and before.current_upload
            and after.current_upload
        )
        if row.compared:
            row.counts.students_before = before.current_upload.rows
            row.counts.students_after = after.current_upload.rows

    # Grouped by whether the student is found elsewhere (and by grade, for the finishers): the
    # EXISTS probe runs once per departing student, not once per count.
    schools = _compared_schools(pair, user)
    followed = LeaverFollowUp.objects.filter(
        round=pair.after, school_id=OuterRef("school_id"), national_id=OuterRef("national_id")
    )
    departures = (
        _departures(pair, schools)
        .annotate(followed=Exists(followed))
        .values("school_id", "found", "grade", "followed")
        .annotate(n=Count("pk"))
        .order_by()
    )
    arrivals = _arrivals(pair, schools).values("school_id", "found").annotate(n=Count("pk")).order_by()
    with _large_joins():
        departures, arrivals = list(departures), list(arrivals)
    for group in departures:
        counts = rows[group["school_id"]].counts
        if group["found"]:
            counts.moved_out += group["n"]
        elif is_finishing(pair, group["grade"]):
            counts.finished += group["n"]
        else:
            counts.left += group["n"]
            counts.followed_up += group["n"] if group["followed"] else 0
    for group in arrivals:
        counts = rows[group["school_id"]].counts
        if group["found"]:
            counts.moved_in += group["n"]
        else:
            counts.entrants += group["n"]

    amphoes: dict[str, AmphoeRow] = {}
    total = Counts()
    for row in rows.values():
        amphoe = row.school.amphoe.name_th if row.school.amphoe else ""
        group = amphoes.setdefault(amphoe, AmphoeRow(amphoe))
        group.schools += 1
        if row.compared:
            group.compared += 1
            group.counts.add(row.counts)
            total.add(row.counts)
    return MovementSummary(
        pair=pair,
        schools=list(rows.values()),
        amphoes=list(amphoes.values()),
        total=total,
        compared=sum(row.compared for row in rows.values()),
        pending_before=pending[pair.before.pk],
        pending_after=pending[pair.after.pk],
    )


# --- One school's lists (personal data) -------------------------------------------------------------


@dataclass
class SchoolMovement:
    """A school's students by category; each record has ``other_school`` and ``other_grade`` (where a
    mover went or came from) and, for leavers, ``id_changed`` (an entrant of the school has the same
    name and birth date under another ID) and ``follow_up`` (the school's note, or None)."""

    pair: RoundPair
    school: School
    compared: bool
    lists: dict[str, list[StudentRecord]] = field(default_factory=lambda: defaultdict(list))

    def records(self, category: str) -> list[StudentRecord]:
        return self.lists.get(category, [])


def is_compared(pair: RoundPair, school: School) -> bool:
    return (
        counted_submissions(pair.before).filter(school=school).exists()
        and counted_submissions(pair.after).filter(school=school).exists()
    )


def _sort_key(record: StudentRecord):
    return (GRADE_INDEX.get(record.grade, 99), record.grade, record.room, record.first_name, record.last_name)


def school_movement(pair: RoundPair, school: School) -> SchoolMovement:
    """The school's leavers, finishers, movers and entrants: two queries, plus two to check that the
    school is counted in both rounds and one for the school's follow-up notes. Callers check
    ``permissions.can_view_movement`` and log the read with ``services.movement_viewed``."""
    result = SchoolMovement(pair, school, is_compared(pair, school))
    if not result.compared:
        return result
    schools = [school.pk]
    after, before = counted_records(pair.after), counted_records(pair.before)
    went_to = after.filter(national_id=OuterRef("national_id")).exclude(school_id=school.pk).order_by("pk")
    same_child = (
        counted_records(pair.after)
        .filter(
            school_id=school.pk,
            first_name=OuterRef("first_name"),
            last_name=OuterRef("last_name"),
            birth_date=OuterRef("birth_date"),
        )
        .exclude(national_id=OuterRef("national_id"))
    )
    departures = _departures(pair, schools).annotate(
        other_school=Subquery(went_to.values("school__name_th")[:1]),
        other_school_code=Subquery(went_to.values("school__code")[:1]),
        other_grade=Subquery(went_to.values("grade")[:1]),
        id_changed=Exists(same_child),
    )
    came_from = before.filter(national_id=OuterRef("national_id")).exclude(school_id=school.pk).order_by("pk")
    arrivals = _arrivals(pair, schools).annotate(
        other_school=Subquery(came_from.values("school__name_th")[:1]),
        other_school_code=Subquery(came_from.values("school__code")[:1]),
        other_grade=Subquery(came_from.values("grade")[:1]),
    )
    with _large_joins():
        departures, arrivals = list(departures), list(arrivals)
    for record in departures:
        if record.found:
            result.lists[MOVED_OUT].append(record)
        elif is_finishing(pair, record.grade):
            result.lists[FINISHED].append(record)
        else:
            result.lists[LEFT].append(record)
    for record in arrivals:
        result.lists[MOVED_IN if record.found else ENTRANT].append(record)
    for records in result.lists.values():
        records.sort(key=_sort_key)
    follow_ups = {
        f.national_id: f
        for f in LeaverFollowUp.objects.filter(round=pair.after, school=school).select_related("updated_by")
    }
    for record in result.lists.get(LEFT, []):
        record.follow_up = follow_ups.get(record.national_id)
    return result


def is_leaver(pair: RoundPair, school: School, national_id: str) -> bool:
    """Whether the child left ``school`` between the pair's rounds and is in no school of the district
    (finishers excluded): the children a school may write a follow-up for."""
    if not national_id or not is_compared(pair, school):
        return False
    leaver = _departures(pair, [school.pk]).filter(national_id=national_id, found=False)
    record = leaver.values_list("grade", flat=True).first()
    return record is not None and not is_finishing(pair, record)


def district_leavers(pair: RoundPair, *, user) -> QuerySet[StudentRecord]:
    """The possible drop-outs of every compared school in ``user``'s scope (the district's follow-up
    list), with their school and the school's follow-up (``follow_up_outcome``, ``follow_up_note``)."""
    follow_up = LeaverFollowUp.objects.filter(
        round=pair.after, school_id=OuterRef("school_id"), national_id=OuterRef("national_id")
    )
    leavers = (
        _departures(pair, _compared_schools(pair, user))
        .filter(found=False)
        .annotate(
            follow_up_outcome=Subquery(follow_up.values("outcome")[:1]),
            follow_up_note=Subquery(follow_up.values("note")[:1]),
        )
    )
    if pair.crosses_year:
        leavers = leavers.exclude(grade__in=FINISHING_GRADES)
    return leavers.select_related("school", "school__amphoe").order_by(
        "school__amphoe__dopa_code", "school__name_th", "grade", "room", "first_name"
    )
