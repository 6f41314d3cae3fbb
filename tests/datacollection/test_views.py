"""The data-collection pages: rounds, a round's schools, a school's submission (uploads, workflow,
history), student records. Every workflow verb through its page, for every role."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aoc.models import AuditLog
from datacollection import samples, services, workflow
from datacollection.models import Round, StudentRecord, Submission, SubmissionEvent, Upload
from tests.factories import SchoolFactory, amphoe, dmc_round

AS_OF = datetime.date(2026, 11, 10)
S = Submission.Status
ROLES = ("admin", "district_staff", "ict_staff", "director", "officer_a", "officer_b")


@pytest.fixture
def round_(district_staff, school_a, school_b):
    return dmc_round(actor=district_staff, schools=[school_a, school_b], as_of=AS_OF)


def _submission(round_, school) -> Submission:
    return Submission.objects.select_related("round", "school").get(round=round_, school=school)


def _students(school, n=8, seed=1):
    return samples.make_students(
        n, school_code=school.code, school_grades=school.grades, seed=seed, as_of=AS_OF
    )


def _csv(students) -> bytes:
    return samples.csv_bytes(students, as_of=AS_OF)


def _url(name, round_, school, **extra):
    return reverse(f"datacollection:{name}", kwargs={"slug": round_.slug, "code": school.code, **extra})


def _upload_via_service(submission, actor, content, name="dmc.csv"):
    upload = services.upload_receive(
        submission, actor=actor, file=SimpleUploadedFile(name, content), name=name
    )
    return services.upload_process(upload.pk)


def _to_state(submission, state, *, officer, staff):
    """Bring a submission to ``state`` through the real workflow."""
    if state == S.NOT_STARTED:
        return submission
    _upload_via_service(submission, officer, _csv(_students(submission.school)))
    submission.refresh_from_db()
    if state in (S.SUBMITTED, S.ACCEPTED):
        workflow.submission_submit(submission, actor=officer)
    if state == S.ACCEPTED:
        workflow.submission_accept(submission, actor=staff)
    submission.refresh_from_db()
    assert submission.status == state
    return submission


# --- The calendar and rounds ----------------------------------------------------------------------


@pytest.mark.django_db
def test_calendar_is_public_and_shows_be_dates(client, round_):
    response = client.get(reverse("datacollection:round-calendar"))
    assert response.status_code == 200
    body = response.content.decode()
    assert round_.label in body
    assert "10 พ.ย. 2569" in body  # the as-of date in the Buddhist Era
    assert "30 พ.ย. 2642" in body  # the deadline
    assert (
        reverse("datacollection:round-detail", args=[round_.slug]) not in body
    )  # staff links only for staff


@pytest.mark.django_db
def test_calendar_links_the_guide_and_anyone_can_download_it(client, district_staff, round_):
    pdf = SimpleUploadedFile("guide.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    services.round_update(round_, actor=district_staff, guide=pdf)
    guide_url = reverse("datacollection:round-guide", args=[round_.slug])
    assert guide_url in client.get(reverse("datacollection:round-calendar")).content.decode()
    response = client.get(guide_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_district_staff_create_a_round_with_a_guide_then_open_and_close_it(
    client_for, district_staff, school_a
):
    closed = SchoolFactory(closed_on=datetime.date(2020, 1, 1))
    client = client_for(district_staff)
    form = client.get(reverse("datacollection:round-create"))
    assert form.status_code == 200
    assert set(form.context["form"].initial["target_schools"]) == {school_a.pk}  # open schools only
    assert closed.pk not in form.context["form"].initial["target_schools"]
    data = {
        "kind": "dmc", "academic_year": 2569, "number": 1, "label": "DMC รอบที่ 1 ปีการศึกษา 2569",
        "as_of": "2026-06-10", "opens_on": "2026-06-01", "deadline": "2026-06-30", "closes_on": "2026-07-15",
        "guide": SimpleUploadedFile("คู่มือ.pdf", b"%PDF-1.7\nguide\n%%EOF", content_type="application/pdf"),
        "target_schools": [school_a.pk],
    }  # fmt: skip
    response = client.post(reverse("datacollection:round-create"), data)
    assert response.status_code == 302
    round_ = Round.objects.get(slug="dmc-2569-1")
    assert response["Location"] == reverse("datacollection:round-detail", args=[round_.slug])
    assert round_.status == Round.Status.PLANNED
    assert round_.guide.name.endswith(".pdf")
    assert list(round_.target_schools.all()) == [school_a]
    assert AuditLog.objects.filter(action="datacollection.round.created").count() == 1

    assert client.get(reverse("datacollection:round-open", args=[round_.slug])).status_code == 405
    client.post(reverse("datacollection:round-open", args=[round_.slug]))
    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN
    assert Submission.objects.filter(round=round_).count() == 1

    client.post(reverse("datacollection:round-close", args=[round_.slug]))
    round_.refresh_from_db()
    assert round_.status == Round.Status.CLOSED
    assert AuditLog.objects.filter(action="datacollection.round.closed").count() == 1


@pytest.mark.django_db
def test_round_form_refuses_a_guide_that_is_not_a_pdf_and_dates_out_of_order(client_for, district_staff):
    client = client_for(district_staff)
    data = {
        "kind": "dmc", "academic_year": 2569, "number": 1, "label": "รอบทดสอบ",
        "as_of": "2026-06-10", "opens_on": "2026-06-20", "deadline": "2026-06-10", "closes_on": "2026-07-15",
        "guide": SimpleUploadedFile("guide.pdf", b"MZ not a pdf", content_type="application/pdf"),
    }  # fmt: skip
    response = client.post(reverse("datacollection:round-create"), data)
    assert response.status_code == 200
    assert "guide" in response.context["form"].errors
    data["guide"] = SimpleUploadedFile("guide.pdf", b"%PDF-1.7\n", content_type="application/pdf")
    response = client.post(reverse("datacollection:round-create"), data)
    assert response.status_code == 200
    assert "deadline" in response.context["form"].errors  # the service's check, shown on the field
    assert not Round.objects.exists()


@pytest.mark.django_db
def test_district_staff_edit_a_rounds_dates(client_for, district_staff, round_):
    client = client_for(district_staff)
    url = reverse("datacollection:round-edit", args=[round_.slug])
    data = {"label": "DMC รอบที่ 2 (ขยายเวลา)", "as_of": "2026-11-10", "opens_on": "2026-11-01",
            "deadline": "2099-12-05", "closes_on": "2099-12-31"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    round_.refresh_from_db()
    assert (round_.label, round_.deadline) == ("DMC รอบที่ 2 (ขยายเวลา)", datetime.date(2099, 12, 5))
    assert AuditLog.objects.filter(action="datacollection.round.updated").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["ict_staff", "director", "officer_a"])
def test_only_district_staff_manage_rounds(client_for, personas, round_, role):
    client = client_for(personas[role])
    assert client.get(reverse("datacollection:round-create")).status_code == 403
    assert client.get(reverse("datacollection:round-edit", args=[round_.slug])).status_code == 403
    assert client.post(reverse("datacollection:round-close", args=[round_.slug])).status_code == 403
    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN


# --- The district's view of a round ---------------------------------------------------------------


@pytest.mark.django_db
def test_round_detail_shows_each_school_with_its_state_and_the_completeness(
    client_for, district_staff, officer_a, round_, school_a, school_b
):
    _to_state(_submission(round_, school_a), S.SUBMITTED, officer=officer_a, staff=district_staff)
    response = client_for(district_staff).get(reverse("datacollection:round-detail", args=[round_.slug]))
    assert response.status_code == 200
    rows = {s.school: s for s in response.context["rows"]}
    assert set(rows) == {school_a, school_b}
    assert rows[school_a].status == S.SUBMITTED
    assert rows[school_a].stored_rows == 8
    c = response.context["completeness"]
    assert (c.expected, c.submitted, c.accepted, c.on_time) == (2, 1, 0, 1)
    body = response.content.decode()
    assert school_a.display_name in body and school_b.display_name in body
    assert "ยืนยันส่งแล้ว รอตรวจ" in body


@pytest.mark.django_db
def test_round_detail_filters_by_amphoe_state_and_overdue(client_for, district_staff, school_a, school_b):
    school_c = SchoolFactory(amphoe=amphoe("9009"))
    today, day = timezone.localdate(), datetime.timedelta(days=1)
    past = dmc_round(
        actor=district_staff, schools=[school_a, school_b, school_c], as_of=today - 30 * day,
        opens_on=today - 30 * day, deadline=today - day, closes_on=today + 30 * day,
    )  # fmt: skip
    client = client_for(district_staff)
    url = reverse("datacollection:round-detail", args=[past.slug])
    assert [s.school for s in client.get(url, {"amphoe": "9009"}).context["rows"]] == [school_c]
    assert len(client.get(url, {"status": "not_started"}).context["rows"]) == 3
    assert len(client.get(url, {"status": "accepted"}).context["rows"]) == 0
    overdue = client.get(url, {"overdue": "on"})
    assert len(overdue.context["rows"]) == 3  # the deadline has passed and nobody has submitted
    assert "เลยกำหนด" in overdue.content.decode()
    assert overdue.context["completeness"].overdue == 3


@pytest.mark.django_db
def test_school_officer_sees_only_their_own_school_in_a_round(
    client_for, officer_a, round_, school_a, school_b
):
    response = client_for(officer_a).get(reverse("datacollection:round-detail", args=[round_.slug]))
    assert response.status_code == 200
    assert [s.school for s in response.context["rows"]] == [school_a]
    assert school_b.name_th not in response.content.decode()
    assert response.context["completeness"].expected == 1
    assert response.context["duplicates"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["director", "ict_staff"])
def test_director_and_ict_read_the_whole_round_without_actions(client_for, personas, round_, role):
    response = client_for(personas[role]).get(reverse("datacollection:round-detail", args=[round_.slug]))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 2
    body = response.content.decode()
    assert reverse("datacollection:round-close", args=[round_.slug]) not in body
    assert "เลขประจำตัวที่พบในมากกว่าหนึ่งโรงเรียน" not in body  # staff only


@pytest.mark.django_db
def test_round_detail_lists_ids_found_in_two_schools_masked(
    client_for, district_staff, officer_a, officer_b, round_, school_a, school_b
):
    students_a = _students(school_a, n=6)
    _upload_via_service(_submission(round_, school_a), officer_a, _csv(students_a))
    students_b = _students(school_b, n=6, seed=7)
    students_b[2]["national_id"] = students_a[4]["national_id"]
    _upload_via_service(_submission(round_, school_b), officer_b, _csv(students_b))
    response = client_for(district_staff).get(reverse("datacollection:round-detail", args=[round_.slug]))
    nid = students_a[4]["national_id"]
    [duplicate] = response.context["duplicates"]
    assert duplicate["masked_id"] == f"{nid[0]}xxxxxxxx{nid[-4:]}"
    assert duplicate["count"] == 2
    assert {s["code"] for s in duplicate["schools"]} == {school_a.code, school_b.code}
    body = response.content.decode()
    assert duplicate["masked_id"] in body
    assert nid not in body


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_round_detail_does_not_query_per_school(client_for, district_staff, officer_a, school_a):
    def round_with(n, number):
        schools = [school_a, *(SchoolFactory() for _ in range(n))]
        return dmc_round(actor=district_staff, schools=schools, number=number, as_of=AS_OF)

    few, many = round_with(2, 1), round_with(30, 3)
    for round_ in (few, many):
        _to_state(_submission(round_, school_a), S.SUBMITTED, officer=officer_a, staff=district_staff)
    client = client_for(district_staff)
    url = "datacollection:round-detail"
    assert _queries(client, reverse(url, args=[many.slug])) == _queries(client, reverse(url, args=[few.slug]))
    export = "datacollection:round-export"
    assert _queries(client, reverse(export, args=[many.slug])) == _queries(
        client, reverse(export, args=[few.slug])
    )


@pytest.mark.django_db
def test_round_export_is_an_xlsx_of_the_schools_in_scope(
    client_for, district_staff, officer_a, round_, school_a
):
    _to_state(_submission(round_, school_a), S.DRAFT, officer=officer_a, staff=district_staff)
    response = client_for(district_staff).get(reverse("datacollection:round-export", args=[round_.slug]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("รหัสโรงเรียน", "ชื่อโรงเรียน", "อำเภอ", "สถานะ")
    by_code = {row[0]: row for row in rows[1:]}
    assert len(by_code) == 2
    assert by_code[school_a.code][3] == "ฉบับร่าง"
    assert by_code[school_a.code][5] == 8
    officer_rows = openpyxl.load_workbook(
        io.BytesIO(
            client_for(officer_a).get(reverse("datacollection:round-export", args=[round_.slug])).content
        )
    ).active
    assert [row[0] for row in officer_rows.iter_rows(min_row=2, values_only=True)] == [school_a.code]


# --- A school's submission: uploads ----------------------------------------------------------------


@pytest.mark.django_db
def test_officer_uploads_a_small_file_through_the_page_and_it_is_checked_inline(
    client_for, officer_a, round_, school_a
):
    client = client_for(officer_a)
    page = client.get(_url("submission-detail", round_, school_a))
    assert page.status_code == 200
    assert page.context["can_upload"] and "Windows-874" in page.content.decode()
    response = client.post(
        _url("submission-upload", round_, school_a),
        {"file": SimpleUploadedFile("dmc.csv", _csv(_students(school_a)), content_type="text/csv")},
        follow=True,
    )
    assert response.status_code == 200
    submission = _submission(round_, school_a)
    assert submission.status == S.DRAFT
    assert StudentRecord.objects.filter(round=round_, school=school_a).count() == 8
    body = response.content.decode()
    assert "ผ่านการตรวจสอบ" in body
    assert "ยืนยันส่งข้อมูล" in body  # the next step is offered
    assert AuditLog.objects.filter(action="datacollection.upload.received").count() == 1


@pytest.mark.django_db
def test_a_file_with_errors_shows_each_problem_with_its_row_and_offers_the_report(
    client_for, officer_a, round_, school_a
):
    students = samples.defect(_students(school_a), 3, "national_id", "1234567890123")  # bad checksum
    client = client_for(officer_a)
    response = client.post(
        _url("submission-upload", round_, school_a),
        {"file": SimpleUploadedFile("dmc.csv", _csv(students), content_type="text/csv")},
        follow=True,
    )
    submission = _submission(round_, school_a)
    assert submission.status == S.NOT_STARTED
    upload = submission.uploads.get()
    assert upload.status == Upload.Status.REJECTED
    [issue] = [i for i in response.context["issues"] if i["code"] == "id_checksum"]
    assert issue["row"] == samples.data_row(3)
    body = response.content.decode()
    assert 'class="issue-error"' in body
    assert issue["message"] in body
    assert "1234567890123" in body  # the officer sees the value to fix
    report_url = _url("upload-report", round_, school_a, pk=upload.pk)
    assert report_url in body

    report = client.get(report_url)
    assert report.status_code == 200
    assert "attachment" in report["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    data = workbook.worksheets[1]
    marked = [row for row in data.iter_rows(min_row=2, values_only=True) if row[1]]
    assert [row[0] for row in marked] == [samples.data_row(3)]
    assert AuditLog.objects.filter(
        action="datacollection.records.viewed", data__report="error_report"
    ).exists()


@pytest.mark.django_db
def test_error_report_of_a_file_that_is_not_a_table_lists_the_problem(
    client_for, officer_a, round_, school_a
):
    submission = _submission(round_, school_a)
    _upload_via_service(submission, officer_a, b"\x00\x01junk\xff" * 50, name="junk.csv")
    upload = submission.uploads.get()
    response = client_for(officer_a).get(_url("upload-report", round_, school_a, pk=upload.pk))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary = [cell for row in workbook.worksheets[0].iter_rows(values_only=True) for cell in row if cell]
    assert upload.issues[0]["message"] in summary


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [("director", 403), ("ict_staff", 403), ("officer_b", 404)])
def test_error_report_is_only_for_those_who_may_read_records(
    client_for, personas, officer_a, round_, school_a, role, status
):
    submission = _submission(round_, school_a)
    _upload_via_service(submission, officer_a, _csv(_students(school_a)))
    upload = submission.uploads.get()
    assert (
        client_for(personas[role]).get(_url("upload-report", round_, school_a, pk=upload.pk)).status_code
        == status
    )


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_a_form_error(client_for, officer_a, round_, school_a, settings):
    settings.DMC_UPLOAD_MAX_BYTES = 100
    response = client_for(officer_a).post(
        _url("submission-upload", round_, school_a),
        {"file": SimpleUploadedFile("dmc.csv", _csv(_students(school_a)), content_type="text/csv")},
    )
    assert response.status_code == 200
    assert "ไฟล์ใหญ่เกินไป" in str(response.context["upload_form"].errors["file"])
    assert not Upload.objects.exists()


@pytest.mark.django_db
def test_a_large_file_is_checked_in_the_background_while_the_page_polls_its_progress(
    client_for, officer_a, round_, school_a, settings, django_capture_on_commit_callbacks
):
    settings.UPLOAD_INLINE_MAX_BYTES = 10  # every file is "large"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client = client_for(officer_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            _url("submission-upload", round_, school_a),
            {"file": SimpleUploadedFile("dmc.csv", _csv(_students(school_a)), content_type="text/csv")},
        )
    assert response.status_code == 302
    upload = Upload.objects.get()
    assert upload.status == Upload.Status.PROCESSING
    assert len(callbacks) == 1  # the task is queued once the upload is committed

    page = client.get(_url("submission-detail", round_, school_a))
    progress_url = _url("upload-progress", round_, school_a, pk=upload.pk)
    assert f'hx-get="{progress_url}"' in page.content.decode()
    assert page.context["upload_form"] is None  # no second file while the first is being checked
    polled = client.get(progress_url, HTTP_HX_REQUEST="true")
    assert polled.status_code == 200
    assert "HX-Refresh" not in polled
    assert 'hx-trigger="every 1s"' in polled.content.decode()

    callbacks[0]()  # the worker (eager here) processes the upload
    upload.refresh_from_db()
    assert upload.status == Upload.Status.VALID
    done = client.get(progress_url, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    assert _submission(round_, school_a).status == S.DRAFT
    assert client.post(progress_url).status_code == 405


@pytest.mark.django_db
def test_upload_page_refuses_other_schools_and_read_only_roles(client_for, personas, round_, school_a):
    url = _url("submission-upload", round_, school_a)
    file = {"file": SimpleUploadedFile("dmc.csv", b"x", content_type="text/csv")}
    assert client_for(personas["officer_b"]).post(url, file).status_code == 404
    assert client_for(personas["director"]).post(url, file).status_code == 403
    assert client_for(personas["officer_a"]).get(url).status_code == 405
    assert not Upload.objects.exists()


@pytest.mark.django_db
def test_an_accepted_submission_is_locked_with_no_upload_form(
    client_for, district_staff, officer_a, round_, school_a
):
    _to_state(_submission(round_, school_a), S.ACCEPTED, officer=officer_a, staff=district_staff)
    client = client_for(officer_a)
    response = client.get(_url("submission-detail", round_, school_a))
    assert response.context["upload_form"] is None
    assert _url("submission-upload", round_, school_a) not in response.content.decode()
    assert "ข้อมูลถูกล็อก" in response.content.decode()
    posted = client.post(
        _url("submission-upload", round_, school_a),
        {"file": SimpleUploadedFile("dmc.csv", _csv(_students(school_a)), content_type="text/csv")},
        follow=True,
    )
    assert "ส่งไฟล์ไม่ได้ในขณะนี้" in posted.content.decode()
    assert Upload.objects.count() == 1


# --- The workflow through the pages, for every role -----------------------------------------------

# verb → (state before, state after, audit action, POST data, the roles that may use it)
SCHOOL, DISTRICT = {"officer_a"}, {"admin", "district_staff"}
VERBS = {
    "submit": (S.DRAFT, S.SUBMITTED, "submitted", {}, SCHOOL),
    "withdraw": (S.SUBMITTED, S.DRAFT, "withdrawn", {}, SCHOOL),
    "return": (S.SUBMITTED, S.RETURNED, "returned", {"comment": "ห้อง ป.3/2 ขาดนักเรียน 2 คน"}, DISTRICT),
    "accept": (S.SUBMITTED, S.ACCEPTED, "accepted", {"comment": "ครบถ้วน"}, DISTRICT),
    "reopen": (S.ACCEPTED, S.DRAFT, "reopened", {"reason": "ผู้ปกครองแจ้งย้ายโรงเรียน"}, DISTRICT),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("verb", list(VERBS))
def test_workflow_verb_through_its_page(client_for, personas, district_staff, round_, school_a, verb, role):
    before, after, action, data, allowed = VERBS[verb]
    submission = _to_state(
        _submission(round_, school_a), before, officer=personas["officer_a"], staff=district_staff
    )
    events = SubmissionEvent.objects.count()
    client = client_for(personas[role])
    url = _url(f"submission-{verb}", round_, school_a)

    assert client.get(url).status_code == 405
    response = client.post(url, data)
    submission.refresh_from_db()

    if role in allowed:
        assert response.status_code == 302
        assert response["Location"] == _url("submission-detail", round_, school_a)
        assert submission.status == after
        event = SubmissionEvent.objects.latest("id")
        assert SubmissionEvent.objects.count() == events + 1
        assert (event.actor, event.from_status, event.to_status) == (personas[role], before, after)
        assert event.comment == data.get("comment", data.get("reason", "")).strip()
        entry = AuditLog.objects.filter(action=f"datacollection.submission.{action}").latest("id")
        assert entry.actor == personas[role]
        assert entry.target_id == str(submission.pk)
        page = client.get(response["Location"])
        assert any(e.to_status == after for e in page.context["events"])  # the history on the page
    else:
        assert response.status_code == (404 if role == "officer_b" else 403)
        assert submission.status == before
        assert SubmissionEvent.objects.count() == events


@pytest.mark.django_db
def test_a_second_click_on_submit_is_a_message_not_an_error(
    client_for, district_staff, officer_a, round_, school_a
):
    _to_state(_submission(round_, school_a), S.DRAFT, officer=officer_a, staff=district_staff)
    client = client_for(officer_a)
    client.post(_url("submission-submit", round_, school_a))
    again = client.post(_url("submission-submit", round_, school_a), follow=True)
    assert again.status_code == 200
    assert "ทำรายการนี้ไม่ได้ในสถานะ" in again.content.decode()
    assert SubmissionEvent.objects.filter(to_status=S.SUBMITTED).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("verb", "field"), [("return", "comment"), ("reopen", "reason")])
def test_return_and_reopen_need_a_written_reason(
    client_for, district_staff, officer_a, round_, school_a, verb, field
):
    state = S.SUBMITTED if verb == "return" else S.ACCEPTED
    submission = _to_state(_submission(round_, school_a), state, officer=officer_a, staff=district_staff)
    response = client_for(district_staff).post(
        _url(f"submission-{verb}", round_, school_a), {field: "  "}, follow=True
    )
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == state


@pytest.mark.django_db
def test_school_sees_the_return_comment_on_its_page(client_for, district_staff, officer_a, round_, school_a):
    _to_state(_submission(round_, school_a), S.SUBMITTED, officer=officer_a, staff=district_staff)
    client_for(district_staff).post(
        _url("submission-return", round_, school_a), {"comment": "ตรวจวันเกิดชั้น อ.1"}
    )
    page = client_for(officer_a).get(_url("submission-detail", round_, school_a))
    assert page.context["return_comment"] == "ตรวจวันเกิดชั้น อ.1"
    assert page.context["can_submit"] and page.context["can_upload"]
    assert "ตรวจวันเกิดชั้น อ.1" in page.content.decode()


@pytest.mark.django_db
def test_submission_page_shows_the_schools_other_rounds(
    client_for, district_staff, officer_a, school_a, school_b
):
    earlier = dmc_round(actor=district_staff, schools=[school_a], number=1, as_of=AS_OF)
    submission = _to_state(
        _submission(earlier, school_a), S.SUBMITTED, officer=officer_a, staff=district_staff
    )
    workflow.submission_return(submission, actor=district_staff, comment="แก้ไข")
    current = dmc_round(actor=district_staff, schools=[school_a, school_b], number=2, as_of=AS_OF)
    page = client_for(officer_a).get(_url("submission-detail", current, school_a))
    [other] = page.context["others"]
    assert other.round == earlier
    assert (other.returned_count, other.on_time) == (1, True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("district_staff", 200),
        ("ict_staff", 200),
        ("director", 200),
        ("officer_a", 200),
        ("officer_b", 404),
    ],
)
def test_who_may_open_a_submission_page(client_for, personas, round_, school_a, role, status):
    response = client_for(personas[role]).get(_url("submission-detail", round_, school_a))
    assert response.status_code == status
    if status == 200 and role in ("director", "ict_staff"):
        flags = ("can_upload", "can_submit", "can_withdraw", "can_verify", "can_reopen", "can_view_records")
        assert not any(response.context[flag] for flag in flags)


@pytest.mark.django_db
def test_staff_pages_send_anonymous_visitors_to_log_in(client, round_, school_a):
    urls = [
        reverse("datacollection:round-detail", args=[round_.slug]),
        _url("submission-detail", round_, school_a),
        _url("submission-records", round_, school_a),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- Student records -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_records_page_masks_ids_and_logs_every_view(client_for, officer_a, round_, school_a):
    students = _students(school_a, n=12)
    _upload_via_service(_submission(round_, school_a), officer_a, _csv(students))
    client = client_for(officer_a)
    url = _url("submission-records", round_, school_a)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for student in students:
        assert student["national_id"] not in body
    first = students[0]["national_id"]
    assert f"{first[0]}xxxxxxxx{first[-4:]}" in body
    assert AuditLog.objects.filter(action="datacollection.records.viewed").count() == 1

    grade = students[-1]["grade"]
    filtered = client.get(url, {"grade": grade})
    assert {r.grade for r in filtered.context["page"].object_list} == {grade}
    name = students[5]["first_name"]
    searched = client.get(url, {"q": name})
    assert all(name in r.first_name for r in searched.context["page"].object_list)
    entries = AuditLog.objects.filter(action="datacollection.records.viewed").order_by("id")
    assert entries.count() == 3
    assert entries.last().data["q"] == name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("district_staff", 200),
        ("ict_staff", 403),
        ("director", 403),
        ("officer_a", 200),
        ("officer_b", 404),
    ],
)
def test_who_may_read_student_records(client_for, personas, round_, school_a, role, status):
    assert client_for(personas[role]).get(_url("submission-records", round_, school_a)).status_code == status
    logged = AuditLog.objects.filter(action="datacollection.records.viewed").exists()
    assert logged == (status == 200)
