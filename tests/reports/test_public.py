"""The public statistics pages, the downloads catalogue and the open API, as an anonymous visitor."""

import json
import re

import pytest
from django.urls import reverse

from reports.models import Publication

PAGES = [
    ("reports:statistics", ""),
    ("reports:statistics-schools", ""),
    ("reports:statistics-students", ""),
    ("reports:statistics-students", "?by=school"),
    ("reports:statistics-students", "?by=district"),
    ("reports:statistics-trend", ""),
    ("reports:statistics-special", ""),
    ("reports:statistics-special", "?by=school"),
    ("reports:downloads", ""),
]
API = [
    "/api/v1/publications/",
    "/api/v1/datasets/",
    "/api/v1/statistics/schools/",
    "/api/v1/statistics/small-school-bands/",
    "/api/v1/statistics/students/",
    "/api/v1/statistics/students/?by=amphoe",
    "/api/v1/statistics/disadvantaged/?by=school",
    "/api/v1/statistics/disabled/?by=school",
    "/api/v1/statistics/trend/",
]


@pytest.mark.parametrize(("name", "query"), PAGES)
def test_public_pages_show_the_published_figures_with_their_date(client, publication, name, query):
    response = client.get(reverse(name) + query)
    assert response.status_code == 200
    body = response.content.decode()
    if name != "reports:downloads":
        assert "ข้อมูล ณ วันที่ 10 มิถุนายน 2569" in body or "10 มิ.ย. 2569" in body


def test_pages_say_so_when_nothing_is_published(client, db):
    body = client.get(reverse("reports:statistics")).content.decode()
    assert "ยังไม่มีข้อมูลสถิติที่เผยแพร่" in body


def test_unknown_publication_or_school_is_404(client, publication):
    assert client.get(reverse("reports:statistics") + "?pub=999999").status_code == 404
    assert client.get(reverse("reports:statistics") + "?round=dmc-2500-1").status_code == 404
    assert client.get(reverse("reports:statistics-special") + "?school=1090999999").status_code == 404
    assert client.get("/api/v1/statistics/schools/?publication=999999").status_code == 404
    assert client.get("/api/v1/statistics/students/?by=everything").status_code == 400


def test_public_pages_are_served_from_the_cache(client, publication, django_assert_num_queries):
    url = reverse("reports:statistics-schools")
    client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_statistics_page_query_count_does_not_grow_with_schools(
    client, publication, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        client.get(reverse("reports:statistics-students") + "?by=school")


def test_school_profile_shows_its_published_figures(client, publication, district):
    body = client.get(reverse("schools:profile", args=[district["A"].code])).content.decode()
    assert "นักเรียนตามชั้นและเพศ (ข้อมูลที่เผยแพร่)" in body
    assert re.search(r"<th scope=\"row\">ป.2</th><td class=\"text-end\">1</td>", body)
    assert "ข้อมูล ณ วันที่ 10 มิถุนายน 2569" in body


def test_api_tables_carry_their_source_and_paginate(client, publication):
    data = client.get("/api/v1/statistics/students/?by=school&page_size=2").json()
    assert data["source"]["round_slug"] == "dmc-2569-1" and data["source"]["as_of"] == "2026-06-10"
    assert data["count"] == 5  # four schools and the total row
    assert {c["key"] for c in data["columns"]} >= {"code", "name", "p1_male", "p1_female", "total"}
    rows = {row["code"]: row for row in data["results"]}
    assert all(isinstance(row["total"], int) for row in rows.values())


def test_api_filters_by_amphoe_and_school(client, publication, district):
    data = client.get("/api/v1/statistics/students/?by=school&amphoe=9013").json()
    assert [row["code"] for row in data["results"] if row["code"]] == [district["D"].code]
    one = client.get(f"/api/v1/statistics/disabled/?school={district['A'].code}").json()
    assert one["results"][0]["visual"] == "< 5"


def test_api_tables_as_csv(client, publication):
    response = client.get("/api/v1/statistics/students/?by=amphoe&format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].endswith("รอบ,ข้อมูล ณ วันที่")
    assert lines[1].startswith("9011,หาดใหญ่,") and lines[1].endswith(",dmc-2569-1,2026-06-10")
    assert "attachment" in response["Content-Disposition"]


def test_publications_and_datasets_are_listed(client, publication):
    publications = client.get("/api/v1/publications/").json()["results"]
    assert [p["round"] for p in publications] == ["dmc-2569-1"]
    assert "published_by" not in publications[0]
    datasets = client.get("/api/v1/datasets/").json()["results"]
    slugs = {d["slug"] for d in datasets}
    assert {"students-by-grade-sex", "schools-by-amphoe-level-size", "disabled-students"} <= slugs
    version = datasets[0]["versions"][0]
    assert re.search(r"/downloads/[-\w]+/v1/[-\w.]+$", version["url"])


def test_no_public_page_file_or_endpoint_carries_personal_data(client, publication, district_staff):
    """The students' national IDs and names, and the publisher's name, appear nowhere public."""
    from datacollection.models import StudentRecord
    from reports.models import DatasetVersion

    secrets = set(StudentRecord.objects.values_list("national_id", flat=True))
    secrets |= {"นามสกุล1", "เด็กทดสอบ", district_staff.last_name}
    bodies = [client.get(reverse(name) + query).content.decode() for name, query in PAGES]
    bodies += [json.dumps(client.get(url).json(), ensure_ascii=False) for url in API]
    bodies += [
        client.get(url + ("&" if "?" in url else "?") + "format=csv").content.decode("utf-8-sig")
        for url in API[2:]
    ]
    for version in DatasetVersion.objects.filter(file_format="csv"):
        bodies.append(b"".join(client.get(version.get_absolute_url()).streaming_content).decode("utf-8-sig"))
    for body in bodies:
        assert not any(secret in body for secret in secrets)
    assert Publication.objects.count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "/statistics/students/?amphoe=%00",
        "/statistics/students/?by=school&school=%00",
        "/statistics/special/?school=%00",
        "/statistics/students/?amphoe=90111",
    ],
)
def test_a_malformed_amphoe_or_school_code_on_a_statistics_page_is_not_found(client, publication, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/statistics/students/?amphoe=%00",
        "/api/v1/statistics/students/?amphoe=abcd",
        "/api/v1/statistics/students/?school=%00",
        "/api/v1/statistics/disabled/?school=%00",
    ],
)
def test_the_api_answers_a_malformed_amphoe_or_school_code_in_thai(client, publication, url):
    response = client.get(url)
    assert response.status_code == 400
    body = response.json()
    assert "amphoe" in body or "school" in body
    assert "หลัก" in json.dumps(body, ensure_ascii=False)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/statistics/students/?publication=%C2%B2", "publication"),  # "²" is a digit to str.isdigit
        ("/api/v1/publications/?year=%C2%B2", "year"),
        ("/api/v1/publications/?kind=%00", "kind"),
        ("/api/v1/publications/?kind=census", "kind"),
        ("/api/v1/datasets/?category=%00", "category"),
        ("/api/v1/rounds/?year=%C2%B2", "year"),
        ("/api/v1/rounds/?kind=%00", "kind"),
    ],
)
def test_the_api_answers_a_malformed_filter_with_a_thai_400(client, publication, url, field):
    response = client.get(url)
    assert response.status_code == 400
    assert field in response.json()
    assert re.search(r"[\u0e00-\u0e7f]", json.dumps(response.json(), ensure_ascii=False))
