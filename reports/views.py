"""Public statistics pages and the downloads catalogue (anonymous, cached whole), and the district
staff's publishing and upload pages.

Public pages read only published snapshots through ``reports.statistics``; a filter picks the
publication (year, round, and an earlier publishing of the same round)."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import slug_re
from django.db.models import Max
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aoc.forms import add_service_errors
from aoc.permissions import require
from aoc.public_cache import cached_public_page
from datacollection.models import Round, Submission
from datacollection.selectors import round_completeness
from reports import charts, permissions, services, statistics
from reports.forms import DatasetUploadForm, PublishForm
from reports.models import Dataset, DatasetVersion, Publication
from schools.models import Amphoe

# --- Public statistics ------------------------------------------------------------------------------


def _selected_publication(request, kind: str = Round.Kind.DMC) -> tuple[Publication | None, dict]:
    """The publication of ``kind`` the filters name (``pub`` id, else ``round`` slug, else ``year``),
    else the kind's current one; and the filter choices for the page. An unknown value is a 404."""
    publications = list(statistics.publication_list(kind))
    pub_id, round_slug, year = (
        request.GET.get("pub", ""),
        request.GET.get("round", ""),
        request.GET.get("year", ""),
    )
    selected = None
    if pub_id:
        selected = next((p for p in publications if str(p.pk) == pub_id), None)
    elif round_slug:
        selected = next((p for p in publications if p.round.slug == round_slug), None)
    elif year:
        selected = next((p for p in publications if str(p.round.academic_year) == year), None)
    elif publications:
        selected = publications[0]
    if (pub_id or round_slug or year) and selected is None:
        raise Http404
    years = sorted({p.round.academic_year for p in publications}, reverse=True)
    rounds, seen = [], set()
    for p in publications:
        if p.round_id not in seen:
            seen.add(p.round_id)
            rounds.append(p.round)
    editions = [p for p in publications if selected and p.round_id == selected.round_id]
    current = publications[0] if publications else None
    return selected, {
        "publication": selected,
        "is_current": selected is not None and current is not None and selected.pk == current.pk,
        "current": current,
        "years": years,
        "rounds": rounds,
        "editions": editions,
    }


def _code(request, name: str, digits: int) -> str:
    """A ``?amphoe=`` (4 digits) or ``?school=`` (10 digits) filter; anything else is a 404."""
    value = request.GET.get(name, "")
    if value and not (len(value) == digits and value.isascii() and value.isdigit()):
        raise Http404
    return value


def _render_statistics(request, template, tab, build, kind=Round.Kind.DMC):
    publication, context = _selected_publication(request, kind)
    context["tab"] = tab
    if publication is not None:
        context.update(build(publication))
    return render(request, template, context)


@cached_public_page
def statistics_home(request):
    def build(pub):
        schools = statistics.schools_by_amphoe_level_size(pub)
        students = statistics.students_by_grade_sex(pub, by="amphoe")
        # EMIS and B-OBEC figures come from those kinds' current publications, each with its own round
        # and date.
        ratios = statistics.ratios(statistics.current_publication(Round.Kind.EMIS), by="amphoe")
        buildings = statistics.buildings_by_type_condition(statistics.current_publication(Round.Kind.BOBEC))
        return {
            "schools": schools,
            "students": students,
            "schools_chart": charts.schools_by_size_chart(schools, chart_id="chart-schools"),
            "students_chart": charts.students_by_grade_chart(students, chart_id="chart-students"),
            "ratios": ratios,
            "buildings": buildings,
            "not_published": [t for t in (ratios, buildings) if isinstance(t, statistics.NotPublished)],
        }

    return _render_statistics(request, "reports/statistics_home.html", "home", build)


@cached_public_page
def statistics_schools(request):
    def build(pub):
        schools = statistics.schools_by_amphoe_level_size(pub)
        bands = statistics.small_school_bands(pub)
        return {
            "schools": schools,
            "bands": bands,
            "schools_chart": charts.schools_by_size_chart(schools, chart_id="chart-schools"),
            "bands_chart": charts.small_bands_chart(bands, chart_id="chart-bands"),
        }

    return _render_statistics(request, "reports/statistics_schools.html", "schools", build)


@cached_public_page
def statistics_students(request):
    by = request.GET.get("by", "amphoe")
    if by not in ("district", "amphoe", "school"):
        raise Http404
    amphoe = _code(request, "amphoe", 4)
    school = _code(request, "school", 10)

    def build(pub):
        table = statistics.students_by_grade_sex(pub, by=by, amphoe=amphoe or None, school=school or None)
        published_school = statistics.published_school(pub, school) if school else None
        if school and published_school is None:
            raise Http404
        return {
            "table": table,
            "chart": charts.students_by_grade_chart(table, chart_id="chart-grades"),
            "by": by,
            "amphoe": amphoe,
            "school": published_school,
            "amphoes": Amphoe.objects.filter(pk__in=pub.schools.values("amphoe")).order_by("dopa_code"),
        }

    return _render_statistics(request, "reports/statistics_students.html", "students", build)


