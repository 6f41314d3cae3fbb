"""EMIS and B-OBEC publications: ratios, staff by position and buildings by type × condition against
hand-computed figures; only accepted, published data is ever public.

The district (EMIS round emis-2569-1 and B-OBEC round bobec-2569-1, both closed):

- A (หาดใหญ่ 9011, accepted): ป.1 10 boys 8 girls in 1 room, ป.2 7 boys 5 girls in 1 room (30 students, 2
  rooms); ผู้อำนวยการ 1 man (no rank), ครู 2 women คศ.1 and 1 man คศ.2, ครูผู้ช่วย 1 woman, ลูกจ้างชั่วคราว
  1 woman: 4 teachers. Buildings: อาคารเรียน good and poor, ส้วม poor, one อาคารเรียน demolished.
- B (หาดใหญ่, accepted): ป.1 20 boys 22 girls in 2 rooms; ผู้อำนวยการ 1 woman คศ.3, ครู 1 man 2 women
  คศ.1: 3 teachers. Buildings: อาคารเรียน fair.
- C (ควนเนียง 9013, accepted): ป.1 4 boys 4 girls, no room recorded, no teacher (one ลูกจ้างชั่วคราว man);
  no building.
- D (หาดใหญ่, submitted, NOT accepted): 100 students in 4 rooms, 10 teachers, 5 good อาคารเรียน.
"""

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from aoc.models import AuditLog
from datacollection.models import Building, EmisStaffCount, Round
from reports import statistics
from reports.models import DatasetVersion, Publication
from reports.services import publication_create
from tests.reports.emis_bobec_support import bobec_with_data, emis_with_data, make_schools


@pytest.fixture
def schools(db):
    return make_schools()


@pytest.fixture
def emis_publication(district_staff, schools):
    return publication_create(emis_with_data(district_staff, schools), actor=district_staff)


@pytest.fixture
def bobec_publication(district_staff, schools):
    return publication_create(bobec_with_data(district_staff, schools), actor=district_staff)


# --- Ratios ---------------------------------------------------------------------------------------


def test_ratios_per_school_amphoe_and_district_count_accepted_schools_only(emis_publication, schools):
    per_school = statistics.ratios(emis_publication, by="school")
    rows = {r.label: r for r in per_school.rows}
    assert set(rows) == {"โรงเรียนก", "โรงเรียนข", "โรงเรียนค"}  # D is not accepted
    a, b = rows["โรงเรียนก"], rows["โรงเรียนข"]
    assert (a.students, a.teachers, a.rooms) == (30, 4, 2)
    assert (a.students_per_teacher, a.students_per_room) == (7.5, 15.0)
    assert (b.students, b.teachers, b.rooms) == (42, 3, 2)
    assert (b.students_per_teacher, b.students_per_room) == (14.0, 21.0)

    per_amphoe = {r.key: r for r in statistics.ratios(emis_publication).rows}
    hat_yai = per_amphoe["9011"]
    assert (hat_yai.schools, hat_yai.students, hat_yai.teachers, hat_yai.rooms) == (2, 72, 7, 4)
    assert hat_yai.students_per_teacher == 10.3  # 72 / 7 = 10.29
    assert (hat_yai.students_per_room, hat_yai.teachers_per_school) == (18.0, 3.5)

    district = per_school.totals
    assert (district.schools, district.students, district.teachers, district.rooms) == (3, 80, 7, 4)
    assert district.students_per_teacher == 11.4  # 80 / 7 = 11.43
    assert district.students_per_room == 20.0
    assert district.teachers_per_school == 2.3  # 7 / 3
    assert per_school.source.round_slug == "emis-2569-1"
    assert per_school.source.as_of == datetime.date(2026, 6, 10)
    assert (per_school.source.schools_included, per_school.source.schools_expected) == (3, 4)


