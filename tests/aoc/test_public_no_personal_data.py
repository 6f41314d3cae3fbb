"""No personal data in any public page or endpoint.

A district is built the real way: two schools, officers with e-mail addresses and phone numbers, a
DMC round in which school A's officer uploads a student file through the real pipeline (records
stored), a news item with an attachment, answers to the survey. Then every URL pattern of the portal
is resolved, its path parameters filled from those objects, and fetched anonymously:

- a public URL answers 200, and nothing in it (HTML, JSON, CSV) is a student's national ID, name or
  birth date, a parent's ID or phone, an officer's or user's e-mail or phone, or the path of an
  uploaded data file;
- every other URL sends the visitor to log in, or answers 401/403/404/405.

Every list endpoint of the API is read as JSON and as CSV. A new URL must be listed below as public or
not: the test fails on a URL it has not classified, so that nobody adds a public page by accident.
"""

import datetime
import io
import re
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from aoc import services as aoc_services
from aoc.models import NewsItem
from aoc.thaidate import format_date
from datacollection import samples, workflow
from datacollection import services as collection_services
from datacollection.models import StudentRecord, Submission
from reports import services as report_services
from reports.models import DatasetVersion
from schools.models import DataOfficer
from tests.factories import DataOfficerFactory, dmc_round

AS_OF = datetime.date(2026, 11, 10)

