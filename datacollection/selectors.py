"""Reads of rounds and submissions, scoped to the user. Query counts do not grow with the number of
schools: every list is one query plus a fixed number of aggregates."""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from datacollection.models import (
    Building,
    BuildingPhoto,
    EmisStaffCount,
    EmisStudentCount,
    ReminderLog,
    Round,
    StudentRecord,
    Submission,
    SubmissionEvent,
    Upload,
)
from schools.selectors import schools_for_user

S = Submission.Status
# Not (yet) with the district: the states a school is chased in.
PENDING = (S.NOT_STARTED, S.DRAFT, S.RETURNED)


def round_list(*, kind: str = "", year: int | None = None) -> QuerySet[Round]:
    """The calendar: rounds with their dates (public, no school data)."""
    rounds = Round.objects.all()
    if kind:
        rounds = rounds.filter(kind=kind)
    if year:
        rounds = rounds.filter(academic_year=year)
    return rounds.order_by("-academic_year", "-as_of", "kind")


def open_rounds() -> QuerySet[Round]:
    return Round.objects.filter(status=Round.Status.OPEN).order_by("deadline")


def submission_list(*, user, round_: Round, amphoe: str = "", status: str = "", overdue: bool = False):
    """A round's submissions in the user's scope, each with its school, amphoe and current upload, and
    its latest upload's time, result and counts (``last_upload_*``): one query for the whole list."""
    latest = Upload.objects.filter(submission=OuterRef("pk")).order_by("-created_at", "-id")
    submissions = (
        Submission.objects.filter(round=round_, school__in=schools_for_user(user).values("pk"))
        .select_related("school", "school__amphoe", "current_upload")
        .annotate(
            targeted=_targeted(),
            last_upload_at=Subquery(latest.values("created_at")[:1]),
            last_upload_status=Subquery(latest.values("status")[:1]),
            last_upload_rows=Subquery(latest.values("rows")[:1], output_field=IntegerField()),
            last_upload_errors=Subquery(latest.values("error_count")[:1], output_field=IntegerField()),
            last_upload_warnings=Subquery(latest.values("warning_count")[:1], output_field=IntegerField()),
        )
        .order_by("school__name_th")
    )
    if amphoe:
        submissions = submissions.filter(school__amphoe__dopa_code=amphoe)
    if status:
        submissions = submissions.filter(status=status)
    if overdue:
        submissions = submissions.filter(_overdue_q(round_))
    return submissions


def _targeted() -> Exists:
    """The submission's school is (still) one of its round's target schools."""
    return Exists(
        Round.target_schools.through.objects.filter(
            round_id=OuterRef("round_id"), school_id=OuterRef("school_id")
        )
    )


def _expected_q() -> Q:
    """Submissions expected (DHIS2's "expected reports"): the school is a target of the round and was
    open at some time during it (opened by the round's close, not closed before it opened)."""
    return (
        Q(_targeted())
        & (Q(school__opened_on__isnull=True) | Q(school__opened_on__lte=F("round__closes_on")))
        & (Q(school__closed_on__isnull=True) | Q(school__closed_on__gt=F("round__opens_on")))
    )


def _overdue_q(round_: Round, now=None) -> Q:
    if not round_.is_past_deadline(now):
        return Q(pk__in=[])
    return Q(status__in=PENDING) & _expected_q()


def submissions_to_chase(*, round_ids, today) -> QuerySet[Submission]:
    """Whom the reminders chase in these rounds: submissions still with the school (not started, draft,
    returned) of target schools open during the round and not closed by ``today``."""
    return (
        Submission.objects.filter(round_id__in=round_ids, status__in=PENDING)
        .filter(_expected_q())
        .filter(Q(school__closed_on__isnull=True) | Q(school__closed_on__gt=today))
        .select_related("round", "school")
    )


def is_expected(submission: Submission) -> bool:
    """Python twin of ``_expected_q``. Lists annotate ``targeted`` (``submission_list``, ``chase_board``)
    so that asking this of every row costs no query; a single submission asks the database."""
    round_, school = submission.round, submission.school
    targeted = getattr(submission, "targeted", None)
    if targeted is None:
        targeted = round_.target_schools.filter(pk=school.pk).exists()
    return (
        targeted
        and (school.opened_on is None or school.opened_on <= round_.closes_on)
        and (school.closed_on is None or school.closed_on > round_.opens_on)
    )


