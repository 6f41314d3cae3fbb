"""The open API of published statistics and the downloads catalogue: read-only, anonymous allowed.

Every table endpoint reads one publication (``?publication=<id>``, else the current one) through the
same selectors and flat tables as the pages and the files, answers JSON with the table's ``source``
(round, as-of date, coverage), its ``columns`` and paginated ``results``, or the whole table as CSV with
``?format=csv``. Nothing unpublished, and no personal data: counts only, with the suppression of the
pages (small counts of one school as "< 5")."""

from dataclasses import asdict

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from aoc.api import query_choice, query_number
from datacollection.models import Round
from reports import exports, statistics
from reports.api.renderers import CSVRenderer
from reports.api.serializers import DatasetSerializer, PublicationSerializer
from reports.models import Dataset, Publication

PUBLICATION = OpenApiParameter(
    "publication", int, description="รหัสการเผยแพร่ (จาก /api/v1/publications/) ไม่ระบุ = ข้อมูลล่าสุด"
)
AMPHOE = OpenApiParameter("amphoe", str, description="รหัสอำเภอ 4 หลัก (กรมการปกครอง) เช่น 9011")
SCHOOL = OpenApiParameter("school", str, description="รหัสโรงเรียน 10 หลัก")
FORMAT = OpenApiParameter("format", str, enum=["json", "csv"], description="csv = ทั้งตารางเป็นไฟล์ CSV")
TABLE_RESPONSE = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="JSON: source (รอบ วันที่ของข้อมูล ความครอบคลุม), title, columns (key, label), "
    "count/next/previous/results (แถวของตาราง) — หรือ CSV ทั้งตารางเมื่อ ?format=csv",
)


def _publication(request, kind: str = Round.Kind.DMC) -> Publication:
    """The ``?publication=`` named (of ``kind``: another kind's is a 404), else the kind's current one."""
    number = query_number(request, "publication")
    if number is not None:
        return get_object_or_404(Publication.objects.select_related("round"), pk=number, round__kind=kind)
    publication = statistics.current_publication(kind)
    if publication is None:
        raise Http404("ยังไม่มีข้อมูลที่เผยแพร่")
    return publication


def _by(request, allowed: tuple[str, ...], default: str) -> str:
    by = request.query_params.get("by", default)
    if by not in allowed:
        raise ValidationError({"by": "ใช้ได้เฉพาะ " + ", ".join(allowed)})
    return by


def _code(request, name: str, digits: int) -> str | None:
    """A ``?amphoe=`` (4 digits) or ``?school=`` (10 digits) filter, if any; a 400 when malformed."""
    value = request.query_params.get(name) or None
    if value and not (len(value) == digits and value.isascii() and value.isdigit()):
        raise ValidationError({name: f"ต้องเป็นตัวเลข {digits} หลัก"})
    return value


def _amphoe(request) -> str | None:
    return _code(request, "amphoe", 4)


def _school(request, publication: Publication) -> str | None:
    """The ``?school=`` code, if any; a 404 when the publication has no such school."""
    school = _code(request, "school", 10)
    if school and statistics.published_school(publication, school) is None:
        raise Http404
    return school