# URL names (namespace:name) that anyone may read. Everything else must refuse anonymous visitors.
PUBLIC = {
    "home", "healthz", "news-list", "news-detail", "feedback",
    "login", "password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete",
    "schools:directory", "schools:profile",
    "gis:map", "gis:popup",
    "datacollection:round-calendar", "datacollection:round-guide",
    "api:api-root", "api:schema", "api:docs", "api:catalog", "api:schools-geojson",
    "api:school-list", "api:school-detail", "api:round-list", "api:round-detail",
    "reports:statistics", "reports:statistics-schools", "reports:statistics-students",
    "reports:statistics-trend", "reports:statistics-special", "reports:statistics-staff",
    "reports:statistics-buildings", "reports:downloads", "reports:dataset",
    "reports:dataset-latest", "reports:download-version",
    "booklets:public-list", "booklets:public-download",
    "api:publication-list", "api:publication-detail", "api:dataset-list", "api:dataset-detail",
    "api:statistics-schools", "api:statistics-small-bands", "api:statistics-students",
    "api:statistics-disadvantaged", "api:statistics-disabled", "api:statistics-trend",
    "api:statistics-ratios", "api:statistics-staff", "api:statistics-buildings",
}  # fmt: skip
# Not pages: the language switch sends a GET back to the site; logging out is POST only.
GET_NOT_ALLOWED = {"set_language": 302, "logout": 405}
# Public and answering 404 without an object to show (a round with no guide).
# A booklet's PDF (tests/reports/test_booklet*.py read one; building one here would cost seconds).
# The EMIS and B-OBEC tables answer 404 until such a round is published (this district publishes DMC
# only; tests/reports/test_emis_bobec_statistics.py walks them with published data).
MAY_BE_404 = {
    "datacollection:round-guide",
    "booklets:public-download",
    "api:statistics-ratios",
    "api:statistics-staff",
    "api:statistics-buildings",
}
# Public addresses that send the visitor on to another public address (the latest file of a dataset).
PUBLIC_REDIRECTS = {"reports:dataset-latest"}
# API list endpoints, read as JSON; the tables among them also as CSV.
API_LISTS = {"api:publication-list", "api:dataset-list"}
API_TABLES = {
    "api:school-list", "api:round-list", "api:statistics-schools", "api:statistics-small-bands",
    "api:statistics-students", "api:statistics-disadvantaged", "api:statistics-disabled",
    "api:statistics-trend",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_cache(tmp_path, monkeypatch):
    cache.clear()
    # Published files go to the test's folder (the field resolved its storage when the model loaded).
    monkeypatch.setattr(
        DatasetVersion._meta.get_field("file"), "storage", FileSystemStorage(location=tmp_path / "downloads")
    )


@pytest.fixture
def district(personas, school_a, school_b, district_staff, officer_a):
    """The district with personal data in every place it can be."""
    officer_a.email, officer_a.phone = "officer.a@school-a.example", "089-111-2233"
    officer_a.first_name, officer_a.last_name = "สมศรี", "ข้อมูลดี"
    officer_a.save()
    district_staff.email, district_staff.phone = "staff@district.example", "074-999-8877"
    district_staff.save()
    register_entry = DataOfficerFactory(
        school=school_a, full_name="นางวันเพ็ญ ทะเบียนงาม", phone="086-555-4433", email="wanpen@school-a.example"
    )

    round_ = dmc_round(actor=district_staff, schools=[school_a, school_b], as_of=AS_OF)
    students = samples.make_students(
        25, school_code=school_a.code, school_grades=school_a.grades, seed=7, as_of=AS_OF
    )
    submission = Submission.objects.get(round=round_, school=school_a)
    upload = collection_services.upload_receive(
        submission,
        actor=officer_a,
        name="dmc-บ้านควนลัง.csv",
        file=SimpleUploadedFile("dmc.csv", samples.csv_bytes(students, as_of=AS_OF)),
    )
    result = collection_services.upload_process(upload.pk)
    assert result.status == "imported", result
    assert StudentRecord.objects.filter(upload=upload).count() == 25
    upload.refresh_from_db()
    # School A's officer submits, district staff accept, the round closes and is published: the public
    # statistics, files and API are built from these records.
    workflow.submission_submit(submission, actor=officer_a)
    workflow.submission_accept(submission, actor=district_staff)
    collection_services.round_close(round_, actor=district_staff)
    publication = report_services.publication_create(round_, actor=district_staff)
    version = DatasetVersion.objects.filter(publication=publication).first()
    assert version is not None

    news = aoc_services.news_create(
        actor=district_staff,
        title="ประกาศรับสมัครนักเรียน",
        body="รายละเอียดตามไฟล์แนบ",
        category=NewsItem.Category.ANNOUNCEMENT,
        attachment=SimpleUploadedFile("ประกาศ.pdf", b"%PDF-1.4 notice"),
        publish=True,
    )
    draft = aoc_services.news_create(
        actor=district_staff, title="ร่างข่าวภายใน", body="ยังไม่เผยแพร่", category=NewsItem.Category.NEWS
    )
    aoc_services.feedback_submit(
        client_key="test", comment="ดีมาก", ease=5, usefulness=4, accuracy=4, speed=5, overall=5
    )

    secrets = set()
    for student in students:
        secrets |= {
            student["national_id"],
            f"{student['first_name']} {student['last_name']}",
            student["birth_date"].isoformat(),
            student["birth_date"].strftime("%d/%m/") + str(student["birth_date"].year + 543),
            format_date(student["birth_date"]),
            student["father_national_id"],
            student["mother_national_id"],
            student["father_phone"],
            student["mother_phone"],
        }
    for user in (officer_a, district_staff, personas["officer_b"]):
        secrets |= {value for value in (user.email, user.phone) if value}
    for entry in DataOfficer.objects.all():
        secrets |= {value for value in (entry.email, entry.phone) if value}
    secrets |= {upload.file.name, upload.file.name.rsplit("/", 1)[-1]}
    secrets.discard("")
    return {
        "secrets": secrets,
        "school": school_a,
        "round": round_,
        "news": news,
        "draft": draft,
        "register_entry": register_entry,
        "upload": upload,
        "submission": submission,
        "publication": publication,
        "version": version,
    }


def _patterns(resolvers, prefix="", namespace=""):
    """Every URL pattern: (full regex, ``namespace:name``)."""
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            child_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _patterns(
                entry.url_patterns, prefix + entry.pattern.regex.pattern.lstrip("^"), child_ns
            )
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield prefix + entry.pattern.regex.pattern.lstrip("^"), name


def _value(group: str, name: str, world: dict) -> str:
    """A real value for the path parameter ``group`` of the route ``name``."""
    values = {
        "code": world["school"].code,
        "slug": world["round"].slug,
        "number": str(world["version"].number),
        "filename": world["version"].filename,
        "file_format": world["version"].file_format,
        "round_slug": world["round"].slug,
        "format": "json",
        "uidb64": "MQ",
        "token": "set-password",
        "path": world["news"].attachment.name,
        "app_label": "aoc",
        "model_name": "user",
        "object_id": "1",
        "content_type_id": "1",
    }
    if group == "slug" and name.startswith(("reports:", "api:dataset")):
        return world["version"].dataset.slug
    if name.startswith("api:publication") and group in ("pk", "id"):
        return str(world["publication"].pk)
    if group == "pk":
        return str(world["news"].pk)
    return values.get(group, "1")


def _fill(regex: str, name: str, world: dict) -> str:
    """The path of ``regex`` with its groups filled in (admin and router patterns are regexes)."""
    path = regex.rstrip("$").replace("\\Z", "").replace("\\.", ".")
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: _value(m[1], name, world), path)
    path = re.sub(r"\(\?:[^)]*\)\??", "", path)  # optional groups such as the admin's
    path = path.replace("/?", "/").replace("^", "")
    return "/" + re.sub(r"\\(.)", r"\1", path)  # regex escapes such as ``\-``


