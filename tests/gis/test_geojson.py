"""``/api/v1/schools.geojson``: valid GeoJSON (RFC 7946), public properties only, the map's filters,
cached with a registry version, ETag → 304, gzip."""

import gzip
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gis.api import views as geojson_views
from gis.api.serializers import PROPERTIES
from schools import services as school_services
from tests.factories import DataOfficerFactory, EnrolmentFactory, SchoolFactory
from tests.gis.conftest import jpeg

URL = "/api/v1/schools.geojson"


def _get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response


def _collection(response) -> dict:
    return json.loads(response.content)


def _codes(response) -> set[str]:
    return {f["properties"]["code"] for f in _collection(response)["features"]}


def assert_valid_geojson(data: dict) -> None:
    """The parts of RFC 7946 the map depends on, checked member by member."""
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data  # RFC 7946 §4: WGS 84 only, no crs member
    assert isinstance(data["features"], list)
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["properties"], dict)
        assert isinstance(feature.get("id"), str | int)
        geometry = feature["geometry"]
        if geometry is None:  # allowed (§3.2): a school without coordinates yet
            continue
        assert geometry["type"] == "Point"
        longitude, latitude = geometry["coordinates"]
        assert isinstance(longitude, float) and isinstance(latitude, float)
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90


@pytest.mark.django_db
def test_route_name_and_content_type(client, placed):
    assert reverse("api:schools-geojson") == URL
    response = _get(client)
    assert response["Content-Type"] == "application/geo+json"
    assert_valid_geojson(_collection(response))


@pytest.mark.django_db
def test_coordinates_are_longitude_first(client, placed):
    features = {f["id"]: f for f in _collection(_get(client))["features"]}
    point = features[placed["hat_yai"].code]["geometry"]
    assert point == {"type": "Point", "coordinates": [100.474321, 7.006543]}


@pytest.mark.django_db
def test_only_open_schools_and_a_school_without_place_has_null_geometry(client, placed):
    unplaced = SchoolFactory(name_th="บ้านยังไม่มีพิกัด")
    response = _get(client)
    codes = _codes(response)
    assert placed["closed"].code not in codes
    assert {placed["hat_yai"].code, unplaced.code} <= codes
    [feature] = [f for f in _collection(response)["features"] if f["id"] == unplaced.code]
    assert feature["geometry"] is None


@pytest.mark.django_db
def test_only_public_properties_and_no_person(client, placed, officer_a, school_a):
    school = placed["hat_yai"]
    school.principal_name = "นายผู้อำนวยการ ลับเฉพาะ"
    school.website = "https://school.example.org"
    school.save()
    DataOfficerFactory(school=school, full_name="นางสาวเจ้าหน้าที่ ข้อมูล", phone="081-999-8888")
    EnrolmentFactory(school=school, students=150)
    response = _get(client)
    body = response.content.decode()
    [feature] = [f for f in _collection(response)["features"] if f["id"] == school.code]
    assert tuple(feature["properties"]) == PROPERTIES
    props = feature["properties"]
    assert props["phone"] == "074-000-000"  # the school's own phone is public
    assert props["website"] == "https://school.example.org"
    assert (props["students"], props["students_as_of"], props["students_source"]) == (
        150,
        "2026-06-10",
        "demo",
    )
    assert props["size"] == "medium"
    assert props["url"] == f"/schools/{school.code}/"
    for private in ("นายผู้อำนวยการ", "นางสาวเจ้าหน้าที่", "081-999-8888", officer_a.username, officer_a.email):
        assert private not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"amphoe": "9011"}, {"hat_yai", "secondary"}),
        ({"amphoe": "9009"}, {"rattaphum"}),
        ({"level": "kinder_lower_secondary"}, {"secondary"}),
        ({"size": "small"}, {"rattaphum"}),
        ({"size": "unknown"}, {"secondary"}),
        ({"amphoe": "9011", "size": "medium"}, {"hat_yai"}),
    ],
)
def test_filters_as_on_the_map(client, placed, params, expected):
    EnrolmentFactory(school=placed["hat_yai"], students=300)
    EnrolmentFactory(school=placed["rattaphum"], students=40)
    assert _codes(_get(client, **params)) == {placed[name].code for name in expected}


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"amphoe": "1234"}, {"level": "university"}, {"size": "huge"}])
def test_unknown_filter_values_are_refused(client, placed, params):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert "detail" in json.loads(response.content)


@pytest.mark.django_db
def test_etag_answers_304_until_the_registry_changes(client, placed, district_staff):
    first = _get(client)
    etag = first["ETag"]
    assert etag.startswith('W/"')
    again = client.get(URL, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag

    school_services.school_update(placed["rattaphum"], actor=district_staff, latitude=Decimal("7.140000"))
    changed = client.get(URL, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    [feature] = [f for f in _collection(changed)["features"] if f["id"] == placed["rattaphum"].code]
    assert feature["geometry"]["coordinates"] == [100.281, 7.14]


@pytest.mark.django_db
def test_a_published_photo_changes_the_file(client, placed, district_staff):
    school = placed["hat_yai"]

    def photos():
        return next(f for f in _collection(_get(client))["features"] if f["id"] == school.code)["properties"][
            "photos"
        ]

    assert photos() == 0
    photo = school_services.photo_add(school, actor=district_staff, image=jpeg(), is_public=False)
    assert photos() == 0
    school_services.photo_update(photo, actor=district_staff, is_public=True)
    assert photos() == 1


@pytest.mark.django_db
def test_gzip_when_the_client_accepts_it(client, placed):
    plain = client.get(URL)
    assert "Content-Encoding" not in plain
    zipped = client.get(URL, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert int(zipped["Content-Length"]) == len(zipped.content)
    assert gzip.decompress(zipped.content) == plain.content
    assert zipped["ETag"] == plain["ETag"]
    refused = client.get(URL, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused


@pytest.mark.django_db
def test_served_from_the_cache_without_rebuilding(client, placed, monkeypatch):
    _get(client)  # builds and caches
    calls = []
    monkeypatch.setattr(geojson_views, "build_geojson", lambda *a: calls.append(a) or (b"", 0))
    with CaptureQueriesContext(connection) as queries:
        _get(client)
    assert calls == []
    assert len(queries) <= 8  # the registry version and the filter choices, never a query per school


@pytest.mark.django_db
def test_building_does_not_query_per_school(client, placed):
    with CaptureQueriesContext(connection) as few:
        _get(client)
    for _ in range(20):
        EnrolmentFactory(school=SchoolFactory(latitude=Decimal("7.1"), longitude=Decimal("100.4")))
    with CaptureQueriesContext(connection) as many:
        _get(client)
    assert len(many) == len(few)


def test_accepts_gzip_reads_quality_values():
    assert geojson_views.accepts_gzip("gzip")
    assert geojson_views.accepts_gzip("br;q=1.0, gzip;q=0.8")
    assert geojson_views.accepts_gzip("*")
    assert not geojson_views.accepts_gzip("gzip;q=0")
    assert not geojson_views.accepts_gzip("identity")
    assert not geojson_views.accepts_gzip("")
