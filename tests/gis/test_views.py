"""The map pages and the review of map updates, for every role: the public map and popup, the staff
chase board, proposing (scope: 404 for another school, 403 for read-only roles) and deciding
(403/404/405, status, history, audit)."""

import datetime
import json

import pytest
from django.urls import reverse

from aoc.models import AuditLog
from datacollection.models import Submission
from gis import services
from gis.models import Proposal
from schools import services as school_services
from tests.factories import EnrolmentFactory, dmc_round
from tests.gis.conftest import HAT_YAI, jpeg

P = Proposal.Status
ROLES = ("admin", "district_staff", "ict_staff", "director", "officer_a", "officer_b")


@pytest.fixture
def location(school_a, officer_a, district_staff):
    return services.location_propose(school_a, actor=officer_a, latitude=HAT_YAI[0], longitude=HAT_YAI[1])


def _config(response, node="map-config") -> dict:
    html = response.content.decode()
    start = html.index(f'id="{node}" type="application/json">') + len(f'id="{node}" type="application/json">')
    return json.loads(html[start : html.index("</script>", start)])


# --- The public map ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_public_map_page_loads_leaflet_locally_and_names_the_tile_server(client, placed, settings):
    settings.LEAFLET_CONFIG = {
        **settings.LEAFLET_CONFIG,
        "TILES": "https://tiles.example.org/{z}/{x}/{y}.png",
    }
    response = client.get(reverse("gis:map"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    assert "unpkg" not in html and "cdn" not in html.lower()
    config = _config(response)
    assert config["tiles"]["url"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert config["dataUrl"] == "/api/v1/schools.geojson"
    assert config["bounds"] == [list(settings.PROVINCE_BOUNDS[:2]), list(settings.PROVINCE_BOUNDS[2:])]
    assert {mode["key"] for mode in config["colourModes"]} == {"level", "size"}


@pytest.mark.django_db
def test_public_map_keeps_filters_from_the_address(client, placed):
    config = _config(client.get(reverse("gis:map"), {"amphoe": "9009", "level": "primary", "colour": "size"}))
    assert {f["name"]: f["value"] for f in config["filters"]} == {
        "amphoe": "9009",
        "level": "primary",
        "size": "",
    }
    assert config["colourBy"] == "size"


@pytest.mark.django_db
def test_popup_shows_public_facts_and_only_public_photos(client, placed, district_staff):
    school = placed["hat_yai"]
    school.website = "https://school.example.org"
    school.save()
    EnrolmentFactory(school=school, students=321)
    school_services.photo_add(school, actor=district_staff, image=jpeg("a.jpg"), caption="อาคารเรียน")
    school_services.photo_add(school, actor=district_staff, image=jpeg("b.jpg"), caption="สนามกีฬา")
    school_services.photo_add(
        school, actor=district_staff, image=jpeg("c.jpg"), caption="ยังไม่เผยแพร่", is_public=False
    )
    response = client.get(reverse("gis:popup", kwargs={"code": school.code}))
    assert response.status_code == 200
    html = response.content.decode()
    expected = (
        school.code,
        school.smis_code,
        school.obec_code,
        "321",
        "10 มิ.ย. 2569",
        "อาคารเรียน",
        "สนามกีฬา",
        "https://school.example.org",
        f"/schools/{school.code}/",
        "data-slideshow",
    )
    for text in expected:
        assert text in html, text
    assert "ยังไม่เผยแพร่" not in html
    assert html.count('<figure class="slide') == 2


@pytest.mark.django_db
def test_popup_of_a_closed_or_unknown_school_is_404(client, placed):
    assert client.get(reverse("gis:popup", kwargs={"code": placed["closed"].code})).status_code == 404
    assert client.get(reverse("gis:popup", kwargs={"code": "0000000000"})).status_code == 404


# --- The chase board --------------------------------------------------------------------------------


@pytest.fixture
def open_round(district_staff, school_a, school_b):
    for school in (school_a, school_b):
        school.latitude, school.longitude = HAT_YAI
        school.save()
    return dmc_round(actor=district_staff, schools=[school_a, school_b])


@pytest.mark.django_db
def test_staff_map_needs_a_login(client, open_round):
    response = client.get(reverse("gis:staff-map"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    data = client.get(reverse("gis:staff-map-data", kwargs={"slug": open_round.slug}))
    assert data.status_code == 302


@pytest.mark.django_db
def test_staff_map_colours_by_submission_status(client_for, district_staff, open_round, school_a):
    client = client_for(district_staff)
    page = client.get(reverse("gis:staff-map"))
    assert page.status_code == 200
    config = _config(page)
    assert [c["value"] for c in config["colourModes"][0]["categories"]] == list(Submission.Status.values)
    data = client.get(config["dataUrl"])
    assert data["Content-Type"] == "application/geo+json"
    assert "private" in data["Cache-Control"]
    features = {f["id"]: f for f in json.loads(data.content)["features"]}
    assert len(features) == 2
    props = features[school_a.code]["properties"]
    assert (props["status"], props["overdue"], props["expected"]) == ("not_started", False, True)
    assert features[school_a.code]["geometry"]["coordinates"] == [float(HAT_YAI[1]), float(HAT_YAI[0])]


@pytest.mark.django_db
def test_late_schools_are_marked_on_the_staff_map(client_for, district_staff, school_a, school_b):
    round_ = dmc_round(
        actor=district_staff,
        schools=[school_a, school_b],
        opens_on=datetime.date(2026, 1, 1),
        deadline=datetime.date(2026, 1, 31),
        closes_on=datetime.date(2099, 12, 31),
    )
    client = client_for(district_staff)
    data = json.loads(client.get(reverse("gis:staff-map-data", kwargs={"slug": round_.slug})).content)
    assert all(f["properties"]["overdue"] for f in data["features"])


@pytest.mark.django_db
def test_school_officer_sees_only_their_school_on_the_staff_map(client_for, officer_a, open_round, school_a):
    data = client_for(officer_a).get(reverse("gis:staff-map-data", kwargs={"slug": open_round.slug}))
    assert [f["id"] for f in json.loads(data.content)["features"]] == [school_a.code]


@pytest.mark.django_db
def test_staff_map_chooses_among_open_rounds(client_for, district_staff, open_round):
    client = client_for(district_staff)
    assert client.get(reverse("gis:staff-map"), {"round": "dmc-2500-9"}).status_code == 404
    assert client.get(reverse("gis:staff-map-data", kwargs={"slug": "dmc-2500-9"})).status_code == 404
    assert client.get(reverse("gis:staff-map"), {"round": open_round.slug}).context["round"] == open_round


@pytest.mark.django_db
def test_staff_map_without_an_open_round_says_so(client_for, district_staff):
    response = client_for(district_staff).get(reverse("gis:staff-map"))
    assert response.status_code == 200
    assert "ไม่มีรอบที่เปิดรับข้อมูล" in response.content.decode()


# --- Proposing ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [("officer_a", 200), ("district_staff", 200), ("admin", 200), ("director", 200), ("ict_staff", 200),
     ("officer_b", 404)],
)  # fmt: skip
def test_school_updates_page_scope(client_for, personas, school_a, role, status):
    response = client_for(personas[role]).get(reverse("gis:school-updates", kwargs={"code": school_a.code}))
    assert response.status_code == status
    if status == 200:
        can_propose = role in ("officer_a", "district_staff", "admin")
        assert response.context["can_propose"] is can_propose
        assert (
            reverse("gis:location-propose", kwargs={"code": school_a.code}) in response.content.decode()
        ) is (can_propose)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [("officer_a", 302), ("district_staff", 302), ("director", 403), ("ict_staff", 403), ("officer_b", 404),
     (None, 302)],
)  # fmt: skip
def test_proposing_a_location_per_role(client_for, personas, school_a, role, status):
    client = client_for(personas[role] if role else None)
    url = reverse("gis:location-propose", kwargs={"code": school_a.code})
    response = client.post(url, {"latitude": "7.006543", "longitude": "100.474321", "note": "ประตูหน้า"})
    assert response.status_code == status
    created = Proposal.objects.filter(school=school_a).first()
    if role in ("officer_a", "district_staff"):
        assert response["Location"] == reverse("gis:proposal-detail", kwargs={"pk": created.pk})
        assert created.status == P.PENDING and created.note == "ประตูหน้า"
    else:
        assert created is None
        if role is None:
            assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_location_page_has_the_picker_and_the_bounds(client_for, officer_a, school_a, settings):
    response = client_for(officer_a).get(reverse("gis:location-propose", kwargs={"code": school_a.code}))
    assert response.status_code == 200
    assert "/static/js/location-picker.js" in response.content.decode()
    assert _config(response, "picker-config")["bounds"] == [
        list(settings.PROVINCE_BOUNDS[:2]),
        list(settings.PROVINCE_BOUNDS[2:]),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"latitude": "100.474321", "longitude": "7.006543"}, "สลับกัน"),
        ({"latitude": "13.7563", "longitude": "100.5018"}, "นอกเขตจังหวัดสงขลา"),
        ({"latitude": "เจ็ด", "longitude": "100.47"}, "ตัวเลขทศนิยม"),
        ({"latitude": "7.0065", "longitude": ""}, "กรุณาใส่ลองจิจูด"),
    ],
)
def test_boundary_and_shape_errors_are_shown_in_thai(client_for, officer_a, school_a, data, message):
    url = reverse("gis:location-propose", kwargs={"code": school_a.code})
    response = client_for(officer_a).post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Proposal.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("pasted", ["7.006543, 100.474321", "๗.๐๐๖๕๔๓,๑๐๐.๔๗๔๓๒๑", "7.006543 100.474321"])
