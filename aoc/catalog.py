"""The dataset catalogue of the open data, ``GET /api/v1/catalog.json``, for national open-data portals
to harvest: a DCAT catalogue (W3C Data Catalog Vocabulary, version 2) written as JSON-LD.

One ``dcat:Catalog`` lists one ``dcat:Dataset`` per public dataset: the API's own tables (schools, the
rounds calendar), the published statistics (each table as JSON and CSV) and every dataset of the
downloads catalogue (``reports.Dataset``) with the files of its latest version. Each dataset has titles
in Thai and English, a description, the publisher, the date it last changed, the licence, and its
distributions (``accessURL`` — where to read it, ``downloadURL`` — the file itself, ``mediaType``).
"""

import datetime

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from aoc.models import AuditLog
from datacollection.models import Round
from reports.models import Dataset, DatasetVersion
from reports.statistics import current_publication
from schools.models import EnrolmentFigure, School

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


def text(th: str, en: str) -> list[dict]:
    """A literal in Thai and in English (JSON-LD language-tagged strings)."""
    return [{"@language": "th", "@value": th}, {"@language": "en", "@value": en}]


def _newest(*values) -> datetime.date | None:
    """The latest of dates and date-times (taken as their day in the portal's time zone)."""
    days = [timezone.localdate(v) if isinstance(v, datetime.datetime) else v for v in values if v is not None]
    return max(days, default=None)


def _date(value: datetime.date | None) -> dict | None:
    return {"@type": "xsd:date", "@value": value.isoformat()} if value is not None else None


def publisher() -> dict:
    district = settings.DISTRICT
    return {
        "@type": "foaf:Organization",
        "foaf:name": text(district["name_th"], district["name_en"]),
        "foaf:homepage": {"@id": settings.SITE_URL},
    }


def distribution(title_th: str, title_en: str, *, access: str, media_type: str, download: str = "") -> dict:
    entry = {
        "@type": "dcat:Distribution",
        "dct:title": text(title_th, title_en),
        "dcat:accessURL": {"@id": access},
        "dcat:mediaType": media_type,
        "dct:format": media_type.rsplit("/", 1)[-1].upper().replace("GEO+JSON", "GeoJSON"),
        "dct:license": {"@id": settings.OPEN_DATA_LICENSE},
    }
    if download:
        entry["dcat:downloadURL"] = {"@id": download}
    return entry


def api_distributions(url: str, json_title: tuple[str, str], csv_title: tuple[str, str]) -> list[dict]:
    """An API table as two distributions: its JSON, and the whole table as CSV (``?format=csv``)."""
    return [
        distribution(*json_title, access=url, media_type="application/json"),
        distribution(*csv_title, access=url, download=f"{url}?format=csv", media_type="text/csv"),
    ]


def dataset(
    identifier: str,
    *,
    title: tuple[str, str],
    description: tuple[str, str],
    modified,
    distributions: list[dict],
    landing_page: str = "",
    keywords: tuple[str, ...] = (),
) -> dict:
    entry = {
        "@id": identifier,
        "@type": "dcat:Dataset",
        "dct:identifier": identifier,
        "dct:title": text(*title),
        "dct:description": text(*description),
        "dct:publisher": publisher(),
        "dct:modified": _date(modified),
        "dct:license": {"@id": settings.OPEN_DATA_LICENSE},
        "dct:language": ["th"],
        "dcat:keyword": list(keywords),
        "dcat:distribution": distributions,
    }
    if landing_page:
        entry["dcat:landingPage"] = {"@id": landing_page}
    return entry


