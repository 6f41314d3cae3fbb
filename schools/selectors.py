"""Reads of the school registry. Every list page, export and API queryset of schools starts here, so
that scope is decided in one place (``schools_for_user``)."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext

from aoc.models import User
from schools.models import Amphoe, EnrolmentFigure, Membership, School, SchoolPhoto, SizeScheme

# The size state of a school that reports no students, and of one with no figure at all.
NO_STUDENTS = "none"
NO_DATA = "unknown"


def schools_for_user(user) -> QuerySet[School]:
    """The schools ``user`` may see beyond the public fields: all of them for district-wide roles,
    their own for a school officer, none for the public."""
    if not user.is_authenticated or not user.is_active:
        return School.objects.none()
    if user.is_district_wide:
        return School.objects.all()
    return School.objects.filter(memberships__user=user)


def open_schools(day=None) -> QuerySet[School]:
    day = day or timezone.localdate()
    return School.objects.filter(
        Q(opened_on__isnull=True) | Q(opened_on__lte=day), Q(closed_on__isnull=True) | Q(closed_on__gt=day)
    )


def with_enrolment(queryset: QuerySet[School]) -> QuerySet[School]:
    """Annotate each school with its latest student total (``students``) and its date (``students_as_of``)."""
    latest = EnrolmentFigure.objects.filter(school=OuterRef("pk")).order_by("-as_of", "-id")
    return queryset.annotate(
        students=Subquery(latest.values("students")[:1], output_field=IntegerField()),
        students_as_of=Subquery(latest.values("as_of")[:1]),
        students_source=Subquery(latest.values("source")[:1]),
    )


@dataclass(frozen=True)
class Size:
    code: str
    label: str


def default_size_scheme() -> SizeScheme | None:
    return SizeScheme.objects.filter(is_default=True).prefetch_related("bands").first()


def size_of(students: int | None, bands) -> Size:
    """The size of a school with ``students`` under a scheme's ``bands``. Zero students and no figure at
    all are states of their own, never a band."""
    if students is None:
        return Size(NO_DATA, gettext("ไม่มีข้อมูล"))
    if students == 0:
        return Size(NO_STUDENTS, gettext("ไม่มีนักเรียน"))
    for band in bands:
        if band.contains(students):
            return Size(band.code, band.label)
    return Size(NO_DATA, gettext("ไม่มีข้อมูล"))


def size_filter(size_code: str, bands) -> Q:
    """A filter on ``with_enrolment``'s ``students`` annotation selecting one size."""
    if size_code == NO_DATA:
        return Q(students__isnull=True)
    if size_code == NO_STUDENTS:
        return Q(students=0)
    for band in bands:
        if band.code == size_code:
            q = Q(students__gte=max(band.min_students, 1))
            if band.max_students is not None:
                q &= Q(students__lte=band.max_students)
            return q
    return Q(pk__in=[])


def attach_sizes(schools, scheme: SizeScheme | None = None):
    """Set ``school.size`` on schools annotated by ``with_enrolment``. Returns the list."""
    scheme = scheme if scheme is not None else default_size_scheme()
    bands = list(scheme.bands.all()) if scheme else []
    schools = list(schools)
    for school in schools:
        school.size = size_of(school.students, bands)
    return schools


def size_choices(scheme: SizeScheme | None) -> list[tuple[str, str]]:
    bands = list(scheme.bands.all()) if scheme else []
    return [(b.code, b.label) for b in bands] + [
        (NO_STUDENTS, gettext("ไม่มีนักเรียน")),
        (NO_DATA, gettext("ไม่มีข้อมูล")),
    ]


def school_directory(
    *,
    q: str = "",
    amphoe: str = "",
    level: str = "",
    size: str = "",
    include_closed: bool = False,
    scheme=None,
) -> QuerySet[School]:
    """The public directory: every school with public fields, searchable by name or any code."""
    queryset = School.objects.all() if include_closed else open_schools()
    queryset = with_enrolment(queryset.select_related("amphoe"))
    if q:
        q = q.strip().removeprefix("โรงเรียน")
        queryset = queryset.filter(
            Q(name_th__icontains=q) | Q(name_en__icontains=q) | Q(code=q) | Q(smis_code=q) | Q(obec_code=q)
        )
    if amphoe:
        queryset = queryset.filter(amphoe__dopa_code=amphoe)
    if level:
        queryset = queryset.filter(level=level)
    if size:
        bands = list(scheme.bands.all()) if scheme else []
        queryset = queryset.filter(size_filter(size, bands))
    return queryset.order_by("name_th")


def school_registry_list(*, user, **filters) -> QuerySet[School]:
    """The staff registry list: the directory's filters, over the schools in ``user``'s scope."""
    scope = schools_for_user(user).values("pk")
    return school_directory(include_closed=True, **filters).filter(pk__in=scope)


def public_photos(school: School) -> QuerySet[SchoolPhoto]:
    return school.photos.filter(is_public=True)


def amphoe_list() -> QuerySet[Amphoe]:
    return Amphoe.objects.filter(schools__isnull=False).distinct().order_by("dopa_code")


@dataclass
class DistrictSummary:
    total_schools: int
    total_students: int
    students_generated: bool
    by_amphoe: list[dict]
    by_level: list[dict]
    by_size: list[dict]
    as_of: object


def district_summary() -> DistrictSummary:
    """Key figures for the home page: open schools by amphoe, level and size, in a fixed number of queries."""
    scheme = default_size_scheme()
    schools = attach_sizes(with_enrolment(open_schools().select_related("amphoe")), scheme)
    by_amphoe = Counter(s.amphoe_id for s in schools)
    by_level = Counter(s.level for s in schools)
    by_size = Counter(s.size.code for s in schools)
    amphoes = {a.pk: a for a in Amphoe.objects.filter(pk__in=by_amphoe)}
    dates = [s.students_as_of for s in schools if s.students_as_of]
    return DistrictSummary(
        total_schools=len(schools),
        total_students=sum(s.students or 0 for s in schools),
        students_generated=any(s.students_source == EnrolmentFigure.Source.DEMO for s in schools),
        by_amphoe=[
            {"amphoe": amphoes[pk], "count": n}
            for pk, n in sorted(by_amphoe.items(), key=lambda item: amphoes[item[0]].dopa_code)
        ],
        by_level=[
            {"code": code, "label": label, "count": by_level[code]}
            for code, label in School.Level.choices
            if by_level[code]
        ],
        by_size=[
            {"code": code, "label": label, "count": by_size[code]}
            for code, label in size_choices(scheme)
            if by_size[code]
        ],
        as_of=max(dates) if dates else None,
    )


def school_logins(school: School):
    """The active logins of a school's officers: who is told about the school's submissions."""
    return User.objects.filter(memberships__school=school, is_active=True)


def school_logins_by_school(school_ids) -> dict[int, list[User]]:
    """``school_logins`` for many schools in one query: {school id: its officers' active logins}."""
    found: dict[int, list[User]] = {}
    memberships = Membership.objects.filter(
        school_id__in=school_ids, user__is_active=True, user__role=User.Role.SCHOOL_OFFICER
    ).select_related("user")
    for membership in memberships.order_by("user__username"):
        found.setdefault(membership.school_id, []).append(membership.user)
    return found