def test_a_pair_pasted_into_the_first_field_is_split(client_for, officer_a, school_a, pasted):
    url = reverse("gis:location-propose", kwargs={"code": school_a.code})
    assert client_for(officer_a).post(url, {"latitude": pasted}).status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.latitude, proposal.longitude) == HAT_YAI


@pytest.mark.django_db
def test_a_second_location_while_one_is_pending_is_refused_with_a_message(client_for, officer_a, location):
    url = reverse("gis:location-propose", kwargs={"code": location.school.code})
    response = client_for(officer_a).post(url, {"latitude": "7.01", "longitude": "100.47"})
    assert response.status_code == 200
    assert "รอเขตพื้นที่ตรวจอยู่แล้ว" in response.content.decode()
    assert Proposal.objects.count() == 1


@pytest.mark.django_db
def test_district_staff_propose_a_photo_through_the_page(client_for, district_staff, school_a):
    url = reverse("gis:photo-propose", kwargs={"code": school_a.code})
    response = client_for(district_staff).post(url, {"image": jpeg(), "caption": "อาคารเรียน"})
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.kind, proposal.status, proposal.photo.is_public) == ("photo", P.PENDING, False)


@pytest.mark.django_db
def test_a_file_that_is_not_a_photo_is_refused_on_the_page(client_for, district_staff, school_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("gis:photo-propose", kwargs={"code": school_a.code})
    bad = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = client_for(district_staff).post(url, {"image": bad, "caption": "x"})
    assert response.status_code == 200
    assert "ไม่ใช่รูปภาพ" in response.content.decode()
    assert not Proposal.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [("officer_a", 302), ("officer_b", 404), ("director", 403)])