class TableView(APIView):
    permission_classes = [AllowAny]
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]
    pagination_class = PageNumberPagination

    def table(self, request) -> exports.FlatTable:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        flat = self.table(request)
        if request.accepted_renderer.format == "csv":
            data = {
                "headers": [*flat.headers, "รอบ", "ข้อมูล ณ วันที่"],
                "rows": [[*row, flat.source.round_slug, flat.source.as_of.isoformat()] for row in flat.rows],
            }
            filename = f"{flat.name}_{flat.source.round_slug}.csv"
            return Response(data, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(flat.records(), request, view=self)
        response = paginator.get_paginated_response(page)
        response.data = {
            "source": asdict(flat.source),
            "title": flat.title,
            "columns": [{"key": k, "label": h} for k, h in zip(flat.keys, flat.headers, strict=True)],
            **response.data,
        }
        return response


@extend_schema_view(
    get=extend_schema(
        summary="โรงเรียนจำแนกตามอำเภอ ระดับ และขนาด",
        parameters=[PUBLICATION, FORMAT],
        responses=TABLE_RESPONSE,
    )
)
class SchoolsBySizeView(TableView):
    def table(self, request):
        return exports.schools_flat(_publication(request))


@extend_schema_view(
    get=extend_schema(
        summary="โรงเรียนจำแนกตามช่วงจำนวนนักเรียน (โรงเรียนขนาดเล็ก)",
        parameters=[PUBLICATION, FORMAT],
        responses=TABLE_RESPONSE,
    )
)
class SmallSchoolBandsView(TableView):
    def table(self, request):
        return exports.small_bands_flat(_publication(request))


BY = OpenApiParameter(
    "by", str, enum=["district", "amphoe", "school"], description="จำแนกตาม (ค่าเริ่มต้น school)"
)


@extend_schema_view(
    get=extend_schema(
        summary="นักเรียนจำแนกตามชั้นและเพศ",
        parameters=[PUBLICATION, BY, AMPHOE, SCHOOL, FORMAT],
        responses=TABLE_RESPONSE,
    )
)
class StudentsView(TableView):
    def table(self, request):
        by = request.query_params.get("by", "school")
        if by not in ("district", "amphoe", "school"):
            raise ValidationError({"by": "ใช้ได้เฉพาะ district, amphoe หรือ school"})
        publication = _publication(request)
        return exports.students_flat(
            publication,
            by=by,
            amphoe=_amphoe(request),
            school=_school(request, publication),
        )


CATEGORY_BY = OpenApiParameter("by", str, enum=["amphoe", "school"], description="จำแนกตาม (ค่าเริ่มต้น amphoe)")


class _CategoryView(TableView):
    category = ""

    def table(self, request):
        by = request.query_params.get("by", "amphoe")
        if by not in ("amphoe", "school"):
            raise ValidationError({"by": "ใช้ได้เฉพาะ amphoe หรือ school"})
        publication = _publication(request)
        return exports.category_flat(publication, self.category, by=by, school=_school(request, publication))


CATEGORY_NOTE = 'จำนวน 1–4 คนของโรงเรียนเดียวเป็นข้อความ "< 5" และช่องที่ปกปิดเพิ่มเป็น "ปกปิด"'


@extend_schema_view(
    get=extend_schema(
        summary="นักเรียนด้อยโอกาสจำแนกตามประเภท",
        description=CATEGORY_NOTE,
        parameters=[PUBLICATION, CATEGORY_BY, SCHOOL, FORMAT],
        responses=TABLE_RESPONSE,
    )
)
class DisadvantagedView(_CategoryView):
    category = "disadvantage"


@extend_schema_view(
    get=extend_schema(
        summary="นักเรียนพิการจำแนกตามประเภท",
        description=CATEGORY_NOTE,
        parameters=[PUBLICATION, CATEGORY_BY, SCHOOL, FORMAT],
        responses=TABLE_RESPONSE,
    )
)
class DisabledView(_CategoryView):
    category = "disability"


@extend_schema_view(
    get=extend_schema(summary="แนวโน้มจำนวนนักเรียนตามรอบที่เผยแพร่", parameters=[FORMAT], responses=TABLE_RESPONSE)
)
class TrendView(TableView):
    def table(self, request):
        trend = statistics.student_trend(Round.Kind.DMC)
        if not trend.points:
            raise Http404("ยังไม่มีข้อมูลที่เผยแพร่")
        rows = [
            [p.label, p.source.round_slug, p.source.publication_id, p.source.as_of.isoformat(), p.schools,
             p.male, p.female, p.total, p.source.is_generated]
            for p in trend.points
        ]  # fmt: skip
        return exports.FlatTable(
            "student_trend",
            "จำนวนนักเรียนตามรอบที่เผยแพร่",
            trend.source,
            ["ปีการศึกษา/รอบ", "รหัสรอบ", "รหัสการเผยแพร่", "ข้อมูล ณ วันที่", "โรงเรียน", "ชาย", "หญิง", "รวม",
             "ข้อมูลตัวอย่าง"],
            rows,
            ["label", "round", "publication", "as_of", "schools", "male", "female", "total", "is_generated"],
        )  # fmt: skip


EMIS_BY = OpenApiParameter("by", str, enum=["amphoe", "school"], description="จำแนกตาม (ค่าเริ่มต้น school)")


class _KindTableView(TableView):
    """A table of the ``kind``'s publication by one of ``by_choices`` (default school), for ``?amphoe=`` or
    ``?school=``: ``flat(publication, *, by, amphoe, school)`` builds it."""

    kind = Round.Kind.EMIS
    by_choices: tuple[str, ...] = ("amphoe", "school")
    flat = None

    def table(self, request):
        by = _by(request, self.by_choices, "school")
        publication = _publication(request, self.kind)
        return self.flat(
            publication, by=by, amphoe=_amphoe(request),
            school=_school(request, publication),
        )  # fmt: skip


@extend_schema_view(
    get=extend_schema(
        summary="อัตราส่วนนักเรียนต่อครู ต่อห้องเรียน และครูต่อโรงเรียน (EMIS)",
        description="ครู = ครู + ครูผู้ช่วย; นักเรียนและห้องเรียนตามที่โรงเรียนรายงานใน EMIS; "
        "อัตราส่วนที่หารไม่ได้ (ไม่มีครูหรือห้องเรียน) เป็น null (ใน CSV เป็นช่องว่าง)",
        parameters=[PUBLICATION, EMIS_BY, AMPHOE, SCHOOL, FORMAT],
        responses=TABLE_RESPONSE,
    )
)
class RatiosView(_KindTableView):
    flat = staticmethod(exports.ratios_flat)


@extend_schema_view(
    get=extend_schema(
        summary="บุคลากรจำแนกตามตำแหน่งและเพศ (EMIS)",
        parameters=[PUBLICATION, EMIS_BY, AMPHOE, SCHOOL, FORMAT],
        responses=TABLE_RESPONSE,
    )
)
class StaffView(_KindTableView):
    flat = staticmethod(exports.staff_flat)


@extend_schema_view(
    get=extend_schema(
        summary="อาคารสิ่งก่อสร้างจำแนกตามประเภทและสภาพ (B-OBEC)",
        parameters=[
            PUBLICATION,
            OpenApiParameter(
                "by", str, enum=["district", "amphoe", "school"], description="จำแนกตาม (ค่าเริ่มต้น school)"
            ),
            AMPHOE,
            SCHOOL,
            FORMAT,
        ],
        responses=TABLE_RESPONSE,
    )
)
class BuildingsView(_KindTableView):
    kind = Round.Kind.BOBEC
    by_choices = ("school", "amphoe", "district")
    flat = staticmethod(exports.buildings_flat)


@extend_schema_view(
    list=extend_schema(
        summary="รายการการเผยแพร่ข้อมูลสถิติ",
        parameters=[
            OpenApiParameter("kind", str, enum=Round.Kind.values, description="ประเภทข้อมูล"),
            OpenApiParameter("year", int, description="ปีการศึกษา (พ.ศ.)"),
        ],
    ),
    retrieve=extend_schema(summary="การเผยแพร่ข้อมูลสถิติ"),
)
class PublicationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PublicationSerializer
    permission_classes = [AllowAny]
    filter_backends = []

    def get_queryset(self):
        publications = statistics.publication_list(
            query_choice(self.request, "kind", Round.Kind.values) or None
        )
        year = query_number(self.request, "year")
        if year is not None:
            publications = publications.filter(round__academic_year=year)
        return publications


@extend_schema_view(
    list=extend_schema(
        summary="แคตตาล็อกไฟล์ดาวน์โหลด",
        parameters=[OpenApiParameter("category", str, enum=Dataset.Category.values, description="หมวด")],
    ),
    retrieve=extend_schema(summary="ชุดข้อมูลและทุกฉบับของไฟล์"),
)
class DatasetViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DatasetSerializer
    permission_classes = [AllowAny]
    filter_backends = []
    lookup_field = "slug"

    def get_queryset(self):
        datasets = Dataset.objects.filter(versions__isnull=False).distinct().prefetch_related("versions")
        category = query_choice(self.request, "category", Dataset.Category.values)
        if category:
            datasets = datasets.filter(category=category)
        return datasets.order_by("category", "title")