@cached_public_page
def statistics_trend(request):
    trend = statistics.student_trend(Round.Kind.DMC)
    _publication, context = _selected_publication(request)
    context.update(
        {"tab": "trend", "trend": trend, "chart": charts.trend_chart(trend, chart_id="chart-trend")}
    )
    return render(request, "reports/statistics_trend.html", context)


@cached_public_page
def statistics_special(request):
    school = _code(request, "school", 10)
    by = "school" if request.GET.get("by") == "school" else "amphoe"

    def build(pub):
        published_school = statistics.published_school(pub, school) if school else None
        if school and published_school is None:
            raise Http404
        disadvantaged = statistics.disadvantaged_by_type(pub, school=school or None, by=by)
        disabled = statistics.disabled_by_type(pub, school=school or None, by=by)
        return {
            "school": published_school,
            "by": by,
            "disadvantaged": disadvantaged,
            "disabled": disabled,
            "disadvantaged_chart": charts.category_chart(disadvantaged, chart_id="chart-disadvantaged"),
            "disabled_chart": charts.category_chart(disabled, chart_id="chart-disabled"),
        }

    return _render_statistics(request, "reports/statistics_special.html", "special", build)


def _by(request, allowed: tuple[str, ...]) -> str:
    by = request.GET.get("by", allowed[0])
    if by not in allowed:
        raise Http404
    return by


@cached_public_page
def statistics_staff(request):
    """EMIS: students per teacher and per classroom, teachers per school, and staff by position."""
    by = _by(request, ("amphoe", "school"))
    amphoe = _code(request, "amphoe", 4)

    def build(pub):
        ratios = statistics.ratios(pub, by=by, amphoe=amphoe or None)
        staff = statistics.staff_by_position(pub, by=by, amphoe=amphoe or None)
        return {
            "by": by,
            "amphoe": amphoe,
            "ratios": ratios,
            "staff": staff,
            # Per school only within one amphoe: a bar for each of the district's schools would be a
            # chart metres long.
            "ratios_chart": charts.ratios_chart(
                ratios if by == "amphoe" or amphoe else statistics.ratios(pub, by="amphoe"),
                chart_id="chart-ratios",
            ),
            "staff_chart": charts.staff_chart(staff, chart_id="chart-staff"),
            "amphoes": Amphoe.objects.filter(pk__in=pub.schools.values("amphoe")).order_by("dopa_code"),
        }

    return _render_statistics(request, "reports/statistics_staff.html", "staff", build, Round.Kind.EMIS)


@cached_public_page
def statistics_buildings(request):
    """B-OBEC: standing buildings by type and condition, for the district, per amphoe or per school."""
    by = _by(request, ("district", "amphoe", "school"))
    amphoe = _code(request, "amphoe", 4)

    def build(pub):
        district = statistics.buildings_by_type_condition(pub, amphoe=amphoe or None)
        per_amphoe = statistics.buildings_by_type_condition(pub, by="amphoe", amphoe=amphoe or None)
        table = district if by == "district" else per_amphoe
        if by == "school":
            table = statistics.buildings_by_type_condition(pub, by="school", amphoe=amphoe or None)
        return {
            "by": by,
            "amphoe": amphoe,
            "district": district,
            "table": table,
            "chart": charts.buildings_chart(per_amphoe, chart_id="chart-buildings"),
            "amphoes": Amphoe.objects.filter(pk__in=pub.schools.values("amphoe")).order_by("dopa_code"),
        }

    return _render_statistics(
        request, "reports/statistics_buildings.html", "buildings", build, Round.Kind.BOBEC
    )


# --- Public downloads catalogue ---------------------------------------------------------------------


@cached_public_page
def download_list(request):
    """Datasets by category, each with its latest version's files (two queries)."""
    datasets = list(
        Dataset.objects.annotate(latest_number=Max("versions__number")).filter(latest_number__isnull=False)
    )
    latest = {(d.pk, d.latest_number) for d in datasets}
    files = {}
    for version in DatasetVersion.objects.filter(dataset__in=datasets).order_by("file_format"):
        if (version.dataset_id, version.number) in latest:
            files.setdefault(version.dataset_id, []).append(version)
    groups = {}
    for dataset in datasets:
        dataset.latest_files = files.get(dataset.pk, [])
        dataset.latest_as_of = next((v.data_as_of for v in dataset.latest_files if v.data_as_of), None)
        groups.setdefault(dataset.get_category_display(), []).append(dataset)
    return render(
        request,
        "reports/download_list.html",
        {"groups": sorted(groups.items()), "can_upload": permissions.can_publish_user(request.user)},
    )