def test_proposing_a_photo_per_role(client_for, personas, school_a, role, status):
    url = reverse("gis:photo-propose", kwargs={"code": school_a.code})
    response = client_for(personas[role]).post(url, {"image": jpeg(), "caption": "สนามกีฬา"})
    assert response.status_code == status
    assert Proposal.objects.filter(kind="photo").exists() is (status == 302)


# --- Deciding -----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 302), ("district_staff", 302), ("ict_staff", 403), ("director", 403), ("officer_a", 403),
     ("officer_b", 404)],
)  # fmt: skip
def test_approve_per_role(client_for, personas, location, role, status):
    url = reverse("gis:proposal-approve", kwargs={"pk": location.pk})
    response = client_for(personas[role]).post(url, {"comment": "ถูกต้อง"})
    assert response.status_code == status
    location.refresh_from_db()
    if status == 302:
        assert location.status == P.APPROVED
        assert location.events.last().actor == personas[role]
        assert AuditLog.objects.filter(action="gis.proposal.approved", actor=personas[role]).exists()
        location.school.refresh_from_db()
        assert (location.school.latitude, location.school.longitude) == HAT_YAI
    else:
        assert location.status == P.PENDING
        assert not AuditLog.objects.filter(action="gis.proposal.approved").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [("district_staff", 302), ("director", 403), ("officer_a", 403), ("officer_b", 404)],
)
def test_reject_per_role(client_for, personas, location, role, status):
    url = reverse("gis:proposal-reject", kwargs={"pk": location.pk})
    response = client_for(personas[role]).post(url, {"comment": "ไม่ตรงกับที่ตั้งจริง"})
    assert response.status_code == status
    location.refresh_from_db()
    assert location.status == (P.REJECTED if status == 302 else P.PENDING)
    if status == 302:
        assert list(location.events.values_list("to_status", flat=True)) == [P.PENDING, P.REJECTED]
        assert AuditLog.objects.filter(action="gis.proposal.rejected").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("verb", ["proposal-approve", "proposal-reject"])