def api_datasets(absolute) -> list[dict]:
    """The API's own tables. ``absolute(path)`` makes a full URL."""
    schools_modified = _newest(
        School.objects.aggregate(at=Max("updated_at"))["at"],
        EnrolmentFigure.objects.aggregate(at=Max("as_of"))["at"],
    )
    rounds_modified = _newest(
        AuditLog.objects.filter(action__startswith="datacollection.round.").aggregate(at=Max("created_at"))[
            "at"
        ],
        Round.objects.aggregate(at=Max("created_at"))["at"],
    )
    schools_api = absolute(reverse("api:school-list"))
    rounds_api = absolute(reverse("api:round-list"))
    return [
        dataset(
            absolute(reverse("schools:directory")),
            title=("ทำเนียบโรงเรียนในสังกัด", "Schools of the educational service area"),
            description=(
                "รหัส ชื่อ ระดับที่เปิดสอน ที่ตั้ง ช่องทางติดต่อ พิกัด จำนวนนักเรียนล่าสุดและขนาดของโรงเรียน",
                "Codes, names, levels, places, contact details, coordinates, latest enrolment and size of "
                "each school.",
            ),
            modified=schools_modified,
            landing_page=absolute(reverse("schools:directory")),
            keywords=("โรงเรียน", "ทำเนียบโรงเรียน", "schools"),
            distributions=[
                *api_distributions(schools_api, ("API (JSON)", "API (JSON)"), ("ตาราง CSV", "CSV table")),
                distribution(
                    "แผนที่ GeoJSON",
                    "GeoJSON map layer",
                    access=absolute(reverse("gis:map")),
                    download=absolute(reverse("api:schools-geojson")),
                    media_type="application/geo+json",
                ),
            ],
        ),
        dataset(
            absolute(reverse("datacollection:round-calendar")),
            title=("ปฏิทินรอบการเก็บข้อมูล", "Data-collection rounds calendar"),
            description=(
                "รอบการเก็บข้อมูล (DMC, EMIS, B-OBEC) วันที่ข้อมูล วันเปิดรับ กำหนดส่ง วันปิดรอบ และสถานะ",
                "Data-collection rounds (DMC, EMIS, B-OBEC): as-of date, opening, deadline, closing, status.",
            ),
            modified=rounds_modified,
            landing_page=absolute(reverse("datacollection:round-calendar")),
            keywords=("ปฏิทิน", "DMC", "rounds"),
            distributions=[
                *api_distributions(rounds_api, ("API (JSON)", "API (JSON)"), ("ตาราง CSV", "CSV table")),
            ],
        ),
    ]


MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "pdf": "application/pdf",
    "json": "application/json",
}
FORMAT_NAMES = {"xlsx": "XLSX", "csv": "CSV", "pdf": "PDF", "json": "JSON"}
# The published statistics tables: (URL name, title th, title en, the kind of round they come from).
DMC, EMIS, BOBEC = Round.Kind.DMC, Round.Kind.EMIS, Round.Kind.BOBEC
STATISTICS_TABLES = (
    ("api:statistics-schools", "โรงเรียนจำแนกตามอำเภอ ระดับ และขนาด", "Schools by amphoe, level and size", DMC),
    (
        "api:statistics-small-bands",
        "โรงเรียนขนาดเล็กจำแนกตามช่วงจำนวนนักเรียน",
        "Small schools by enrolment band",
        DMC,
    ),
    ("api:statistics-students", "นักเรียนจำแนกตามชั้นและเพศ", "Students by grade and sex", DMC),
    ("api:statistics-disadvantaged", "นักเรียนด้อยโอกาสจำแนกตามประเภท", "Disadvantaged students by type", DMC),
    ("api:statistics-disabled", "นักเรียนพิการจำแนกตามประเภท", "Students with disabilities by type", DMC),
    ("api:statistics-trend", "จำนวนนักเรียนย้อนหลัง", "Students over the years", DMC),
    (
        "api:statistics-ratios",
        "อัตราส่วนนักเรียนต่อครู ต่อห้องเรียน และครูต่อโรงเรียน",
        "Student-teacher, student-classroom and teacher-school ratios",
        EMIS,
    ),
    ("api:statistics-staff", "บุคลากรจำแนกตามตำแหน่งและวิทยฐานะ", "Staff by position and academic rank", EMIS),
    (
        "api:statistics-buildings",
        "อาคารสิ่งก่อสร้างจำแนกตามประเภทและสภาพ",
        "Buildings by type and condition",
        BOBEC,
    ),
)


def statistics_dataset(absolute) -> list[dict]:
    """The published statistics as one dataset (each table as JSON and CSV), once something is published."""
    publications = {kind: current_publication(kind) for kind in (DMC, EMIS, BOBEC)}
    published = {kind for kind, publication in publications.items() if publication is not None}
    if DMC not in published:
        return []
    distributions = []
    for name, title_th, title_en, kind in STATISTICS_TABLES:
        if kind not in published:  # a table of a kind never published answers 404: not listed
            continue
        distributions += api_distributions(
            absolute(reverse(name)),
            (f"{title_th} (JSON)", f"{title_en} (JSON)"),
            (f"{title_th} (CSV)", f"{title_en} (CSV)"),
        )
    return [
        dataset(
            absolute(reverse("reports:statistics")),
            title=("สถิติการศึกษาที่เผยแพร่", "Published education statistics"),
            description=(
                "สถิติจากข้อมูลที่โรงเรียนรับรองแล้วและเขตพื้นที่เผยแพร่: โรงเรียน นักเรียนจำแนกตามชั้นและเพศ "
                "นักเรียนด้อยโอกาสและพิการ (จำนวนน้อยกว่า 5 ปกปิด) แนวโน้มรายปี และเมื่อเผยแพร่ข้อมูล EMIS/B-OBEC แล้ว "
                "อัตราส่วนนักเรียนต่อครู บุคลากรจำแนกตามตำแหน่ง และอาคารจำแนกตามประเภทและสภาพ",
                "Statistics from the schools' accepted data as published by the district: schools, students "
                "by grade and sex, disadvantaged and disabled students (counts under 5 suppressed), trends, "
                "and once EMIS/B-OBEC data is published, student-teacher ratios, staff by position and "
                "buildings by type and condition.",
            ),
            modified=_newest(*(publications[kind].published_at for kind in published)),
            landing_page=absolute(reverse("reports:statistics")),
            keywords=("สถิติ", "นักเรียน", "statistics", "DMC"),
            distributions=distributions,
        )
    ]