def test_a_school_without_teachers_or_rooms_has_no_ratio_and_shows_a_dash(client, emis_publication):
    table = statistics.ratios(emis_publication, by="school")
    c = next(r for r in table.rows if r.label == "โรงเรียนค")
    assert (c.students, c.teachers, c.rooms) == (8, 0, 0)
    assert c.students_per_teacher is None and c.students_per_room is None
    assert c.students_per_teacher_text == c.students_per_room_text == "–"
    khuan_niang = next(r for r in statistics.ratios(emis_publication).rows if r.key == "9013")
    assert khuan_niang.students_per_teacher_text == "–" and khuan_niang.teachers_per_school == 0.0

    response = client.get(reverse("reports:statistics-staff") + "?by=school")
    assert response.status_code == 200
    page = response.content.decode()
    assert "โรงเรียนค" in page and '<td class="text-end fw-semibold">–</td>' in page
    assert "ง ยังไม่รับรอง" not in page


# --- Staff by position ----------------------------------------------------------------------------


def test_staff_by_position_and_rank(emis_publication):
    table = statistics.staff_by_position(emis_publication)
    assert [c.code for c in table.categories] == [
        "director",
        "teacher",
        "assistant_teacher",
        "temporary_employee",
    ]
    assert [c.label for c in table.categories] == ["ผู้อำนวยการ", "ครู", "ครูผู้ช่วย", "ลูกจ้างชั่วคราว"]
    assert table.totals.male == [1, 2, 0, 1]
    assert table.totals.female == [1, 4, 1, 1]
    assert table.totals.grand_total == 11  # D's 10 teachers are not accepted
    rows = {r.key: r for r in table.rows}
    assert rows["9011"].total == [2, 6, 1, 1] and rows["9013"].total == [0, 0, 0, 1]

    ranks = table.ranks
    assert [c.code for c in ranks.columns] == ["none", "k1", "k2", "k3"]
    by_position = {r.key: r.counts for r in ranks.rows}
    assert by_position["director"] == [1, 0, 0, 1]
    assert by_position["teacher"] == [0, 5, 1, 0]
    assert ranks.total == 11


# --- Buildings ------------------------------------------------------------------------------------


def test_buildings_by_type_and_condition(bobec_publication):
    table = statistics.buildings_by_type_condition(bobec_publication)
    assert [c.code for c in table.columns] == ["good", "fair", "poor"]
    rows = {r.key: (r.label, r.counts) for r in table.rows}
    # A demolished building and D's (not accepted) five buildings do not count.
    assert rows == {"classroom": ("อาคารเรียน", [1, 1, 1]), "toilet": ("ส้วม", [0, 0, 1])}
    assert (table.totals, table.total) == ([1, 1, 2], 4)
    assert table.source.round_slug == "bobec-2569-1"

    per_amphoe = {
        r.key: r.counts for r in statistics.buildings_by_type_condition(bobec_publication, by="amphoe").rows
    }
    assert per_amphoe == {
        "9011": [1, 1, 2],
        "9011:classroom": [1, 1, 1],
        "9011:toilet": [0, 0, 1],
        "9013": [0, 0, 0],
    }


# --- Nothing unaccepted or unpublished is public ---------------------------------------------------


def test_emis_and_bobec_figures_are_not_public_before_publishing(client, district_staff, schools):
    emis_with_data(district_staff, schools)
    bobec_with_data(district_staff, schools)
    assert isinstance(statistics.ratios(None), statistics.NotPublished)
    assert isinstance(statistics.staff_by_position(None), statistics.NotPublished)
    assert isinstance(statistics.buildings_by_type_condition(None), statistics.NotPublished)
    for name in ("reports:statistics-staff", "reports:statistics-buildings"):
        page = client.get(reverse(name)).content.decode()
        assert "โรงเรียนก" not in page
    assert client.get("/api/v1/statistics/ratios/").status_code == 404
    assert client.get("/api/v1/statistics/buildings/").status_code == 404


def test_an_open_emis_round_cannot_be_published(district_staff, schools):
    round_ = emis_with_data(district_staff, schools, close=False)
    with pytest.raises(ValidationError) as error:
        publication_create(round_, actor=district_staff)
    assert "ปิดรอบก่อนจึงจะเผยแพร่ได้" in str(error.value)
    assert not Publication.objects.exists()


