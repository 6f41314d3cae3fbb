"""The data-collection API (/api/v1/): schema and docs, the public round calendar, submissions scoped
to the user, uploads, and every workflow verb for every role."""

import datetime
import json
import os
import re
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from aoc.models import AuditLog
from datacollection import samples, services, workflow
from datacollection.models import StudentRecord, Submission, SubmissionEvent, Upload
from tests.factories import SchoolFactory, dmc_round

AS_OF = datetime.date(2026, 11, 10)
S = Submission.Status
VERBS = ("submit", "withdraw", "return", "accept", "reopen")


@pytest.fixture
def round_(district_staff, school_a, school_b):
    return dmc_round(actor=district_staff, schools=[school_a, school_b], as_of=AS_OF)


@pytest.fixture
def api():
    """``api(user)`` → an API client logged in (session) as ``user``; None → anonymous."""
    client = APIClient()

    def make(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return make


def _students(school, n=30, seed=1):
    return samples.make_students(
        n, school_code=school.code, school_grades=school.grades, seed=seed, as_of=AS_OF
    )


def _csv(students):
    return samples.csv_bytes(students, as_of=AS_OF)


def _url(round_, school=None, verb=None):
    url = f"/api/v1/rounds/{round_.slug}/submissions/"
    if school is not None:
        url += f"{school.code if hasattr(school, 'code') else school}/"
    if verb is not None:
        url += f"{verb}/"
    return url


def _post_file(client, round_, school, content, name="dmc.csv", **data):
    return client.post(
        _url(round_, school, "upload"),
        {"file": SimpleUploadedFile(name, content), **data},
        format="multipart",
    )


def _submission(round_, school) -> Submission:
    return Submission.objects.select_related("round", "school").get(round=round_, school=school)


def _in_state(state, round_, school, officer, staff) -> Submission:
    """Bring the school's submission to ``state`` through the services, as the pages would."""
    submission = _submission(round_, school)
    if state == S.NOT_STARTED:
        return submission
    name = "dmc.csv"
    upload = services.upload_receive(
        submission, actor=officer, file=SimpleUploadedFile(name, _csv(_students(school))), name=name
    )
    assert services.upload_process(upload.pk).status == "imported"
    submission = _submission(round_, school)
    if state == S.DRAFT:
        return submission
    workflow.submission_submit(submission, actor=officer)
    if state == S.RETURNED:
        workflow.submission_return(submission, actor=staff, comment="ตรวจน้ำหนัก")
    elif state == S.ACCEPTED:
        workflow.submission_accept(submission, actor=staff)
    return _submission(round_, school)


def _private_files() -> set[str]:
    location = Upload._meta.get_field("file").storage.location
    return {os.path.join(d, f) for d, _dirs, files in os.walk(location) for f in files}


# --- Schema and documentation ---------------------------------------------------------------------


def test_schema_generates_and_validates_without_warnings(tmp_path):
    path = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    text = path.read_text()
    one = "/api/v1/rounds/{round_slug}/submissions/{code}/"
    for route in (
        "/api/v1/rounds/",
        "/api/v1/uploads/{id}/",
        f"{one}upload/",
        *(f"{one}{v}/" for v in VERBS),
    ):
        assert f"{route}:" in text, route


@pytest.mark.django_db
def test_schema_endpoint_serves_openapi_json(api):
    response = api(None).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/rounds/{round_slug}/submissions/{code}/submit/" in schema["paths"]
    assert "get" not in schema["paths"]["/api/v1/rounds/{round_slug}/submissions/{code}/submit/"]


@pytest.mark.django_db
def test_docs_page_loads_its_assets_from_the_portal_not_a_cdn(api):
    response = api(None).get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html[:500]
    for asset in assets:
        assert asset.startswith(settings.STATIC_URL), f"{asset} is not served by the portal"
        assert finders.find(asset.removeprefix(settings.STATIC_URL)), f"{asset} is not a static file"
    assert "/api/v1/schema/" in html


# --- Rounds: public -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_round_list_is_public_and_carries_no_school_data(api, round_):
    response = api(None).get("/api/v1/rounds/")
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert set(item) == {"slug", "kind", "academic_year", "number", "label", "as_of", "opens_on", "deadline",
                         "closes_on", "status"}  # fmt: skip
    assert (item["slug"], item["status"], item["as_of"]) == (round_.slug, "open", "2026-11-10")
    detail = api(None).get(f"/api/v1/rounds/{round_.slug}/")
    assert detail.status_code == 200 and detail.json() == item
    assert api(None).get("/api/v1/rounds/?kind=emis").json()["results"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(("year", "found"), [("๒๕๖๙", 1), ("2568", 0), ("99999999999999999999999", 0)])
def test_a_year_filter_reads_thai_digits_and_never_fails_on_a_large_year(client, round_, year, found):
    response = client.get("/api/v1/rounds/", {"year": year})
    assert response.status_code == 200
    assert len(response.json()["results"]) == found


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["²", "2569a", "-1"])
def test_a_year_filter_that_is_not_a_number_is_a_thai_400(client, round_, year):
    response = client.get("/api/v1/rounds/", {"year": year})
    assert response.status_code == 400
    assert response.json() == {"year": "ต้องเป็นตัวเลข"}


@pytest.mark.django_db
def test_round_list_is_read_only(api, round_, district_staff):
    assert api(None).post("/api/v1/rounds/", {}, format="json").status_code == 405
    assert api(district_staff).post("/api/v1/rounds/", {}, format="json").status_code == 405


# --- Submissions: scoped to the user --------------------------------------------------------------


@pytest.mark.django_db
def test_school_officer_sees_only_their_own_school(api, round_, school_a, officer_a):
    response = api(officer_a).get(_url(round_))
    assert response.status_code == 200
    assert [s["school_code"] for s in response.json()["results"]] == [school_a.code]
    item = response.json()["results"][0]
    assert set(item) == {"school_code", "school_name", "amphoe", "amphoe_code", "status", "status_display",
                         "last_activity_at", "submitted_at", "accepted_at", "current_upload"}  # fmt: skip
    assert (item["school_name"], item["status"], item["current_upload"]) == (
        school_a.name_th,
        "not_started",
        None,
    )


@pytest.mark.django_db
def test_officer_of_another_school_gets_404_on_its_endpoints(api, round_, school_a, officer_b):
    client = api(officer_b)
    assert client.get(_url(round_, school_a)).status_code == 404
    assert _post_file(client, round_, school_a, b"x").status_code == 404
    for verb in VERBS:
        assert client.post(_url(round_, school_a, verb), {}, format="json").status_code == 404, verb


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["director", "district_staff", "ict_staff", "admin"])
def test_district_wide_roles_see_every_school(api, personas, round_, school_a, school_b, persona):
    response = api(personas[persona]).get(_url(round_))
    assert response.status_code == 200
    assert {s["school_code"] for s in response.json()["results"]} == {school_a.code, school_b.code}
    assert api(personas[persona]).get(_url(round_, school_a)).json()["school_code"] == school_a.code