def is_overdue(submission: Submission, now=None) -> bool:
    return submission.round.is_past_deadline(now) and submission.status in PENDING and is_expected(submission)


@dataclass
class Completeness:
    """Rates as DHIS2 defines them: of the schools expected (open during the round), how many
    submitted, how many were accepted, how many submitted on time. Never above 100 %."""

    expected: int
    submitted: int
    accepted: int
    on_time: int
    overdue: int

    def percent(self, part: int) -> float:
        # Every part is counted among the expected submissions only, so it cannot exceed them; min()
        # keeps the promise even if a caller builds a Completeness by hand.
        return min(100.0, round(100 * part / self.expected, 1)) if self.expected else 0.0

    @property
    def submitted_percent(self):
        return self.percent(self.submitted)

    @property
    def accepted_percent(self):
        return self.percent(self.accepted)

    @property
    def on_time_percent(self):
        return self.percent(self.on_time)


def round_completeness(round_: Round, *, user=None, amphoe: str = "", now=None) -> Completeness:
    """One aggregate query. Expected: the round's target schools open during the round (a school closed
    before the round opened, or taken off the targets, is not expected — and so not counted late
    either). Submitted: submitted or accepted now. On time: submitted (or accepted) and first submitted,
    by the server's clock, by the end of the deadline day. Every figure counts expected submissions
    only, so no rate goes above 100 %."""
    submissions = Submission.objects.filter(round=round_)
    if user is not None:
        submissions = submissions.filter(school__in=schools_for_user(user).values("pk"))
    if amphoe:
        submissions = submissions.filter(school__amphoe__dopa_code=amphoe)
    done = Q(status__in=[S.SUBMITTED, S.ACCEPTED])
    figures = submissions.filter(_expected_q()).aggregate(
        expected=Count("pk"),
        submitted=Count("pk", filter=done),
        accepted=Count("pk", filter=Q(status=S.ACCEPTED)),
        on_time=Count("pk", filter=done & Q(first_submitted_at__lte=round_.deadline_at)),
        overdue=Count("pk", filter=Q(status__in=PENDING))
        if round_.is_past_deadline(now)
        else Count("pk", filter=Q(pk__in=[])),
    )
    return Completeness(**figures)