def test_changes_after_publishing_stay_private_until_published_again(
    district_staff, schools, emis_publication
):
    EmisStaffCount.objects.filter(submission__school=schools["A"], category="teacher").update(male=40)
    assert statistics.ratios(emis_publication, by="school").totals.teachers == 7


def test_a_dmc_publication_is_no_source_of_emis_figures(emis_publication):
    dmc_like = Publication(round=Round(kind=Round.Kind.DMC))
    assert isinstance(statistics.ratios(dmc_like), statistics.NotPublished)
    assert isinstance(statistics.buildings_by_type_condition(emis_publication), statistics.NotPublished)


# --- Publishing ------------------------------------------------------------------------------------


def test_district_staff_publish_an_emis_round_from_the_page(
    client_for, district_staff, schools, django_capture_on_commit_callbacks
):
    round_ = emis_with_data(district_staff, schools)
    client = client_for(district_staff)
    assert round_.slug in client.get(reverse("reports:publishing")).content.decode()
    preview = client.get(reverse("reports:publishing-preview", args=[round_.slug]))
    assert preview.context["preview"].ratios.totals.students == 80
    assert not Publication.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("reports:publish", args=[round_.slug]))
    assert response.status_code == 302 and callbacks
    publication = Publication.objects.get()
    assert (publication.schools_included, publication.schools_expected) == (3, 4)
    entry = AuditLog.objects.get(action="reports.publication.created")
    assert entry.actor == district_staff and entry.data["round"] == "emis-2569-1"
    files = DatasetVersion.objects.filter(publication=publication)
    assert {(f.dataset.slug, f.file_format) for f in files} == {
        ("teacher-student-ratios", "xlsx"),
        ("teacher-student-ratios", "csv"),
        ("staff-by-position", "xlsx"),
        ("staff-by-position", "csv"),
    }
    csv_file = files.get(dataset__slug="teacher-student-ratios", file_format="csv")
    rows = list(csv.reader(io.StringIO(csv_file.file.read().decode("utf-8-sig"))))
    c_row = next(r for r in rows if r[1] == "โรงเรียนค")
    # No ratio without teachers or rooms (empty cells); 0 teachers for its 1 school.
    assert c_row[-5:] == ["", "", "0.0", "emis-2569-1", "2026-06-10"]


def test_publishing_a_bobec_round_writes_its_dataset(district_staff, schools, bobec_publication):
    slugs = set(
        DatasetVersion.objects.filter(publication=bobec_publication).values_list("dataset__slug", flat=True)
    )
    assert slugs == {"buildings-by-type-condition"}


@pytest.mark.parametrize("persona", ["ict_staff", "director", "officer_a"])
def test_other_roles_cannot_publish_emis_or_bobec(client_for, personas, district_staff, schools, persona):
    for round_ in (emis_with_data(district_staff, schools), bobec_with_data(district_staff, schools)):
        response = client_for(personas[persona]).post(reverse("reports:publish", args=[round_.slug]))
        assert response.status_code == 403
        with pytest.raises(PermissionDenied):
            publication_create(round_, actor=personas[persona])
    assert not Publication.objects.exists()


# --- Public pages and API -------------------------------------------------------------------------


def test_public_pages_say_which_round_each_figure_comes_from(client, emis_publication, bobec_publication):
    staff_page = client.get(reverse("reports:statistics-staff")).content.decode()
    assert "EMIS รอบที่ 1 ปีการศึกษา 2569" in staff_page and "ข้อมูล ณ วันที่" in staff_page
    assert "11.4" in staff_page and "<svg" in staff_page
    buildings_page = client.get(reverse("reports:statistics-buildings") + "?by=amphoe").content.decode()
    assert "B-OBEC ปีการศึกษา 2569 รอบที่ 1" in buildings_page and "ทรุดโทรม" in buildings_page
    home = client.get(reverse("reports:statistics")).content.decode()
    assert client.get(reverse("reports:statistics")).status_code == 200
    assert "ยังไม่มีข้อมูล EMIS ที่เผยแพร่" not in home


