"""Every URL, every role: who gets the page, who is sent to log in, who is refused (403) and who is
told the school does not exist for them (404)."""

import pytest
from django.urls import reverse

from tests.factories import DataOfficerFactory, dmc_round

ROLES = ("anonymous", "admin", "district_staff", "ict_staff", "director", "officer_a", "officer_b")
LOGIN = "login"

# url name, kwargs builder, expected outcome per role (status code, or LOGIN for a redirect to log in).
PUBLIC = dict.fromkeys(ROLES, 200)
ANY_STAFF = {"anonymous": LOGIN} | dict.fromkeys(ROLES[1:], 200)
REGISTRY_MANAGERS = {
    "anonymous": LOGIN, "admin": 200, "district_staff": 200, "ict_staff": 403, "director": 403,
    "officer_a": 403, "officer_b": 403,
}  # fmt: skip
# A page about school A: district roles read it; officer A is in scope; officer B is not (404).
SCHOOL_A_READ = {"anonymous": LOGIN} | dict.fromkeys(ROLES[1:], 200) | {"officer_b": 404}
SCHOOL_A_EDIT = REGISTRY_MANAGERS | {"officer_b": 404}
SCHOOL_A_OFFICERS = SCHOOL_A_EDIT | {"officer_a": 200}
# The survey's answers: district staff, administrators and the director.
FEEDBACK_READERS = REGISTRY_MANAGERS | {"director": 200}

CASES = [
    ("home", {}, PUBLIC),
    ("schools:directory", {}, PUBLIC),
    ("schools:profile", {"code": "A"}, PUBLIC),
    ("staff-home", {}, ANY_STAFF),
    ("schools:registry-list", {}, ANY_STAFF),
    ("schools:registry-export", {}, ANY_STAFF),
    ("schools:registry-import", {}, REGISTRY_MANAGERS),
    ("audit-list", {}, REGISTRY_MANAGERS),
    ("schools:registry-detail", {"code": "A"}, SCHOOL_A_READ),
    ("schools:school-edit", {"code": "A"}, SCHOOL_A_EDIT),
    ("schools:officer-add", {"code": "A"}, SCHOOL_A_OFFICERS),
    ("schools:officer-edit", {"code": "A", "pk": "OFFICER"}, SCHOOL_A_OFFICERS),
    ("schools:photo-add", {"code": "A"}, SCHOOL_A_EDIT),
    ("password_change", {}, ANY_STAFF),
    ("notice-list", {}, ANY_STAFF),
    ("datacollection:round-calendar", {}, PUBLIC),
    ("news-list", {}, PUBLIC),
    ("feedback", {}, PUBLIC),
    ("healthz", {}, PUBLIC),
    ("staff-news-list", {}, REGISTRY_MANAGERS),
    ("staff-news-create", {}, REGISTRY_MANAGERS),
    ("feedback-results", {}, FEEDBACK_READERS),
    ("feedback-export", {}, FEEDBACK_READERS),
    ("datacollection:round-create", {}, REGISTRY_MANAGERS),
    ("datacollection:round-detail", {"slug": "ROUND"}, ANY_STAFF),
    ("datacollection:round-export", {"slug": "ROUND"}, ANY_STAFF),
    ("datacollection:submission-detail", {"slug": "ROUND", "code": "A"}, SCHOOL_A_READ),
    # Student records: the school's own officers and district staff; not the director or ICT staff.
    ("datacollection:submission-records", {"slug": "ROUND", "code": "A"}, SCHOOL_A_OFFICERS),
]


@pytest.fixture
def world(personas, school_a):
    return {
        "personas": personas,
        "school_a": school_a,
        "officer_entry": DataOfficerFactory(school=school_a),
        "round": dmc_round(actor=personas["district_staff"], schools=[school_a]),
    }


def _url(world, name, kwargs):
    resolved = {}
    for key, value in kwargs.items():
        if value == "A":
            value = world["school_a"].code
        elif value == "OFFICER":
            value = world["officer_entry"].pk
        elif value == "ROUND":
            value = world["round"].slug
        resolved[key] = value
    return reverse(name, kwargs=resolved)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs", "expected"), CASES, ids=[case[0] for case in CASES])
def test_url_answers_each_role_as_expected(client_for, world, name, kwargs, expected):
    url = _url(world, name, kwargs)
    for role in ROLES:
        user = None if role == "anonymous" else world["personas"][role]
        response = client_for(user).get(url)
        want = expected[role]
        if want == LOGIN:
            assert response.status_code == 302, (role, url)
            assert response["Location"].startswith(reverse("login")), (role, url)
        else:
            assert response.status_code == want, (role, url, response.status_code)


@pytest.mark.django_db
def test_admin_site_is_for_administrators_only(client_for, personas):
    assert client_for(personas["admin"]).get(reverse("admin:index")).status_code == 200
    for role in ("district_staff", "director", "officer_a"):
        response = client_for(personas[role]).get(reverse("admin:index"))
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["schools:officer-delete", "schools:photo-delete"])
def test_state_changes_refuse_get(client_for, district_staff, world, name):
    url = reverse(name, kwargs={"code": world["school_a"].code, "pk": world["officer_entry"].pk})
    assert client_for(district_staff).get(url).status_code == 405


@pytest.mark.django_db
def test_school_officer_registry_lists_only_their_school(client_for, officer_a, school_a, school_b):
    response = client_for(officer_a).get(reverse("schools:registry-list"))
    codes = [school.code for school in response.context["page"].object_list]
    assert codes == [school_a.code]


@pytest.mark.django_db
def test_school_officer_export_holds_only_their_school(client_for, officer_a, school_a, school_b):
    response = client_for(officer_a).get(reverse("schools:registry-export") + "?format=csv")
    body = response.content.decode("utf-8-sig")
    assert school_a.code in body
    assert school_b.code not in body


@pytest.mark.django_db
def test_public_profile_hides_registry_link_and_officers(client_for, school_a):
    DataOfficerFactory(school=school_a, full_name="นางสาวลับเฉพาะ ข้อมูลส่วนตัว", phone="089-999-9999")
    response = client_for(None).get(reverse("schools:profile", kwargs={"code": school_a.code}))
    content = response.content.decode()
    assert school_a.name_th in content
    assert "ลับเฉพาะ" not in content
    assert "089-999-9999" not in content
    assert response.context["can_see_registry"] is False