def _body(response) -> str:
    """The text of a response; for an XLSX (a zip of XML parts) the text of all its parts."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"\n".join(archive.read(name) for name in archive.namelist())
    return content.decode("utf-8", errors="replace")


def _assert_clean(url: str, body: str, secrets: set[str]) -> None:
    found = sorted(secret for secret in secrets if secret in body)
    assert not found, f"{url} shows personal data: {found[:5]}"


def _is_login_redirect(response) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and (
        location.startswith(reverse("login")) or location.startswith(reverse("admin:login"))
    )


@pytest.mark.django_db
def test_no_public_url_shows_personal_data_and_every_other_url_refuses_anonymous_visitors(client, district):
    secrets = district["secrets"]
    checked_public, checked_private = [], []
    for regex, name in _patterns(get_resolver().url_patterns):
        if name.startswith("admin:") or regex.startswith("media/") or "(?P<format>" in regex:
            continue  # the admin (below), media files (below), ".json" suffixes (same views)
        url = _fill(regex, name, district)
        response = client.get(url)
        if name in PUBLIC or name in GET_NOT_ALLOWED:
            if name in GET_NOT_ALLOWED:
                assert response.status_code == GET_NOT_ALLOWED[name], (url, response.status_code)
                assert not response.get("Location", "/").startswith("http"), url
                continue
            if name in MAY_BE_404 and response.status_code == 404:
                continue
            if name in PUBLIC_REDIRECTS:
                assert response.status_code == 302 and response["Location"].startswith("/"), url
                response = client.get(response["Location"])
            assert response.status_code == 200, (url, name, response.status_code)
            _assert_clean(url, _body(response), secrets)
            checked_public.append(name)
        else:
            assert _is_login_redirect(response) or response.status_code in (401, 403, 404, 405), (
                url,
                name,
                response.status_code,
            )
            checked_private.append(name)
    # The walk reached the pages it should have (a broken fill would otherwise pass silently).
    assert {"home", "news-detail", "schools:profile", "api:school-detail", "api:catalog"} <= set(
        checked_public
    )
    assert {"datacollection:submission-records", "staff-news-list", "feedback-results"} <= set(
        checked_private
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "query"),
    [(name, query) for name in sorted(API_LISTS | API_TABLES) for query in ("", "?page=1&page_size=500")]
    + [
        (name, query)
        for name in sorted(API_TABLES)
        for query in ("?format=csv", "?include_closed=1&format=csv")
    ],
)
def test_api_lists_hold_no_personal_data_as_json_or_csv(client, district, name, query):
    response = client.get(reverse(name) + query)
    assert response.status_code == 200
    if "csv" in query:
        assert response["Content-Type"].startswith("text/csv")
    _assert_clean(name + query, _body(response), district["secrets"])


@pytest.mark.django_db
def test_every_public_page_of_every_school_and_news_item_is_clean(client, district, school_b):
    urls = [
        reverse("schools:directory") + "?q=" + district["school"].code,
        reverse("api:schools-geojson"),
        reverse("api:schema"),
        reverse("news-detail", args=[district["news"].pk]),
    ]
    for school in (district["school"], school_b):
        urls += [reverse("schools:profile", args=[school.code]), reverse("gis:popup", args=[school.code])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_clean(url, _body(response), district["secrets"])


@pytest.mark.django_db
def test_drafts_and_private_files_are_not_public(client, district):
    assert client.get(reverse("news-detail", args=[district["draft"].pk])).status_code == 404
    assert district["draft"].title not in _body(client.get(reverse("news-list")))
    # The school's data file lives in private storage: no address under /media/ reaches it.
    upload = district["upload"]
    assert client.get(f"/media/{upload.file.name}").status_code == 404


@pytest.mark.django_db
def test_the_admin_refuses_anonymous_visitors(client, district):
    for regex, name in _patterns(get_resolver().url_patterns):
        if not name.startswith("admin:") or name in ("admin:login", "admin:logout"):
            continue
        response = client.get(_fill(regex, name, district))
        assert _is_login_redirect(response) or response.status_code in (403, 404, 405), (
            name,
            response.status_code,
        )


@pytest.mark.django_db
def test_the_search_would_find_personal_data_where_it_is_shown(client_for, district, district_staff):
    """A control: the same strings are found on the staff page that does show the records, so a clean
    public page is clean because nothing is there, not because the search cannot see it."""
    url = reverse("datacollection:submission-records", args=[district["round"].slug, district["school"].code])
    body = _body(client_for(district_staff).get(url))
    assert any(secret in body for secret in district["secrets"])


@pytest.mark.django_db
def test_the_dataset_catalogue_lists_the_published_statistics_and_downloads(client, district):
    """The DCAT catalogue names every dataset of the downloads catalogue with its latest files, and the
    published statistics tables; every download address it gives answers with the file."""
    catalog = client.get(reverse("api:catalog")).json()
    datasets = {d["@id"].removeprefix("http://testserver"): d for d in catalog["dcat:dataset"]}
    version = district["version"]
    entry = datasets[reverse("reports:dataset", kwargs={"slug": version.dataset.slug})]
    downloads = {d["dcat:downloadURL"]["@id"] for d in entry["dcat:distribution"]}
    assert "http://testserver" + version.get_absolute_url() in downloads
    media = {d["dcat:mediaType"] for d in entry["dcat:distribution"]}
    assert media <= {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    assert reverse("reports:statistics") in datasets
    for item in catalog["dcat:dataset"]:
        for dist in item["dcat:distribution"]:
            if "dcat:downloadURL" in dist:
                response = client.get(dist["dcat:downloadURL"]["@id"].removeprefix("http://testserver"))
                assert response.status_code == 200, dist["dcat:downloadURL"]
                _assert_clean(dist["dcat:downloadURL"]["@id"], _body(response), district["secrets"])


@pytest.mark.django_db
def test_published_files_are_read_inside_too(client, district):
    """The XLSX files are searched part by part (their XML), not as compressed bytes."""
    xlsx = DatasetVersion.objects.filter(file_format="xlsx").first()
    body = _body(client.get(xlsx.get_absolute_url()))
    assert "<sheetData" in body or "<sst" in body
    _assert_clean(xlsx.get_absolute_url(), body, district["secrets"])