def test_decisions_are_post_only(client_for, district_staff, location, verb):
    response = client_for(district_staff).get(reverse(f"gis:{verb}", kwargs={"pk": location.pk}))
    assert response.status_code == 405
    location.refresh_from_db()
    assert location.status == P.PENDING


@pytest.mark.django_db
def test_reject_without_a_reason_is_a_400_with_a_message(client_for, district_staff, location):
    url = reverse("gis:proposal-reject", kwargs={"pk": location.pk})
    response = client_for(district_staff).post(url, {"comment": ""})
    assert response.status_code == 400
    assert "กรุณาระบุเหตุผล" in response.content.decode()
    location.refresh_from_db()
    assert location.status == P.PENDING


@pytest.mark.django_db
def test_deciding_twice_is_a_400(client_for, district_staff, location):
    client = client_for(district_staff)
    assert client.post(reverse("gis:proposal-approve", kwargs={"pk": location.pk})).status_code == 302
    response = client.post(reverse("gis:proposal-reject", kwargs={"pk": location.pk}), {"comment": "ไม่"})
    assert response.status_code == 400
    location.refresh_from_db()
    assert location.status == P.APPROVED


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [(r, 404 if r == "officer_b" else 200) for r in ROLES])
def test_proposal_detail_scope(client_for, personas, location, role, status):
    response = client_for(personas[role]).get(reverse("gis:proposal-detail", kwargs={"pk": location.pk}))
    assert response.status_code == status
    if status == 200:
        can_review = role in ("admin", "district_staff")
        assert response.context["can_review"] is can_review
        assert (reverse("gis:proposal-approve", kwargs={"pk": location.pk}) in response.content.decode()) is (
            can_review
        )


@pytest.mark.django_db
def test_review_queue_shows_pending_first_and_only_the_scope(client_for, district_staff, officer_b, location):
    staff_page = client_for(district_staff).get(reverse("gis:proposal-list"))
    assert [p.pk for p in staff_page.context["page"].object_list] == [location.pk]
    services.proposal_approve(location, actor=district_staff)
    assert (
        list(client_for(district_staff).get(reverse("gis:proposal-list")).context["page"].object_list) == []
    )
    everything = client_for(district_staff).get(reverse("gis:proposal-list"), {"status": ""})
    assert [p.pk for p in everything.context["page"].object_list] == [location.pk]
    assert list(client_for(officer_b).get(reverse("gis:proposal-list")).context["page"].object_list) == []


@pytest.mark.django_db
def test_profile_and_registry_link_to_the_updates(client_for, officer_a, school_a, client):
    url = reverse("gis:school-updates", kwargs={"code": school_a.code})
    assert url not in client.get(reverse("schools:profile", kwargs={"code": school_a.code})).content.decode()
    officer = client_for(officer_a)
    assert url in officer.get(reverse("schools:profile", kwargs={"code": school_a.code})).content.decode()
    assert (
        url
        in officer.get(reverse("schools:registry-detail", kwargs={"code": school_a.code})).content.decode()
    )


@pytest.mark.django_db
def test_admin_shows_proposals_read_only(client_for, admin_user, location):
    client = client_for(admin_user)
    assert client.get("/admin/gis/proposal/").status_code == 200
    assert client.get(f"/admin/gis/proposal/{location.pk}/change/").status_code == 200
    assert client.get("/admin/gis/proposal/add/").status_code == 403