@pytest.mark.django_db
def test_submission_list_needs_a_login_and_a_known_round(api, round_, director):
    assert api(None).get(_url(round_)).status_code == 403
    assert api(director).get("/api/v1/rounds/dmc-2500-9/submissions/").status_code == 404
    assert api(director).get(_url(round_, "1090999999")).status_code == 404


@pytest.mark.django_db
def test_submission_list_filters_and_takes_the_same_queries_for_any_number_of_schools(
    api, school_a, school_b, officer_a, district_staff, director, django_assert_num_queries
):
    others = SchoolFactory.create_batch(10)
    round_ = dmc_round(actor=district_staff, schools=[school_a, school_b, *others], as_of=AS_OF)
    _in_state(S.DRAFT, round_, school_a, officer_a, district_staff)
    client = api(director)
    # session, user, round, page count, page
    with django_assert_num_queries(5):
        response = client.get(_url(round_))
    assert response.status_code == 200
    by_code = {s["school_code"]: s for s in response.json()["results"]}
    assert len(by_code) == 12
    assert by_code[school_a.code]["current_upload"]["rows"] == 30
    assert by_code[school_a.code]["current_upload"]["error_count"] == 0
    assert by_code[school_b.code]["current_upload"] is None
    drafts = client.get(_url(round_) + "?status=draft").json()["results"]
    assert [s["school_code"] for s in drafts] == [school_a.code]
    in_amphoe = client.get(_url(round_) + f"?amphoe={school_a.amphoe.dopa_code}").json()["count"]
    assert in_amphoe == 12
    assert client.get(_url(round_) + "?amphoe=9999").json()["count"] == 0


