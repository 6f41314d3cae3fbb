"""Reads for the maps and the review of map updates. The public map reads only public fields of open
schools; the chase board and the proposals start from the user's scope (``schools_for_user``)."""

import hashlib
from dataclasses import dataclass

from django.db.models import Count, IntegerField, Max, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from datacollection import selectors as datacollection_selectors
from datacollection.models import Round
from gis.models import Proposal
from schools import selectors as school_selectors
from schools.models import Amphoe, EnrolmentFigure, School, SchoolPhoto


@dataclass(frozen=True)
class MapFilters:
    """The filters of the public map and of ``/api/v1/schools.geojson``: codes, validated by the caller."""

    amphoe: str = ""
    level: str = ""
    size: str = ""

    def as_key(self) -> str:
        return f"a={self.amphoe}&l={self.level}&s={self.size}"


def map_schools(filters: MapFilters, *, scheme=None) -> QuerySet[School]:
    """Open schools with what the map shows: public fields, the latest enrolment figure and the number of
    public photos. The size filter works on the enrolment annotation, as in the directory."""
    photos = (
        SchoolPhoto.objects.filter(school=OuterRef("pk"), is_public=True)
        .order_by()
        .values("school")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queryset = school_selectors.school_directory(
        amphoe=filters.amphoe, level=filters.level, size=filters.size, scheme=scheme
    )
    return queryset.annotate(public_photos=Coalesce(Subquery(photos, output_field=IntegerField()), 0))


def registry_version(scheme=None) -> str:
    """A short fingerprint of everything the public GeoJSON is made of: schools (any save moves
    ``updated_at``), public photos, enrolment figures, amphoe names, the size scheme and today's date
    (schools open and close by date). A change through the registry's services changes it, so the cached
    GeoJSON is never served stale; changes that bypass ``save()`` expire with the cache timeout."""
    schools = School.objects.aggregate(n=Count("pk"), changed=Max("updated_at"))
    photos = SchoolPhoto.objects.filter(is_public=True).aggregate(n=Count("pk"), ids=Sum("pk"))
    enrolment = EnrolmentFigure.objects.aggregate(n=Count("pk"), last=Max("pk"), total=Sum("students"))
    amphoes = list(Amphoe.objects.order_by("pk").values_list("pk", "dopa_code", "name_th"))
    bands = (
        [(scheme.pk, scheme.version)] + [(b.code, b.min_students, b.max_students) for b in scheme.bands.all()]
        if scheme
        else []
    )
    parts = (timezone.localdate(), schools, photos, enrolment, amphoes, bands)
    return hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:16]


# --- Proposals -------------------------------------------------------------------------------------


def proposal_list(
    *, user, status: str = "", kind: str = "", school: School | None = None
) -> QuerySet[Proposal]:
    """Proposals of the schools in ``user``'s scope, newest first."""
    proposals = Proposal.objects.filter(
        school__in=school_selectors.schools_for_user(user).values("pk")
    ).select_related("school", "school__amphoe", "photo", "proposed_by", "decided_by")
    if status:
        proposals = proposals.filter(status=status)
    if kind:
        proposals = proposals.filter(kind=kind)
    if school is not None:
        proposals = proposals.filter(school=school)
    return proposals.order_by("-created_at", "-id")


def pending_count(*, user) -> int:
    return proposal_list(user=user, status=Proposal.Status.PENDING).count()


def proposal_history(proposal: Proposal):
    return proposal.events.select_related("actor").order_by("created_at", "id")


# --- The chase board on a map ------------------------------------------------------------------------


def chase_rounds() -> QuerySet[Round]:
    """The rounds the staff map can show: the open ones, nearest deadline first."""
    return datacollection_selectors.open_rounds()


def chase_board(*, user, round_: Round) -> list:
    """The round's submissions in ``user``'s scope, each with its school (and its location), whether the
    school is expected (open during the round) and whether it is late (past the deadline, not submitted)."""
    now = timezone.now()
    rows = list(datacollection_selectors.submission_list(user=user, round_=round_))
    for submission in rows:
        submission.round = round_  # one round: no query per row
        submission.expected = datacollection_selectors.is_expected(submission)
        submission.overdue = datacollection_selectors.is_overdue(submission, now)
    return rows
