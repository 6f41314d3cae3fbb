import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import DataOfficerFactory, EnrolmentFactory, SchoolFactory


def _queries(client, url) -> int:
    cache.clear()  # the rendering is measured, not the copy of the page kept for anonymous visitors
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _schools(n):
    for _ in range(n):
        EnrolmentFactory(school=SchoolFactory(), students=50)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "schools:directory"])
def test_public_pages_do_not_query_per_school(client, name):
    _schools(3)
    few = _queries(client, reverse(name))
    _schools(30)
    assert _queries(client, reverse(name)) == few


@pytest.mark.django_db
def test_registry_list_does_not_query_per_school(client_for, district_staff):
    client = client_for(district_staff)
    _schools(3)
    few = _queries(client, reverse("schools:registry-list"))
    _schools(30)
    assert _queries(client, reverse("schools:registry-list")) == few


@pytest.mark.django_db
def test_registry_detail_query_count_is_pinned(client_for, district_staff, django_assert_max_num_queries):
    school = SchoolFactory()
    DataOfficerFactory.create_batch(5, school=school)
    client = client_for(district_staff)
    with django_assert_max_num_queries(15):
        client.get(reverse("schools:registry-detail", kwargs={"code": school.code}))


@pytest.mark.django_db
def test_directory_search_by_any_code_and_name(client):
    school = SchoolFactory(code="1090550174", smis_code="90020001", name_th="บ้านเขารักเกียรติ")
    SchoolFactory(name_th="วัดอื่น")
    for q in ("1090550174", "90020001", "550174", "เขารัก", "โรงเรียนบ้านเขารักเกียรติ"):
        response = client.get(reverse("schools:directory"), {"q": q})
        assert [s.pk for s in response.context["page"].object_list] == [school.pk], q


@pytest.mark.django_db
def test_directory_answers_htmx_with_the_results_fragment_only(client):
    SchoolFactory(name_th="บ้านเขารักเกียรติ")
    response = client.get(reverse("schools:directory"), {"q": "เขารัก"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "บ้านเขารักเกียรติ" in content
    assert "<html" not in content


@pytest.mark.django_db
def test_profile_marks_generated_values(client):
    school = SchoolFactory(phone="074-555-123", generated_fields=["phone"])
    content = client.get(reverse("schools:profile", kwargs={"code": school.code})).content.decode()
    assert "074-555-123" in content
    assert "ข้อมูลตัวอย่าง" in content


@pytest.mark.django_db
def test_unknown_school_is_a_404(client):
    assert client.get(reverse("schools:profile", kwargs={"code": "1090999999"})).status_code == 404


@pytest.mark.django_db
def test_staff_edit_form_saves_through_the_service(client_for, district_staff):
    school = SchoolFactory()
    url = reverse("schools:school-edit", kwargs={"code": school.code})
    response = client_for(district_staff).get(url)
    data = {k: v for k, v in response.context["form"].initial.items() if v is not None}
    data.update(phone="074-999-888", amphoe=school.amphoe_id)
    response = client_for(district_staff).post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else None
    school.refresh_from_db()
    assert school.phone == "074-999-888"


@pytest.mark.django_db
def test_staff_edit_form_shows_identifier_errors_in_thai(client_for, district_staff):
    school = SchoolFactory()
    url = reverse("schools:school-edit", kwargs={"code": school.code})
    response = client_for(district_staff).get(url)
    data = {k: v for k, v in response.context["form"].initial.items() if v is not None}
    data.update(smis_code="90015999", amphoe=school.amphoe_id)
    response = client_for(district_staff).post(url, data)
    assert response.status_code == 200
    assert "ต้องขึ้นต้นด้วยรหัสเขตพื้นที่" in response.content.decode()