@pytest.mark.django_db
def test_no_student_record_in_any_response(api, round_, school_a, officer_a, district_staff):
    students = _students(school_a)
    response = _post_file(api(officer_a), round_, school_a, _csv(students))
    assert response.json()["status"] == "imported"
    bodies = [
        api(officer_a).get(_url(round_)).content.decode(),
        api(officer_a).get(_url(round_, school_a)).content.decode(),
        api(district_staff).get(_url(round_)).content.decode(),
        api(None).get("/api/v1/rounds/").content.decode(),
    ]
    for body in bodies:
        for student in students[:10]:
            assert student["national_id"] not in body
            assert student["first_name"] not in body


# --- Uploads --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_good_file_is_imported_and_the_summary_returned(api, round_, school_a, officer_a):
    response = _post_file(api(officer_a), round_, school_a, _csv(_students(school_a)))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "imported", body["errors"][:3]
    assert (body["rows"], body["imported"], body["error_count"], body["errors"]) == (30, 30, 0, [])
    assert {"warnings", "warning_count", "upload"} <= set(body)
    submission = _submission(round_, school_a)
    assert submission.status == S.DRAFT
    assert submission.current_upload_id == body["upload"]
    assert Upload.objects.get(pk=body["upload"]).uploaded_by == officer_a


@pytest.mark.django_db
def test_bad_file_is_rejected_with_row_numbered_errors_and_nothing_stored(api, round_, school_a, officer_a):
    students = samples.defect(_students(school_a, n=40, seed=2), 4, "national_id", "1234567890123")
    response = _post_file(api(officer_a), round_, school_a, _csv(students))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "rejected"
    assert [(e["row"], e["code"]) for e in body["errors"]] == [(samples.data_row(4), "id_checksum")]
    assert {"row", "column", "code", "message"} <= set(body["errors"][0])
    assert body["imported"] == 0
    assert not StudentRecord.objects.exists()
    assert _submission(round_, school_a).status == S.NOT_STARTED


@pytest.mark.django_db
def test_district_staff_may_upload_on_a_schools_behalf(api, round_, school_b, district_staff):
    response = _post_file(api(district_staff), round_, school_b, _csv(_students(school_b, seed=4)))
    assert response.status_code == 200 and response.json()["status"] == "imported"


@pytest.mark.django_db
def test_dry_run_reports_and_leaves_nothing_behind(api, round_, school_a, officer_a):
    files_before = _private_files()
    response = _post_file(api(officer_a), round_, school_a, _csv(_students(school_a)), dry_run="true")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["rows"], body["upload"]) == ("valid", 30, None)
    assert not Upload.objects.exists()
    assert not StudentRecord.objects.exists()
    assert _private_files() == files_before
    submission = _submission(round_, school_a)
    assert (submission.status, submission.current_upload_id) == (S.NOT_STARTED, None)
    assert not SubmissionEvent.objects.filter(submission=submission).exists()