def _versions_by_number(dataset: Dataset) -> list[tuple[int, list[DatasetVersion]]]:
    versions = {}
    for version in dataset.versions.select_related("publication__round").order_by("-number", "file_format"):
        versions.setdefault(version.number, []).append(version)
    return list(versions.items())


@cached_public_page
def dataset_detail(request, slug):
    dataset = get_object_or_404(Dataset, slug=slug)
    versions = _versions_by_number(dataset)
    if not versions:
        raise Http404
    return render(
        request,
        "reports/dataset_detail.html",
        {"dataset": dataset, "latest": versions[0], "older": versions[1:]},
    )


def dataset_latest(request, slug, file_format):
    """``/downloads/<dataset>/latest.xlsx``: the newest file of that format (a redirect to its own,
    permanent address)."""
    version = (
        DatasetVersion.objects.filter(dataset__slug=slug, file_format=file_format).order_by("-number").first()
    )
    if version is None:
        raise Http404
    return redirect(version.get_absolute_url())


def download_version(request, slug, number, filename):
    version = get_object_or_404(
        DatasetVersion.objects.select_related("dataset"), dataset__slug=slug, number=number, filename=filename
    )
    content_type = mimetypes.guess_type(version.filename)[0] or "application/octet-stream"
    if version.file_format == DatasetVersion.Format.CSV:
        content_type = "text/csv; charset=utf-8"
    response = FileResponse(version.file.open("rb"), as_attachment=True, filename=version.filename)
    response["Content-Type"] = content_type
    # A version never changes: browsers and proxies may keep it.
    response["Cache-Control"] = "public, max-age=86400, immutable"
    return response


# --- Staff: publishing ------------------------------------------------------------------------------


@require(permissions.can_view_publishing)
def publishing(request):
    rounds = list(Round.objects.order_by("-academic_year", "kind", "-number"))
    for round_ in rounds:
        round_.completeness = round_completeness(round_)
        round_.problems = services.publication_check(round_)
    publications = list(statistics.publication_list())
    current_ids = {p.pk for p in (statistics.current_publication(k) for k in Round.Kind.values) if p}
    by_round = {}
    for pub in publications:
        pub.is_current = pub.pk in current_ids
        by_round.setdefault(pub.round_id, []).append(pub)
    for round_ in rounds:
        round_.published = by_round.get(round_.pk, [])
    return render(
        request,
        "reports/publishing.html",
        {
            "rounds": rounds,
            "publications": publications,
            "can_publish": permissions.can_publish_user(request.user),
        },
    )


@require(permissions.can_view_publishing)
def publishing_preview(request, round_slug):
    round_ = get_object_or_404(Round, slug=round_slug)
    preview = services.publication_preview(round_, actor=request.user)
    return render(
        request,
        "reports/publishing_preview.html",
        {
            "round": round_,
            "preview": preview,
            "form": PublishForm(),
            "can_publish": permissions.can_publish_user(request.user),
            "accepted_status": Submission.Status.ACCEPTED,
        },
    )


@require(permissions.can_publish_user)
@require_POST
def publish(request, round_slug):
    round_ = get_object_or_404(Round, slug=round_slug)
    form = PublishForm(request.POST)
    if not form.is_valid():  # nothing is published with a note other than the one typed
        for name, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[name].label}: {error}")
        return redirect("reports:publishing-preview", round_slug=round_.slug)
    try:
        publication = services.publication_create(round_, actor=request.user, note=form.cleaned_data["note"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("reports:publishing-preview", round_slug=round_.slug)
    messages.success(
        request,
        _("เผยแพร่ข้อมูล %(round)s แล้ว: โรงเรียน %(included)s จาก %(expected)s แห่ง")
        % {
            "round": round_.label,
            "included": publication.schools_included,
            "expected": publication.schools_expected,
        },
    )
    return redirect("reports:publishing")


@require(permissions.can_publish_user)
@require_http_methods(["GET", "POST"])
def dataset_upload(request):
    form = DatasetUploadForm(request.POST or None, request.FILES or None)
    slug = request.GET.get("dataset", "")
    if slug and not request.POST:
        # A slug of the catalogue, else no dataset chosen (a malformed one never reaches the query).
        found = Dataset.objects.filter(slug=slug).first() if slug_re.match(slug) else None
        form = DatasetUploadForm(initial={"dataset": found})
    if request.method == "POST" and form.is_valid():
        try:
            version = services.dataset_version_upload(
                form.cleaned_data["dataset"],
                actor=request.user,
                file=form.cleaned_data["file"],
                data_as_of=form.cleaned_data["data_as_of"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise
        else:
            messages.success(
                request,
                _("เพิ่มไฟล์เป็นฉบับที่ %(number)s ของ %(dataset)s แล้ว")
                % {"number": version.number, "dataset": version.dataset.title},
            )
            return redirect("reports:dataset", slug=version.dataset.slug)
    return render(request, "reports/dataset_upload.html", {"form": form})
