"""``GET /api/v1/schools.geojson``: every open school as GeoJSON, for the public map and anyone else.

The file is built once per set of filters and registry version (``gis.selectors.registry_version``) and
kept gzipped in the Django cache, so a change to a school, a photo or an enrolment figure is visible at
once, and a repeated request costs a few small queries and a cache read. Each answer carries a weak ETag
(a hash of the content): a client that sends it back in ``If-None-Match`` gets ``304 Not Modified``.
Clients that accept gzip get the stored gzip bytes; others get the file decompressed.
"""

import gzip
import hashlib
import json

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from gis import selectors
from gis.api.serializers import FORMAT, ROW_FIELDS, feature_collection
from gis.forms import MapFilterForm
from schools import selectors as school_selectors
from schools.models import School

CONTENT_TYPE = "application/geo+json"
# An upper bound on staleness for changes that bypass the registry's services (which move the version).
CACHE_SECONDS = 15 * 60
CACHE_CONTROL = "public, no-cache"  # may be stored, but revalidated (ETag → 304) before each use


class GeoJSONRenderer(JSONRenderer):
    media_type = CONTENT_TYPE
    format = "geojson"


def accepts_gzip(header: str) -> bool:
    """``Accept-Encoding`` names gzip (or ``*``) without ``q=0``."""
    for part in header.lower().split(","):
        name, _sep, params = part.strip().partition(";")
        if name.strip() in ("gzip", "x-gzip", "*"):
            quality = params.replace(" ", "")
            if quality.startswith("q="):
                try:
                    return float(quality[2:]) > 0
                except ValueError:
                    return False
            return True
    return False


def build_geojson(filters: selectors.MapFilters, scheme) -> tuple[bytes, int]:
    """The gzipped GeoJSON of the open schools matching ``filters``, and the number of schools."""
    rows = list(selectors.map_schools(filters, scheme=scheme).values(*ROW_FIELDS))
    bands = list(scheme.bands.all()) if scheme else []
    body = feature_collection(rows, bands)
    return gzip.compress(body, compresslevel=6, mtime=0), len(rows)


def cache_key(filters: selectors.MapFilters, scheme) -> str:
    return f"gis:geojson:{FORMAT}:{selectors.registry_version(scheme)}:{filters.as_key()}"


def cached_geojson(filters: selectors.MapFilters, scheme) -> dict:
    """``{"etag", "gz", "count"}`` from the cache, built when missing."""
    key = cache_key(filters, scheme)
    entry = cache.get(key)
    if entry is None:
        gz, count = build_geojson(filters, scheme)
        digest = hashlib.sha256(gz).hexdigest()[:32]
        entry = {"etag": f'W/"{digest}"', "gz": gz, "count": count}
        cache.set(key, entry, CACHE_SECONDS)
    return entry


def _not_modified(request, etag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    if not header:
        return False
    wanted = etag.removeprefix("W/")
    return any(tag == "*" or tag.removeprefix("W/") == wanted for tag in parse_etags(header))


def _headers(response, entry) -> HttpResponse:
    response["ETag"] = entry["etag"]
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Schools-Count"] = str(entry["count"])
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


FILTER_PARAMETERS = [
    OpenApiParameter("amphoe", str, description="รหัสอำเภอ (กรมการปกครอง) เช่น 9011"),
    OpenApiParameter("level", str, enum=School.Level.values, description="ระดับที่เปิดสอน"),
    OpenApiParameter(
        "size", str, description="ขนาดโรงเรียนตามเกณฑ์หลัก เช่น small, medium, large, extra-large, none, unknown"
    ),
]


class SchoolsGeoJSONView(APIView):
    """Public: open schools as a GeoJSON FeatureCollection (public properties only)."""

    authentication_classes = []  # public data: no session, no token, no CSRF
    permission_classes = [AllowAny]
    renderer_classes = [GeoJSONRenderer]

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)  # always GeoJSON, never 406

    @extend_schema(
        operation_id="schools_geojson",
        tags=["gis"],
        summary="โรงเรียนที่เปิดสอนทั้งหมดเป็น GeoJSON (สาธารณะ)",
        description=(
            "FeatureCollection ตาม RFC 7946: จุดพิกัด [ลองจิจูด, ละติจูด] และข้อมูลสาธารณะของโรงเรียนเท่านั้น "
            "(รหัส ชื่อ ระดับ อำเภอ ขนาด จำนวนนักเรียนล่าสุดพร้อมวันที่และแหล่งข้อมูล ช่องทางติดต่อของโรงเรียน) "
            "ไม่มีข้อมูลบุคคล โรงเรียนที่ยังไม่มีพิกัดมี geometry เป็น null "
            "รองรับ gzip (Accept-Encoding) และ ETag (If-None-Match → 304)"
        ),
        parameters=FILTER_PARAMETERS,
        responses={
            (200, CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.OBJECT, description="GeoJSON FeatureCollection"
            ),
            304: OpenApiResponse(description="ไม่มีการเปลี่ยนแปลงตั้งแต่ ETag ที่ส่งมา"),
            (400, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="ตัวกรองไม่ถูกต้อง"),
        },
    )
    def get(self, request):
        scheme = school_selectors.default_size_scheme()
        form = MapFilterForm(
            request.GET,
            amphoes=school_selectors.amphoe_list(),
            size_choices=school_selectors.size_choices(scheme),
        )
        if not form.is_valid():
            detail = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
            return HttpResponse(
                json.dumps({"detail": detail}, ensure_ascii=False),
                status=400,
                content_type="application/json",
            )
        entry = cached_geojson(selectors.MapFilters(**form.cleaned_data), scheme)
        if _not_modified(request, entry["etag"]):
            return _headers(HttpResponse(status=304), entry)
        if accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            response = HttpResponse(entry["gz"], content_type=CONTENT_TYPE)
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(gzip.decompress(entry["gz"]), content_type=CONTENT_TYPE)
        response["Content-Length"] = str(len(response.content))
        return _headers(response, entry)


schools_geojson = SchoolsGeoJSONView.as_view()
