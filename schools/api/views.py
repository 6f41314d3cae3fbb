"""``GET /api/v1/schools/``: the public school directory as data (JSON, paginated; CSV, whole)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from aoc.api import PublicPagination
from aoc.renderers import CSVPaginationMixin, CSVRenderer
from schools import selectors
from schools.api.serializers import PublicSchoolSerializer
from schools.forms import DirectoryFilterForm
from schools.models import School

FILTERS = [
    OpenApiParameter("q", str, description="ค้นหาจากชื่อโรงเรียน หรือรหัส 10/8/6 หลัก"),
    OpenApiParameter("amphoe", str, description="รหัสอำเภอ (DOPA) เช่น 9011"),
    OpenApiParameter("level", str, enum=School.Level.values, description="ระดับที่เปิดสอน"),
    OpenApiParameter("size", str, description="รหัสขนาดโรงเรียน (ดูค่า size ในผลลัพธ์)"),
    OpenApiParameter("include_closed", bool, description="รวมโรงเรียนที่ปิด/ยุบรวมแล้ว"),
]


@extend_schema_view(
    list=extend_schema(summary="รายชื่อโรงเรียน (สาธารณะ; ?format=csv ได้ทั้งตาราง)", parameters=FILTERS),
    retrieve=extend_schema(summary="ข้อมูลสาธารณะของโรงเรียนหนึ่ง"),
)
class SchoolViewSet(CSVPaginationMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PublicSchoolSerializer
    permission_classes = [AllowAny]
    pagination_class = PublicPagination
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    filter_backends = []  # filtered by the directory's own form below
    lookup_field = "code"
    lookup_value_regex = r"[0-9]{10}"
    csv_filename = "schools"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.scheme = selectors.default_size_scheme()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return School.objects.none()
        if self.action != "list":
            return selectors.school_directory(include_closed=True, scheme=self.scheme)
        form = DirectoryFilterForm(self.request.query_params, scheme=self.scheme)
        if not form.is_valid():
            raise ValidationError(form.errors)
        include_closed = self.request.query_params.get("include_closed", "").lower() in ("1", "true", "yes")
        return selectors.school_directory(include_closed=include_closed, scheme=self.scheme, **form.filters())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        scheme = getattr(self, "scheme", None)
        context["bands"] = list(scheme.bands.all()) if scheme else []
        return context