def download_datasets(absolute) -> list[dict]:
    """Every dataset of the downloads catalogue with its latest version's files. The files' addresses are
    permanent (a new version never breaks an old link)."""
    datasets = list(Dataset.objects.annotate(latest=Max("versions__number")).filter(latest__isnull=False))
    latest = {(d.pk, d.latest) for d in datasets}
    files: dict[int, list[DatasetVersion]] = {}
    for version in DatasetVersion.objects.filter(dataset__in=datasets).order_by("file_format"):
        if (version.dataset_id, version.number) in latest:
            files.setdefault(version.dataset_id, []).append(version)
    entries = []
    for item in sorted(datasets, key=lambda d: (d.category, d.title)):
        versions = files.get(item.pk, [])
        page = absolute(reverse("reports:dataset", kwargs={"slug": item.slug}))
        entries.append(
            dataset(
                page,
                # The catalogue keeps Thai titles only; its address names the table in English.
                title=(item.title, item.slug.replace("-", " ").replace("_", " ").capitalize()),
                description=(item.description or item.title, item.description or item.title),
                modified=_newest(*(v.created_at for v in versions)),
                landing_page=page,
                keywords=(item.get_category_display(), item.category),
                distributions=[
                    distribution(
                        f"{item.title} ฉบับที่ {v.number} ({FORMAT_NAMES.get(v.file_format, v.file_format)})",
                        f"Version {v.number} ({FORMAT_NAMES.get(v.file_format, v.file_format)})",
                        access=page,
                        download=absolute(v.get_absolute_url()),
                        media_type=MEDIA_TYPES.get(v.file_format, "application/octet-stream"),
                    )
                    for v in versions
                ],
            )
        )
    return entries


def _latest(datasets: list[dict]) -> dict | None:
    """The newest ``dct:modified`` of the datasets (ISO dates compare as text)."""
    values = [d["dct:modified"]["@value"] for d in datasets if d["dct:modified"]]
    return {"@type": "xsd:date", "@value": max(values)} if values else None


def catalog(absolute) -> dict:
    datasets = [*api_datasets(absolute), *statistics_dataset(absolute), *download_datasets(absolute)]
    district = settings.DISTRICT
    return {
        "@context": CONTEXT,
        "@id": absolute(reverse("api:catalog")),
        "@type": "dcat:Catalog",
        "dct:title": text(f"ชุดข้อมูลเปิดของ {district['short_name_th']}", f"Open data of {district['name_en']}"),
        "dct:description": text(
            "ข้อมูลสาธารณะของเขตพื้นที่การศึกษา: ทำเนียบโรงเรียน สถิติการศึกษา ปฏิทินรอบการเก็บข้อมูล และไฟล์ดาวน์โหลด",
            "Public data of the educational service area: schools, education statistics, the "
            "data-collection calendar and downloadable files.",
        ),
        "dct:publisher": publisher(),
        "dct:language": ["th", "en"],
        "dct:license": {"@id": settings.OPEN_DATA_LICENSE},
        "dct:modified": _latest(datasets),
        "foaf:homepage": {"@id": absolute(reverse("home"))},
        "dcat:dataset": datasets,
    }


class CatalogView(APIView):
    """``/api/v1/catalog.json``: public, read-only."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer, JSONLDRenderer]

    @extend_schema(
        summary="บัญชีชุดข้อมูลเปิด (DCAT, JSON-LD)",
        description="รายการชุดข้อมูลสาธารณะทั้งหมดตามมาตรฐาน DCAT สำหรับให้ศูนย์ข้อมูลเปิดภาครัฐดึงไปใช้",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        return Response(catalog(request.build_absolute_uri))