def status_counts(round_: Round, *, user) -> dict[str, int]:
    rows = (
        Submission.objects.filter(round=round_, school__in=schools_for_user(user).values("pk"))
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts = {status: 0 for status, _label in S.choices}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def submissions_of_school(school) -> QuerySet[Submission]:
    """A school's own history across rounds."""
    return (
        Submission.objects.filter(school=school)
        .select_related("round", "current_upload")
        .order_by("-round__academic_year", "-round__as_of")
    )


def uploads_of(submission: Submission) -> QuerySet[Upload]:
    return submission.uploads.select_related("uploaded_by").order_by("-created_at")


def student_records(submission: Submission, *, grade: str = "", q: str = "") -> QuerySet[StudentRecord]:
    """The submission's student records. Personal data: views check ``permissions.can_view_records``
    and log the read with ``services.records_viewed``."""
    records = StudentRecord.objects.filter(upload_id=submission.current_upload_id)
    if grade:
        records = records.filter(grade=grade)
    if q:
        records = records.filter(Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(student_number=q))
    return records.order_by("row_number")  # the order of the school's own file


def students_also_elsewhere(submission: Submission) -> QuerySet:
    """This school's students whose ID is also listed by another school of the district in the same
    round, with that school's name: flagged to both schools and to district staff (personal data: show
    only to those who may read the school's records)."""
    elsewhere = StudentRecord.objects.filter(
        round_id=submission.round_id, national_id=OuterRef("national_id")
    ).exclude(school_id=submission.school_id)
    return (
        StudentRecord.objects.filter(upload_id=submission.current_upload_id)
        .exclude(national_id="")
        .annotate(other_school=Subquery(elsewhere.values("school__name_th")[:1]))
        .filter(other_school__isnull=False)
        .order_by("row_number")
    )


def duplicate_ids_in_round(round_: Round) -> QuerySet:
    """IDs that appear in more than one school in the round, for district staff: (national_id, schools)."""
    return (
        StudentRecord.objects.filter(round=round_)
        .exclude(national_id="")
        .values("national_id")
        .annotate(schools=Count("school", distinct=True))
        .filter(schools__gt=1)
        .order_by("national_id")
    )


def open_submissions_of(user) -> QuerySet[Submission]:
    """A school officer's submissions in the rounds that are open now, nearest deadline first."""
    return (
        Submission.objects.filter(
            round__status=Round.Status.OPEN, school__in=schools_for_user(user).values("pk")
        )
        .select_related("round", "school", "current_upload")
        .order_by("round__deadline", "school__name_th")
    )


# --- EMIS: accepted school information --------------------------------------------------------------
# What statistics (students per teacher, per room, staff by position) read: only ACCEPTED submissions
# count, never a draft. Each returns one query's rows, per school, for one EMIS round; ``user`` limits
# them to the user's schools (``schools_for_user``), None reads every school (aggregate statistics).

# Staff categories that teach (the divisor of "students per teacher"): ครู and ครูผู้ช่วย.
EMIS_TEACHING_CATEGORIES = ("teacher", "assistant_teacher")


def emis_accepted_submissions(round_: Round, *, user=None) -> QuerySet[Submission]:
    """The accepted submissions of an EMIS round (in the user's scope)."""
    submissions = Submission.objects.filter(round=round_, round__kind=Round.Kind.EMIS, status=S.ACCEPTED)
    if user is not None:
        submissions = submissions.filter(school__in=schools_for_user(user).values("pk"))
    return submissions


def emis_staff(round_: Round, *, user=None, by_rank: bool = False) -> QuerySet:
    """Staff per school and category (ผู้อำนวยการ … ลูกจ้างชั่วคราว; codes of the ``emis_staff_category``
    lookup list), and per academic rank with ``by_rank``: rows of ``school_id, category[, rank], male,
    female, total``."""
    keys = ["submission__school_id", "category", *(["rank"] if by_rank else [])]
    return (
        EmisStaffCount.objects.filter(submission__in=emis_accepted_submissions(round_, user=user))
        .values(*keys)
        .annotate(male=Sum("male"), female=Sum("female"))
        .annotate(total=F("male") + F("female"))
        .order_by(*keys)
    )


def emis_teachers(round_: Round, *, user=None, categories=EMIS_TEACHING_CATEGORIES) -> QuerySet:
    """Teachers per school (the ``categories`` that teach, all ranks): rows of ``school_id, male,
    female, total``."""
    return (
        EmisStaffCount.objects.filter(
            submission__in=emis_accepted_submissions(round_, user=user), category__in=categories
        )
        .values(school_id=F("submission__school_id"))
        .annotate(male=Sum("male"), female=Sum("female"))
        .annotate(total=F("male") + F("female"))
        .order_by("school_id")
    )


def emis_students(round_: Round, *, user=None) -> QuerySet:
    """Students and rooms per school and grade as the schools reported them in EMIS: rows of
    ``school_id, grade, male, female, total, rooms``."""
    return (
        EmisStudentCount.objects.filter(submission__in=emis_accepted_submissions(round_, user=user))
        .values("grade", "male", "female", "rooms", school_id=F("submission__school_id"))
        .annotate(total=F("male") + F("female"))
        .order_by("school_id", "id")
    )


def emis_classrooms(round_: Round, *, user=None) -> QuerySet:
    """Classrooms (ห้องเรียน) per school, all grades: rows of ``school_id, rooms, students``."""
    return (
        EmisStudentCount.objects.filter(submission__in=emis_accepted_submissions(round_, user=user))
        .values(school_id=F("submission__school_id"))
        .annotate(rooms=Sum("rooms"), boys=Sum("male"), girls=Sum("female"))
        .annotate(students=F("boys") + F("girls"))
        .values("school_id", "rooms", "students")
        .order_by("school_id")
    )


# --- B_OBEC -----------------------------------------------------------------------------------------

BUILDING_LEVELS = ("school", "amphoe", "district")


def building_counts(
    round_: Round,
    *,
    level: str = "district",
    user=None,
    accepted_only: bool = True,
    amphoe: str = "",
    building_type: str = "",
) -> list[dict]:
    """Standing buildings by type × condition in a B-OBEC round, one aggregate query.

    ``level`` "district" gives rows ``{building_type, condition, n}``; "amphoe" adds ``amphoe_code`` and
    ``amphoe_name``; "school" adds ``school_id``, ``school_code`` and ``school_name``. Only ACCEPTED
    submissions count unless ``accepted_only`` is False (the district's working view of an open round);
    demolished buildings never count. ``user`` limits the schools to the user's scope (statistics for
    the public pass ``None``: buildings are not personal data)."""
    if level not in BUILDING_LEVELS:
        raise ValueError(f"level must be one of {BUILDING_LEVELS}")
    buildings = standing_buildings(
        round_, user=user, accepted_only=accepted_only, amphoe=amphoe, building_type=building_type
    )
    keys = {
        "district": {},
        "amphoe": {
            "amphoe_code": F("submission__school__amphoe__dopa_code"),
            "amphoe_name": F("submission__school__amphoe__name_th"),
        },
        "school": {
            "school_id": F("submission__school_id"),
            "school_code": F("submission__school__code"),
            "school_name": F("submission__school__name_th"),
        },
    }[level]
    rows = (
        buildings.values("building_type", "condition", **keys)
        .annotate(n=Count("pk"))
        .order_by(*keys, "building_type", "condition")
    )
    return list(rows)


def standing_buildings(
    round_: Round, *, user=None, accepted_only: bool = True, amphoe: str = "", building_type: str = ""
) -> QuerySet[Building]:
    """The buildings standing in a B-OBEC round (not demolished), filtered as ``building_counts`` says."""
    buildings = Building.objects.filter(submission__round=round_, demolished_on=None)
    if accepted_only:
        buildings = buildings.filter(submission__status=S.ACCEPTED)
    if user is not None:
        buildings = buildings.filter(submission__school__in=schools_for_user(user).values("pk"))
    if amphoe:
        buildings = buildings.filter(submission__school__amphoe__dopa_code=amphoe)
    if building_type:
        buildings = buildings.filter(building_type=building_type)
    return buildings


def buildings_of(submission: Submission) -> QuerySet[Building]:
    """A submission's buildings: standing first (by type and number), then the demolished ones."""
    return submission.buildings.order_by(
        F("demolished_on").asc(nulls_first=True), "building_type", "sequence"
    )


def building_photos_of(submission: Submission) -> dict:
    """The photos of the submission's buildings, by building ``uid`` (all rounds' photos of the school)."""
    photos: dict = {}
    uids = submission.buildings.values("uid")
    for photo in BuildingPhoto.objects.filter(school_id=submission.school_id, building_uid__in=uids):
        photos.setdefault(photo.building_uid, []).append(photo)
    return photos


# --- The chase board and a school's history --------------------------------------------------------

# The order of the board within "late", "still to come", "with the district": the furthest from done first.
_STATE_ORDER = {S.NOT_STARTED: 0, S.RETURNED: 1, S.DRAFT: 2, S.SUBMITTED: 3, S.ACCEPTED: 4}


def _reminders_prefetch() -> Prefetch:
    return Prefetch(
        "reminders",
        queryset=ReminderLog.objects.select_related("recipient").order_by("sent_at", "id"),
        to_attr="reminder_list",
    )


def reminder_summary(reminders: list[ReminderLog]) -> list[dict]:
    """Reminders grouped by reason, in the order of the schedule: how many messages went out, how many
    failed, and when the last one was sent. What a row of the board shows."""
    summary = {}
    for reminder in reminders:
        row = summary.setdefault(
            reminder.reason,
            {
                "reason": reminder.reason,
                "label": reminder.get_reason_display(),
                "sent": 0,
                "failed": 0,
                "last": None,
            },
        )
        row["sent"] += reminder.outcome == ReminderLog.Outcome.SENT
        row["failed"] += reminder.outcome == ReminderLog.Outcome.FAILED
        row["last"] = max(row["last"] or reminder.sent_at, reminder.sent_at)
    order = list(ReminderLog.Reason.values)
    return sorted(summary.values(), key=lambda row: order.index(row["reason"]))


def days_late(submission: Submission) -> int | None:
    """Days between the deadline and the first submission (local dates), when it came after the
    deadline; 0 when on time; None when never submitted."""
    first = submission.first_submitted_at
    if first is None:
        return None
    return max(0, (timezone.localdate(first) - submission.round.deadline).days)


def chase_board(
    *, user, kind: str = "", amphoe: str = "", status: str = "", late: bool = False, now=None
) -> tuple[list[Submission], dict[str, int]]:
    """Every open round's submissions in the user's scope, late schools first, and the count of each
    state (and of ``late``) before the state filters are applied, for the numbers above the list.

    Each row carries ``expected``, ``overdue``, ``days_left`` (to the deadline; negative = late),
    ``last_seen`` (last change or upload), ``reminder_list`` (every reminder logged, oldest first) and
    ``school_reminders``/``escalations`` (the same split by whom it went to). Two queries whatever the
    number of schools: the submissions with their rounds, schools and last upload, and the reminders."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    latest = Upload.objects.filter(submission=OuterRef("pk")).order_by("-created_at", "-id")
    submissions = (
        Submission.objects.filter(
            round__status=Round.Status.OPEN, school__in=schools_for_user(user).values("pk")
        )
        .select_related("round", "school", "school__amphoe")
        .annotate(targeted=_targeted(), last_upload_at=Subquery(latest.values("created_at")[:1]))
        .prefetch_related(_reminders_prefetch())
    )
    if kind:
        submissions = submissions.filter(round__kind=kind)
    if amphoe:
        submissions = submissions.filter(school__amphoe__dopa_code=amphoe)
    rows = list(submissions)
    counts = dict.fromkeys(S.values, 0) | {"late": 0}
    for submission in rows:
        submission.expected = is_expected(submission)
        submission.overdue = is_overdue(submission, now)
        submission.days_left = (submission.round.deadline - today).days
        submission.days_overdue = -submission.days_left
        submission.days_late = days_late(submission)
        submission.reminder_summary = reminder_summary(submission.reminder_list)
        seen = [t for t in (submission.last_activity_at, submission.last_upload_at) if t is not None]
        submission.last_seen = max(seen) if seen else None
        submission.school_reminders = [
            r for r in submission.reminder_list if r.reason != ReminderLog.Reason.ESCALATION
        ]
        submission.escalations = [
            r for r in submission.reminder_list if r.reason == ReminderLog.Reason.ESCALATION
        ]
        counts[submission.status] += 1
        counts["late"] += submission.overdue
    if status:
        rows = [s for s in rows if s.status == status]
    if late:
        rows = [s for s in rows if s.overdue]

    def order(s: Submission):
        if not s.expected:
            group = 3  # closed or no longer a target: listed last, not chased
        elif s.overdue:
            group = 0
        elif s.status in PENDING:
            group = 1
        else:
            group = 2
        # Late and still to send: by the deadline (most overdue first); the rest by state (submitted,
        # waiting for the district, before accepted).
        first, second = (
            (s.days_left, _STATE_ORDER[s.status]) if group < 2 else (_STATE_ORDER[s.status], s.days_left)
        )
        return (group, first, second, s.school.name_th, s.round.slug)

    rows.sort(key=order)
    return rows, counts


def school_history(school) -> list[Submission]:
    """A school's submissions across rounds, newest round first, each with its return comments
    (``returns``: the events that sent it back), the reminders the school received (``school_reminders``),
    ``returned_count`` and ``days_late``. Three queries whatever the number of rounds."""
    returns = (
        SubmissionEvent.objects.filter(to_status=S.RETURNED).select_related("actor").order_by("created_at")
    )
    reminders = (
        ReminderLog.objects.exclude(reason=ReminderLog.Reason.ESCALATION)
        .select_related("recipient")
        .order_by("sent_at", "id")
    )
    rows = list(
        Submission.objects.filter(school=school)
        .select_related("round")
        .prefetch_related(
            Prefetch("events", queryset=returns, to_attr="returns"),
            Prefetch("reminders", queryset=reminders, to_attr="school_reminders"),
        )
        .order_by("-round__academic_year", "-round__as_of", "round__kind")
    )
    now = timezone.now()
    for submission in rows:
        submission.returned_count = len(submission.returns)
        submission.days_late = days_late(submission)
        submission.past_deadline = submission.round.is_past_deadline(now)
        submission.days_overdue = (timezone.localdate(now) - submission.round.deadline).days
    return rows


def reminders_of(submission: Submission) -> list[ReminderLog]:
    """Every reminder logged for a submission, for its page's history."""
    return list(submission.reminders.select_related("recipient").order_by("sent_at", "id"))
