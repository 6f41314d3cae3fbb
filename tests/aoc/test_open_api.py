"""The open API: public schools with filters, pagination and CSV; the rounds calendar as CSV; CORS on
/api/ only; rate limits for anonymous clients; the DCAT catalogue; a valid OpenAPI schema."""

import csv
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

from schools.models import School
from tests.factories import SchoolFactory, dmc_round

ORIGIN = "https://opendata.example.org"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def _csv_rows(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


# --- Schools ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_schools_are_listed_with_public_fields_only(client, school_a):
    school_a.principal_name = "นายผู้อำนวยการ ใจดี"
    school_a.save()
    response = client.get(reverse("api:school-list"))
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["code"] == school_a.code
    assert row["url"].endswith(reverse("schools:profile", args=[school_a.code]))
    assert "principal_name" not in row
    assert "นายผู้อำนวยการ" not in response.content.decode()


@pytest.mark.django_db
def test_schools_filter_and_paginate(client):
    hat_yai = [SchoolFactory(level=School.Level.KINDER_PRIMARY) for _ in range(3)]
    SchoolFactory(level=School.Level.PRIMARY)
    response = client.get(reverse("api:school-list") + "?level=kinder_primary&page_size=2")
    data = response.json()
    assert data["count"] == 3
    assert len(data["results"]) == 2
    assert data["next"]
    by_code = client.get(reverse("api:school-list") + f"?q={hat_yai[0].code}").json()
    assert [row["code"] for row in by_code["results"]] == [hat_yai[0].code]
    bad = client.get(reverse("api:school-list") + "?level=university")
    assert bad.status_code == 400
    assert "level" in bad.json()


@pytest.mark.django_db
def test_schools_csv_holds_every_matching_school_in_one_file(client):
    for _ in range(3):
        SchoolFactory()
    response = client.get(reverse("api:school-list") + "?format=csv&page_size=1")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="schools.csv"' in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert len(rows) == 3
    assert {"code", "name_th", "amphoe_code", "students", "size"} <= set(rows[0])


@pytest.mark.django_db
def test_text_a_school_typed_cannot_become_a_formula_in_the_csv(client):
    """An address or phone typed as ``=…``, ``+…``, ``-…`` or ``@…`` is kept as text (a leading
    apostrophe, OWASP): Excel would otherwise run it as a formula on the reader's computer."""
    SchoolFactory(address='=HYPERLINK("http://evil.example","คลิก")', phone="@SUM(1+1)", website="-2+3")
    [row] = _csv_rows(client.get(reverse("api:school-list") + "?format=csv"))
    assert row["address"] == '\'=HYPERLINK("http://evil.example","คลิก")'
    assert row["phone"] == "'@SUM(1+1)"
    assert row["website"] == "'-2+3"
    assert row["latitude"][:1] != "'" and row["students"][:1] != "'"


@pytest.mark.django_db
def test_one_school_by_code_and_404_for_an_unknown_code(client, school_a):
    assert (
        client.get(reverse("api:school-detail", args=[school_a.code])).json()["name_th"] == school_a.name_th
    )
    assert client.get(reverse("api:school-detail", args=["1090999999"])).status_code == 404


@pytest.mark.django_db
def test_the_rounds_calendar_as_csv(client, district_staff, school_a):
    round_ = dmc_round(actor=district_staff, schools=[school_a])
    rows = _csv_rows(client.get(reverse("api:round-list") + "?format=csv"))
    assert [row["slug"] for row in rows] == [round_.slug]
    assert rows[0]["deadline"] == round_.deadline.isoformat()


@pytest.mark.django_db
def test_the_api_is_read_only_for_anonymous_clients(client, school_a):
    assert client.post(reverse("api:school-list"), {}).status_code in (403, 405)
    assert client.delete(reverse("api:school-detail", args=[school_a.code])).status_code in (403, 405)


# --- CORS -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cors_allows_other_sites_to_read_the_api_without_credentials(client, school_a):
    response = client.get(reverse("api:school-list"), HTTP_ORIGIN=ORIGIN)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options(
        reverse("api:school-list"), HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert preflight.status_code == 200
    assert set(preflight["Access-Control-Allow-Methods"].replace(" ", "").split(",")) == {
        "GET",
        "HEAD",
        "OPTIONS",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "schools:directory", "login", "feedback"])
def test_cors_headers_are_not_sent_outside_the_api(client, name):
    response = client.get(reverse(name), HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response


# --- Rate limits ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_clients_get_a_429_in_thai_and_english_past_the_rate(client, monkeypatch, district_staff):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    url = reverse("api:round-list")
    for _ in range(3):
        assert client.get(url).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 429
    body = refused.json()
    assert body["detail_th"].startswith("ส่งคำขอถี่เกินไป")
    assert body["detail_en"].startswith("Too many requests")
    assert body["retry_after"] > 0
    assert int(refused["Retry-After"]) > 0
    # Signed-in users are not limited by the anonymous rate.
    client.force_login(district_staff)
    assert client.get(url).status_code == 200


# --- The DCAT catalogue -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_catalogue_lists_the_api_datasets_in_dcat(client, school_a, district_staff):
    dmc_round(actor=district_staff, schools=[school_a])
    response = client.get(reverse("api:catalog"), HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    catalog = response.json()
    assert catalog["@type"] == "dcat:Catalog"
    assert catalog["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert {t["@language"] for t in catalog["dct:title"]} == {"th", "en"}
    assert catalog["dct:publisher"]["@type"] == "foaf:Organization"
    datasets = catalog["dcat:dataset"]
    assert len(datasets) >= 2
    for dataset in datasets:
        assert dataset["@type"] == "dcat:Dataset"
        assert {t["@language"] for t in dataset["dct:title"]} == {"th", "en"}
        assert dataset["dct:description"]
        assert dataset["dct:license"]["@id"].startswith("https://")
        assert dataset["dct:modified"]["@value"]
        assert dataset["dct:publisher"]["foaf:name"]
        assert dataset["dcat:distribution"]
        for distribution in dataset["dcat:distribution"]:
            assert distribution["@type"] == "dcat:Distribution"
            assert distribution["dcat:accessURL"]["@id"].startswith("http")
            assert "/" in distribution["dcat:mediaType"]
    media = {d["dcat:mediaType"] for ds in datasets for d in ds["dcat:distribution"]}
    assert {"application/json", "text/csv", "application/geo+json"} <= media
    # Every download address answers.
    for dataset in datasets:
        for distribution in dataset["dcat:distribution"]:
            if "dcat:downloadURL" in distribution:
                url = distribution["dcat:downloadURL"]["@id"].removeprefix("http://testserver")
                assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_the_catalogue_is_also_served_as_json_ld(client):
    response = client.get(reverse("api:catalog"), HTTP_ACCEPT="application/ld+json")
    assert response["Content-Type"].startswith("application/ld+json")


# --- Schema and documentation -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_openapi_schema_is_valid_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = (tmp_path / "schema.yaml").read_text()
    assert "/api/v1/schools/" in schema
    assert "/api/v1/catalog.json" in schema


@pytest.mark.django_db
def test_the_footer_links_the_api_documentation_and_the_catalogue(client):
    body = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("api:docs")}"' in body
    assert f'href="{reverse("api:catalog")}"' in body
    assert client.get(reverse("api:docs")).status_code == 200


@pytest.mark.django_db
def test_healthz_says_ok_when_the_database_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]