def test_api_ratios_json_and_csv(client, emis_publication, schools):
    data = client.get("/api/v1/statistics/ratios/").json()
    assert data["source"]["round_slug"] == "emis-2569-1"
    c = next(r for r in data["results"] if r["code"] == schools["C"].code)
    assert c["students_per_teacher"] is None and c["students"] == 8
    a = next(r for r in data["results"] if r["code"] == schools["A"].code)
    assert a["students_per_teacher"] == 7.5

    response = client.get("/api/v1/statistics/ratios/?format=csv&by=amphoe")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-2:] == ["รอบ", "ข้อมูล ณ วันที่"]
    assert rows[-1][:9] == ["", "รวมทั้งเขตพื้นที่", "3", "80", "7", "4", "11.4", "20.0", "2.3"]


def test_api_staff_and_buildings(client, emis_publication, bobec_publication):
    staff = client.get("/api/v1/statistics/staff/?by=amphoe").json()
    total = staff["results"][-1]
    assert (total["teacher_male"], total["teacher_female"], total["total"]) == (2, 4, 11)
    buildings = client.get("/api/v1/statistics/buildings/?by=district&format=csv")
    rows = list(csv.reader(io.StringIO(buildings.content.decode("utf-8-sig"))))
    assert rows[1][:6] == ["classroom", "อาคารเรียน", "1", "1", "1", "3"]
    # Another kind's publication is not found here.
    assert client.get(f"/api/v1/statistics/ratios/?publication={bobec_publication.pk}").status_code == 404


def test_the_demo_publishes_its_emis_and_bobec_rounds_once(district_staff, schools, client):
    from reports.demo import seed_demo_publications

    emis_with_data(district_staff, schools)
    bobec_with_data(district_staff, schools)
    result = seed_demo_publications(today=datetime.date(2026, 11, 25))
    assert result.created == ["emis-2569-1", "bobec-2569-1"]  # no DMC round in this district
    assert seed_demo_publications(today=datetime.date(2026, 11, 25)).created == []
    emis = statistics.current_publication(Round.Kind.EMIS)
    assert emis.is_generated and emis.published_by is None
    assert statistics.ratios(emis).totals.students_per_teacher == 11.4
    home = client.get(reverse("reports:statistics")).content.decode()
    assert "ยังไม่มีข้อมูลสถิติที่เผยแพร่" in home  # no DMC round: the overview says so
    assert "11.4" in client.get(reverse("reports:statistics-staff")).content.decode()


def test_no_emis_or_bobec_page_file_or_endpoint_carries_personal_data(
    client, district_staff, emis_publication, bobec_publication
):
    """The publisher's name and the school officers' e-mail addresses appear nowhere public; no
    building's free text (its note) is published."""
    Building.objects.update(note="หมายเหตุภายในของโรงเรียน")
    secrets = {district_staff.last_name, district_staff.email, "หมายเหตุภายในของโรงเรียน"}
    pages = [
        reverse("reports:statistics"),
        reverse("reports:statistics-staff"),
        reverse("reports:statistics-staff") + "?by=school",
        reverse("reports:statistics-buildings") + "?by=amphoe",
        reverse("reports:statistics-buildings") + "?by=school&amphoe=9011",
        reverse("reports:downloads"),
    ]
    api = [f"/api/v1/statistics/{name}/" for name in ("ratios", "staff", "buildings")]
    bodies = [client.get(url).content.decode() for url in pages + api]
    bodies += [client.get(url + "?format=csv").content.decode("utf-8-sig") for url in api]
    for version in DatasetVersion.objects.filter(file_format="csv"):
        bodies.append(b"".join(client.get(version.get_absolute_url()).streaming_content).decode("utf-8-sig"))
    assert len(bodies) == len(pages) + 2 * len(api) + 3
    for body in bodies:
        assert not any(secret in body for secret in secrets if secret)


def test_staff_and_buildings_pages_take_a_fixed_number_of_queries(
    client, emis_publication, bobec_publication, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reports:statistics-staff") + "?by=school").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reports:statistics-buildings") + "?by=school").status_code == 200