@pytest.mark.django_db
def test_large_file_is_checked_in_the_background_with_a_status_url(
    api, settings, round_, school_a, officer_a, officer_b, director, django_capture_on_commit_callbacks
):
    settings.UPLOAD_INLINE_MAX_BYTES = 100
    with (
        mock.patch("datacollection.tasks.process_upload.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _post_file(api(officer_a), round_, school_a, _csv(_students(school_a)))
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "processing"
    delay.assert_called_once_with(body["upload"])
    status_url = body["url"]
    assert status_url.endswith(f"/api/v1/uploads/{body['upload']}/")
    assert response["Location"] == status_url

    pending = api(officer_a).get(status_url)
    assert pending.status_code == 200 and pending.json()["status"] == "processing"
    services.upload_process(body["upload"])  # what the worker does
    done = api(officer_a).get(status_url).json()
    assert (done["status"], done["rows"], done["imported"], done["upload"]) == (
        "imported",
        30,
        30,
        body["upload"],
    )

    assert api(officer_b).get(status_url).status_code == 404
    assert (
        api(director).get(status_url).status_code == 403
    )  # the issues may quote the file: not for the director
    assert api(None).get(status_url).status_code == 403
    assert api(officer_a).get("/api/v1/uploads/999999/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["director", "ict_staff"])
def test_read_only_roles_cannot_upload(api, personas, round_, school_a, persona):
    response = _post_file(api(personas[persona]), round_, school_a, _csv(_students(school_a)))
    assert response.status_code == 403
    assert not Upload.objects.exists()


@pytest.mark.django_db
def test_upload_needs_a_login_a_file_and_a_post(api, round_, school_a, officer_a):
    assert _post_file(api(None), round_, school_a, b"x").status_code == 403
    assert api(officer_a).post(_url(round_, school_a, "upload"), {}, format="multipart").status_code == 400
    assert api(officer_a).get(_url(round_, school_a, "upload")).status_code == 405
    assert not Upload.objects.exists()


@pytest.mark.django_db
def test_upload_to_a_submitted_submission_is_refused_with_400(
    api, round_, school_a, officer_a, district_staff
):
    _in_state(S.SUBMITTED, round_, school_a, officer_a, district_staff)
    response = _post_file(api(officer_a), round_, school_a, _csv(_students(school_a, seed=5)))
    assert response.status_code == 400
    assert "ยืนยันส่งแล้ว" in response.json()["detail"]
    assert Upload.objects.count() == 1


@pytest.mark.django_db
def test_file_too_large_is_400(api, settings, round_, school_a, officer_a):
    settings.DMC_UPLOAD_MAX_BYTES = 100
    response = _post_file(api(officer_a), round_, school_a, _csv(_students(school_a)))
    assert response.status_code == 400
    assert "ใหญ่เกินไป" in response.json()["detail"]


# --- Workflow verbs: every verb, every outcome ----------------------------------------------------

# verb → (state before, who may, body, state after)
ALLOWED = {
    "submit": (S.DRAFT, "officer_a", {}, S.SUBMITTED),
    "withdraw": (S.SUBMITTED, "officer_a", {}, S.DRAFT),
    "return": (S.SUBMITTED, "district_staff", {"comment": "น้ำหนักนักเรียนชั้น ป.1 ผิดปกติ"}, S.RETURNED),
    "accept": (S.SUBMITTED, "district_staff", {}, S.ACCEPTED),
    "reopen": (S.ACCEPTED, "district_staff", {"reason": "โรงเรียนแจ้งนักเรียนย้ายเข้า"}, S.DRAFT),
}
# verb → (state, who, body): a move the workflow does not allow now
INVALID = [
    ("submit", S.NOT_STARTED, "officer_a", {}),  # no valid file yet
    ("submit", S.SUBMITTED, "officer_a", {}),
    ("withdraw", S.DRAFT, "officer_a", {}),
    ("return", S.SUBMITTED, "district_staff", {"comment": "  "}),  # says nothing to fix
    ("return", S.DRAFT, "district_staff", {"comment": "แก้ไข"}),
    ("accept", S.DRAFT, "district_staff", {}),
    ("accept", S.ACCEPTED, "district_staff", {}),
    ("reopen", S.SUBMITTED, "district_staff", {"reason": ""}),  # no reason
    ("reopen", S.DRAFT, "district_staff", {"reason": "ขอแก้"}),
]
# verb → the roles that may never use it
FORBIDDEN = {
    "submit": ["district_staff", "director", "ict_staff"],
    "withdraw": ["district_staff", "director", "ict_staff"],
    "return": ["officer_a", "director", "ict_staff"],
    "accept": ["officer_a", "director", "ict_staff"],
    "reopen": ["officer_a", "director", "ict_staff"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("verb", VERBS)
def test_verb_moves_the_submission_and_records_history(api, personas, round_, school_a, verb):
    before, who, body, after = ALLOWED[verb]
    submission = _in_state(before, round_, school_a, personas["officer_a"], personas["district_staff"])
    events = SubmissionEvent.objects.filter(submission=submission).count()
    response = api(personas[who]).post(_url(round_, school_a, verb), body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == after
    assert response.json()["school_code"] == school_a.code
    assert _submission(round_, school_a).status == after
    event = SubmissionEvent.objects.filter(submission=submission).latest("id")
    assert SubmissionEvent.objects.filter(submission=submission).count() == events + 1
    assert (event.actor, event.from_status, event.to_status) == (personas[who], before, after)
    assert AuditLog.objects.filter(
        action__startswith="datacollection.submission.", actor=personas[who]
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("verb", "state", "who", "body"), INVALID)
def test_invalid_move_is_400_with_a_message(api, personas, round_, school_a, verb, state, who, body):
    _in_state(state, round_, school_a, personas["officer_a"], personas["district_staff"])
    response = api(personas[who]).post(_url(round_, school_a, verb), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    assert _submission(round_, school_a).status == state


@pytest.mark.django_db
def test_withdraw_after_the_deadline_is_400(api, district_staff, school_a, officer_a):
    # still open (closes at the end of 2099), but its deadline has passed
    late = dmc_round(actor=district_staff, number=3, schools=[school_a], as_of=AS_OF,
                     deadline=datetime.date(2026, 11, 20))  # fmt: skip
    _in_state(S.SUBMITTED, late, school_a, officer_a, district_staff)
    response = api(officer_a).post(_url(late, school_a, "withdraw"), {}, format="json")
    assert response.status_code == 400
    assert "เลยกำหนดส่ง" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(("verb", "who"), [(v, w) for v, roles in FORBIDDEN.items() for w in roles])
def test_wrong_role_is_403(api, personas, round_, school_a, verb, who):
    state = ALLOWED[verb][0]
    _in_state(state, round_, school_a, personas["officer_a"], personas["district_staff"])
    response = api(personas[who]).post(_url(round_, school_a, verb), ALLOWED[verb][2], format="json")
    assert response.status_code == 403, response.content
    assert _submission(round_, school_a).status == state


@pytest.mark.django_db
@pytest.mark.parametrize("verb", VERBS)
def test_verb_outside_scope_is_404_and_get_is_405(api, personas, round_, school_a, verb):
    state, who, body, _after = ALLOWED[verb]
    _in_state(state, round_, school_a, personas["officer_a"], personas["district_staff"])
    assert (
        api(personas["officer_b"]).post(_url(round_, school_a, verb), body, format="json").status_code == 404
    )
    unknown = _url(round_, "1090999999", verb)
    assert api(personas["district_staff"]).post(unknown, body, format="json").status_code == 404
    assert api(personas[who]).get(_url(round_, school_a, verb)).status_code == 405
    assert api(None).post(_url(round_, school_a, verb), body, format="json").status_code == 403
    assert _submission(round_, school_a).status == state


# --- Token authentication -------------------------------------------------------------------------


@pytest.mark.django_db
def test_token_authentication_reads_and_acts_in_scope(round_, school_a, officer_a, district_staff):
    _in_state(S.DRAFT, round_, school_a, officer_a, district_staff)
    token = Token.objects.create(user=officer_a)
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get(_url(round_))
    assert response.status_code == 200
    assert [s["school_code"] for s in response.json()["results"]] == [school_a.code]
    submitted = client.post(_url(round_, school_a, "submit"), {}, format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == S.SUBMITTED

    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    # 403 while session authentication comes first in settings (DRF then sends no WWW-Authenticate)
    assert client.get(_url(round_)).status_code in (401, 403)
    assert client.get(_url(round_, school_a)).status_code in (401, 403)
