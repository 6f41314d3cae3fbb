"""The student movement watch: known leavers, finishers, movers and entrants between two DMC rounds,
exactly; which records count; who sees what; audit rows; the XLSX exports; the summary's query count."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aoc.models import AuditLog
from datacollection import movement, samples, services
from datacollection.models import LeaverFollowUp, StudentRecord, Submission, Upload
from schools.models import School
from tests.factories import SchoolFactory, dmc_round, submission_with_students

S = Submission.Status


def _round(actor, year, number, month, day, status="planned", schools=()):
    as_of = datetime.date(year - 543, month, day)
    return dmc_round(
        actor=actor,
        number=number,
        academic_year=year,
        status=status,
        schools=schools,
        as_of=as_of,
        opens_on=as_of,
        deadline=as_of + datetime.timedelta(days=20),
        closes_on=as_of + datetime.timedelta(days=30),
    )


def _ids(records) -> set[str]:
    return {r.national_id for r in records}


def _students(*pairs):
    return [{"national_id": nid, "grade": grade} for nid, grade in pairs]


# Thirteen-digit IDs (the check digit does not matter here: the records are written directly).
A_STAYS, A_LEAVES, A_P6_LEAVES, A_TO_B, A_K3 = (
    "1100000000011",
    "1100000000029",
    "1100000000037",
    "1100000000045",
    "1100000000053",
)
B_STAYS, B_TO_A = "1200000000018", "1200000000026"
NEW_IN_A, NEW_IN_B, NEW_GCODE = "1300000000015", "1300000000023", "G664290000001"  # fmt: skip


@pytest.fixture
def within_year(district_staff, school_a, school_b):
    """Round 1 → round 2 of 2569, both schools submitted or accepted."""
    r1 = _round(district_staff, 2569, 1, 6, 10)
    r2 = _round(district_staff, 2569, 2, 11, 10)
    submission_with_students(
        r1, school_a,
        _students((A_STAYS, "ป.3"), (A_LEAVES, "ป.4"), (A_P6_LEAVES, "ป.6"), (A_TO_B, "ป.2"), (A_K3, "อ.3")),
        status=S.ACCEPTED,
    )  # fmt: skip
    submission_with_students(r1, school_b, _students((B_STAYS, "ป.1"), (B_TO_A, "ป.5")), status=S.ACCEPTED)
    submission_with_students(
        r2, school_a, _students((A_STAYS, "ป.3"), (A_K3, "อ.3"), (B_TO_A, "ป.5"), (NEW_IN_A, "ป.1"))
    )
    submission_with_students(
        r2, school_b, _students((B_STAYS, "ป.1"), (A_TO_B, "ป.2"), (NEW_IN_B, "อ.1"), (NEW_GCODE, "ป.2")),
        status=S.ACCEPTED,
    )  # fmt: skip
    return movement.round_pair(r2.slug)


@pytest.mark.django_db
def test_round_pairs_are_consecutive_dmc_rounds_newest_first(district_staff):
    r1 = _round(district_staff, 2569, 1, 6, 10)
    r3 = _round(district_staff, 2569, 3, 3, 31)
    r2 = _round(district_staff, 2569, 2, 11, 10)
    next_r1 = _round(district_staff, 2570, 1, 6, 10)
    pairs = movement.round_pairs()
    assert [(p.before, p.after) for p in pairs] == [(r3, next_r1), (r2, r3), (r1, r2)]
    assert [p.crosses_year for p in pairs] == [True, False, False]


@pytest.mark.django_db
def test_school_lists_are_exact_within_a_year(within_year, school_a, school_b):
    a = movement.school_movement(within_year, school_a)
    assert a.compared
    assert _ids(a.records(movement.LEFT)) == {A_LEAVES, A_P6_LEAVES}  # ป.6 in round 2 has not finished yet
    assert _ids(a.records(movement.FINISHED)) == set()
    assert _ids(a.records(movement.MOVED_OUT)) == {A_TO_B}
    assert _ids(a.records(movement.MOVED_IN)) == {B_TO_A}
    assert _ids(a.records(movement.ENTRANT)) == {NEW_IN_A}
    moved_out = a.records(movement.MOVED_OUT)[0]
    assert (moved_out.other_school, moved_out.other_grade) == (school_b.name_th, "ป.2")
    assert a.records(movement.MOVED_IN)[0].other_school == school_b.name_th

    b = movement.school_movement(within_year, school_b)
    assert _ids(b.records(movement.LEFT)) == set()
    assert _ids(b.records(movement.MOVED_OUT)) == {B_TO_A}
    assert _ids(b.records(movement.MOVED_IN)) == {A_TO_B}
    assert _ids(b.records(movement.ENTRANT)) == {NEW_IN_B, NEW_GCODE}


@pytest.mark.django_db
def test_summary_counts_per_school_amphoe_and_district(within_year, district_staff, school_a, school_b):
    summary = movement.movement_summary(within_year, user=district_staff)
    rows = {row.school: row for row in summary.schools}
    a, b = rows[school_a].counts, rows[school_b].counts
    assert (a.left, a.finished, a.moved_out, a.moved_in, a.entrants) == (2, 0, 1, 1, 1)
    assert (b.left, b.finished, b.moved_out, b.moved_in, b.entrants) == (0, 0, 1, 1, 2)
    assert (a.students_before, a.students_after) == (5, 4)
    total = summary.total
    assert (total.left, total.moved_out, total.moved_in, total.entrants) == (2, 2, 2, 3)
    assert summary.compared == 2 and summary.pending_before == summary.pending_after == 0
    [amphoe] = summary.amphoes  # both factory schools are in หาดใหญ่
    assert amphoe.counts.left == 2 and amphoe.compared == amphoe.schools == 2


@pytest.mark.django_db
def test_at_the_end_of_the_year_the_last_grade_of_a_level_finished_and_kindergarten_did_not(district_staff):
    primary = SchoolFactory(level=School.Level.KINDER_PRIMARY)
    extended = SchoolFactory(level=School.Level.KINDER_LOWER_SECONDARY)
    r3 = _round(district_staff, 2569, 3, 3, 31)
    r1 = _round(district_staff, 2570, 1, 6, 10)
    p6_done, p6_to_extended, k3_gone, p4_gone = (
        "1400000000011",
        "1400000000029",
        "1400000000037",
        "1400000000045",
    )
    m3_done, m1_stays = "1500000000016", "1500000000024"
    submission_with_students(
        r3, primary, _students((p6_done, "ป.6"), (p6_to_extended, "ป.6"), (k3_gone, "อ.3"), (p4_gone, "ป.4"))
    )
    submission_with_students(r3, extended, _students((m3_done, "ม.3"), (m1_stays, "ม.1")))
    submission_with_students(r1, primary, _students(("1400000000053", "อ.1")))
    submission_with_students(r1, extended, _students((m1_stays, "ม.2"), (p6_to_extended, "ม.1")))
    pair = movement.round_pair(r1.slug)
    assert pair.crosses_year

    p = movement.school_movement(pair, primary)
    assert _ids(p.records(movement.FINISHED)) == {p6_done}
    assert _ids(p.records(movement.LEFT)) == {k3_gone, p4_gone}  # อ.3 goes on to ป.1: not finished
    assert _ids(p.records(movement.MOVED_OUT)) == {p6_to_extended}
    e = movement.school_movement(pair, extended)
    assert _ids(e.records(movement.FINISHED)) == {m3_done}
    assert _ids(e.records(movement.MOVED_IN)) == {p6_to_extended}
    assert e.records(movement.MOVED_IN)[0].other_grade == "ป.6"

    summary = movement.movement_summary(pair, user=district_staff)
    rows = {row.school: row.counts for row in summary.schools}
    assert (rows[primary].finished, rows[primary].left, rows[primary].moved_out) == (1, 2, 1)
    assert (rows[extended].finished, rows[extended].left, rows[extended].moved_in) == (1, 0, 1)
    assert {r.national_id for r in movement.district_leavers(pair, user=district_staff)} == {k3_gone, p4_gone}


@pytest.mark.django_db
def test_only_current_records_of_submitted_or_accepted_submissions_count(
    within_year, school_a, school_b, district_staff
):
    # School B's round-2 submission goes back to draft (returned, being corrected): it no longer counts.
    after = Submission.objects.get(round=within_year.after, school=school_b)
    after.status = S.RETURNED
    after.save(update_fields=["status"])
    # A stale record of an older upload of school A's round 2 (not the current upload) never counts.
    older = Upload.objects.create(
        submission=Submission.objects.get(round=within_year.after, school=school_a),
        file="x.csv", original_name="x.csv", sha256="1" * 64, size=1, status=Upload.Status.VALID,
    )  # fmt: skip
    StudentRecord.objects.create(
        upload=older, round=within_year.after, school=school_a, row_number=2, national_id=A_LEAVES,
        grade="ป.4", first_name="เก่า", last_name="เก่า",
    )  # fmt: skip

    a = movement.school_movement(within_year, school_a)
    # A_TO_B is in school B's returned submission only: until B submits again, A sees the child as gone.
    assert _ids(a.records(movement.LEFT)) == {A_LEAVES, A_P6_LEAVES, A_TO_B}
    assert _ids(a.records(movement.MOVED_OUT)) == set()
    # B_TO_A came from B's accepted round-1 submission: still a mover.
    assert _ids(a.records(movement.MOVED_IN)) == {B_TO_A}

    b = movement.school_movement(within_year, school_b)
    assert not b.compared and not b.lists
    summary = movement.movement_summary(within_year, user=district_staff)
    rows = {row.school: row for row in summary.schools}
    assert not rows[school_b].compared and rows[school_b].status_after == S.RETURNED.label
    assert summary.pending_after == 1 and summary.compared == 1
    assert summary.total.left == 3


@pytest.mark.django_db
def test_a_gcode_replaced_by_a_national_id_is_marked_as_a_possible_id_change(district_staff, school_a):
    r1 = _round(district_staff, 2569, 1, 6, 10)
    r2 = _round(district_staff, 2569, 2, 11, 10)
    child = {"first_name": "อามีนา", "last_name": "สาและ", "birth_date": datetime.date(2016, 3, 2)}
    submission_with_students(r1, school_a, [{"national_id": "G664290000007", "grade": "ป.2", **child}])
    submission_with_students(r2, school_a, [{"national_id": "1100000000061", "grade": "ป.2", **child}])
    result = movement.school_movement(movement.round_pair(r2.slug), school_a)
    [leaver] = result.records(movement.LEFT)
    assert leaver.id_kind == "gcode" and leaver.id_changed
    assert _ids(result.records(movement.ENTRANT)) == {"1100000000061"}


@pytest.mark.django_db
def test_records_stored_by_the_real_pipeline_are_followed(district_staff, school_a, school_b):
    """Files uploaded, checked and submitted through the services: students who moved are found."""
    officer = district_staff
    as_of = {1: datetime.date(2026, 6, 10), 2: datetime.date(2026, 11, 10)}
    rounds = {
        n: _round(district_staff, 2569, n, d.month, d.day, status="open", schools=[school_a, school_b])
        for n, d in as_of.items()
    }
    students = {
        school.pk: samples.make_students(
            12,
            school_code=school.code,
            school_grades=school.grades,
            seed=seed,
            as_of=as_of[1],
            serial_base=seed * 100_000,
        )
        for seed, school in ((1, school_a), (2, school_b))
    }
    a1, b1 = students[school_a.pk], students[school_b.pk]
    mover, leaver = a1[3], a1[5]
    a2 = [s for s in a1 if s not in (mover, leaver)]
    b2 = [*b1, {**mover, "school_code": school_b.code}]
    for number, lists in ((1, {school_a: a1, school_b: b1}), (2, {school_a: a2, school_b: b2})):
        for school, rows in lists.items():
            submission, _ = Submission.objects.get_or_create(round=rounds[number], school=school)
            content = samples.csv_bytes(rows, as_of=as_of[number])
            upload = services.upload_receive(
                submission, actor=officer, file=SimpleUploadedFile("dmc.csv", content), name="dmc.csv"
            )
            assert services.upload_process(upload.pk).status == "imported"
            submission.refresh_from_db()
            submission.status = S.SUBMITTED  # as submission_submit leaves it (officers only)
            submission.save(update_fields=["status"])
    result = movement.school_movement(movement.round_pair(rounds[2].slug), school_a)
    assert _ids(result.records(movement.LEFT)) == {leaver["national_id"]}
    assert _ids(result.records(movement.MOVED_OUT)) == {mover["national_id"]}
    assert not result.records(movement.ENTRANT) and not result.records(movement.MOVED_IN)


# --- Pages --------------------------------------------------------------------------------------------


def _summary_url(pair):
    return reverse("datacollection:movement-summary", kwargs={"slug": pair.after.slug})


def _school_url(pair, school, name="movement-school"):
    return reverse(f"datacollection:{name}", kwargs={"slug": pair.after.slug, "code": school.code})


@pytest.mark.django_db
def test_index_redirects_to_the_newest_pair(client_for, district_staff, within_year):
    response = client_for(district_staff).get(reverse("datacollection:movement-index"))
    assert response.status_code == 302 and response.url == _summary_url(within_year)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "summary", "list_a", "list_b"),
    [
        ("admin", 200, 200, 200),
        ("district_staff", 200, 200, 200),
        ("director", 200, 403, 403),
        ("ict_staff", 200, 403, 403),
        ("officer_a", 200, 200, 404),
        ("officer_b", 200, 404, 200),
    ],
)
def test_who_sees_the_summary_and_the_lists(
    client_for, personas, within_year, school_a, school_b, role, summary, list_a, list_b
):
    client = client_for(personas[role])
    assert client.get(_summary_url(within_year)).status_code == summary
    for school, expected in ((school_a, list_a), (school_b, list_b)):
        assert client.get(_school_url(within_year, school)).status_code == expected
        assert client.get(_school_url(within_year, school, "movement-school-export")).status_code == expected


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, within_year, school_a):
    for url in (
        reverse("datacollection:movement-index"),
        _summary_url(within_year),
        _school_url(within_year, school_a),
        _school_url(within_year, school_a, "movement-school-export"),
        reverse("datacollection:movement-district-export", kwargs={"slug": within_year.after.slug}),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_director_sees_counts_without_names_or_links(client_for, director, within_year, school_a):
    body = client_for(director).get(_summary_url(within_year)).content.decode()
    assert school_a.display_name in body
    assert _school_url(within_year, school_a) not in body
    assert "ชื่อ" + A_LEAVES[-4:] not in body
    assert "แสดงเฉพาะจำนวน" in body


@pytest.mark.django_db
def test_officer_summary_shows_only_their_school(client_for, officer_a, within_year, school_a, school_b):
    body = client_for(officer_a).get(_summary_url(within_year)).content.decode()
    assert school_a.display_name in body and school_b.display_name not in body
    assert _school_url(within_year, school_a) in body


@pytest.mark.django_db
def test_viewing_a_list_is_audited_and_ids_are_masked(client_for, officer_a, within_year, school_a):
    response = client_for(officer_a).get(_school_url(within_year, school_a))
    body = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "ชื่อ" + A_LEAVES[-4:] in body  # the leaver's name is listed
    assert A_LEAVES not in body and "1xxxxxxxx0029" in body
    entry = AuditLog.objects.get(action="datacollection.movement.viewed")
    assert entry.actor == officer_a and entry.target_id == str(school_a.pk)
    assert entry.data["before"] == within_year.before.slug and entry.data["after"] == within_year.after.slug
    assert entry.data["counts"] == {"left": 2, "moved_out": 1, "moved_in": 1, "entrant": 1}


@pytest.mark.django_db
def test_school_export_lists_every_category_and_is_audited(client_for, district_staff, within_year, school_a):
    response = client_for(district_staff).get(_school_url(within_year, school_a, "movement-school-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("ประเภท", "เลขประจำตัวประชาชน", "ประเภทเลขประจำตัว")
    by_id = {row[1]: row for row in rows[1:]}
    assert set(by_id) == {"1xxxxxxxx0029", "1xxxxxxxx0037", "1xxxxxxxx0045", "1xxxxxxxx0026", "1xxxxxxxx0015"}
    assert by_id["1xxxxxxxx0029"][0].startswith("ออกจากโรงเรียน")
    assert by_id["1xxxxxxxx0045"][0] == "ย้ายไปโรงเรียนอื่นในเขต" and by_id["1xxxxxxxx0045"][11] == "วัดคลองแห"
    assert by_id["1xxxxxxxx0026"][0] == "ย้ายมาจากโรงเรียนอื่นในเขต"
    entry = AuditLog.objects.get(action="datacollection.movement.exported")
    assert entry.actor == district_staff and entry.data["rows"] == 5 and entry.data["school"] == school_a.code


@pytest.mark.django_db
def test_district_leavers_export_is_for_district_staff_and_audited(
    client_for, district_staff, director, officer_a, within_year, school_a
):
    url = reverse("datacollection:movement-district-export", kwargs={"slug": within_year.after.slug})
    assert client_for(director).get(url).status_code == 403
    assert client_for(officer_a).get(url).status_code == 403
    response = client_for(district_staff).get(url)
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert sorted(row[3] for row in rows[1:]) == ["1xxxxxxxx0029", "1xxxxxxxx0037"]
    assert {row[1] for row in rows[1:]} == {school_a.code}
    entry = AuditLog.objects.get(action="datacollection.movement.exported")
    assert entry.data == {
        "before": within_year.before.slug,
        "after": within_year.after.slug,
        "school": "",
        "rows": 2,
    }


@pytest.mark.django_db
def test_a_round_without_an_earlier_round_is_404(client_for, district_staff):
    r1 = _round(district_staff, 2569, 1, 6, 10)
    url = reverse("datacollection:movement-summary", kwargs={"slug": r1.slug})
    assert client_for(district_staff).get(url).status_code == 404


@pytest.mark.django_db
def test_no_pairs_yet_says_so(client_for, district_staff):
    response = client_for(district_staff).get(reverse("datacollection:movement-index"))
    assert response.status_code == 200
    assert "ยังไม่มีรอบ DMC สองรอบติดกันให้เปรียบเทียบ" in response.content.decode()


@pytest.mark.django_db
def test_summary_query_count_does_not_grow_with_schools_or_students(client_for, district_staff, within_year):
    client = client_for(district_staff)
    url = _summary_url(within_year)
    client.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for i in range(5):
        school = SchoolFactory()
        ids = [f"17{i:02d}{n:09d}" for n in range(6)]
        submission_with_students(within_year.before, school, _students(*((nid, "ป.2") for nid in ids)))
        submission_with_students(within_year.after, school, _students(*((nid, "ป.2") for nid in ids[2:])))
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert response.status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries)
    summary = response.context["summary"]
    assert summary.compared == 7 and summary.total.left == 2 + 5 * 2


# --- Follow-up of leavers -------------------------------------------------------------------------------


def _follow_up(client, pair, school, national_id, outcome="moved_away", note="ย้ายตามผู้ปกครองไปภูเก็ต"):
    """Post the form as the page does: with the child's record of the earlier round."""
    record = StudentRecord.objects.filter(round=pair.before, national_id=national_id).first()
    data = {"record": record.pk if record else 0, "outcome": outcome, "note": note}
    return client.post(_school_url(pair, school, "movement-follow-up"), data)


@pytest.mark.django_db
def test_school_officer_records_the_follow_up_of_a_leaver(client_for, officer_a, within_year, school_a):
    client = client_for(officer_a)
    response = _follow_up(client, within_year, school_a, A_LEAVES)
    assert response.status_code == 302 and response.url.endswith("#left")
    follow_up = LeaverFollowUp.objects.get()
    assert (follow_up.round, follow_up.school, follow_up.national_id) == (
        within_year.after,
        school_a,
        A_LEAVES,
    )
    assert follow_up.outcome == "moved_away" and follow_up.updated_by == officer_a
    entry = AuditLog.objects.get(action="datacollection.leaver.followed_up")
    assert entry.actor == officer_a and entry.data["student"] == "1xxxxxxxx0029" and entry.data["created"]
    # Changed later: the same row, a second audit entry.
    _follow_up(client, within_year, school_a, A_LEAVES, outcome="returned", note="กลับมาเรียนแล้ว")
    follow_up.refresh_from_db()
    assert follow_up.outcome == "returned" and LeaverFollowUp.objects.count() == 1
    assert AuditLog.objects.filter(action="datacollection.leaver.followed_up").count() == 2
    body = client.get(_school_url(within_year, school_a)).content.decode()
    assert "กลับเข้าเรียนแล้ว" in body and "กลับมาเรียนแล้ว" in body
    # The summary counts the leavers followed up, for the district and the director alike.
    summary = movement.movement_summary(within_year, user=officer_a)
    assert (summary.total.left, summary.total.followed_up) == (2, 1)
    # The school's export and the district's list carry it.
    export = client.get(_school_url(within_year, school_a, "movement-school-export"))
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][13] == "ผลการติดตาม"
    assert {row[1]: row[13] for row in rows[1:]}["1xxxxxxxx0029"] == "กลับเข้าเรียนแล้ว กลับมาเรียนแล้ว"
    [leaver] = [
        r for r in movement.district_leavers(within_year, user=officer_a) if r.national_id == A_LEAVES
    ]
    assert (leaver.follow_up_outcome, leaver.follow_up_note) == ("returned", "กลับมาเรียนแล้ว")


@pytest.mark.django_db
def test_the_district_export_carries_the_schools_follow_ups(
    client_for, officer_a, district_staff, within_year, school_a
):
    _follow_up(client_for(officer_a), within_year, school_a, A_LEAVES, note="ย้ายตามผู้ปกครอง")
    url = reverse("datacollection:movement-district-export", kwargs={"slug": within_year.after.slug})
    response = client_for(district_staff).get(url)
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {row[3]: (row[13], row[14]) for row in rows[1:]}["1xxxxxxxx0029"] == (
        "ย้ายไปเรียนนอกเขตพื้นที่",
        "ย้ายตามผู้ปกครอง",
    )


@pytest.mark.django_db
def test_a_follow_up_note_that_looks_like_a_formula_stays_text_in_the_exports(
    client_for, officer_a, district_staff, within_year, school_a
):
    note = '=HYPERLINK("http://example.com","คลิก")'
    _follow_up(client_for(officer_a), within_year, school_a, A_LEAVES, note=note)
    urls = [
        reverse("datacollection:movement-district-export", kwargs={"slug": within_year.after.slug}),
        _school_url(within_year, school_a, "movement-school-export"),
    ]
    for url in urls:
        content = client_for(district_staff).get(url).content
        ws = openpyxl.load_workbook(io.BytesIO(content)).active
        cells = [
            cell
            for row in ws.iter_rows()
            for cell in row
            if isinstance(cell.value, str) and note in cell.value
        ]
        assert cells, url
        assert all(cell.data_type == "s" for cell in cells), url


@pytest.mark.django_db
def test_follow_up_only_for_a_leaver_of_the_school(client_for, officer_a, within_year, school_a):
    client = client_for(officer_a)
    for national_id in (A_STAYS, A_TO_B, NEW_IN_A, B_TO_A):  # stayed, moved, new, another school's
        response = _follow_up(client, within_year, school_a, national_id)
        assert response.status_code == 302
    assert not LeaverFollowUp.objects.exists()
    assert not AuditLog.objects.filter(action="datacollection.leaver.followed_up").exists()
    response = client.get(_school_url(within_year, school_a))
    assert "ไม่อยู่ในรายชื่อนักเรียนที่ออกจากโรงเรียน" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [("district_staff", 403), ("director", 403), ("ict_staff", 403), ("officer_b", 404)],
)
def test_only_the_school_writes_follow_ups(client_for, personas, within_year, school_a, role, expected):
    response = _follow_up(client_for(personas[role]), within_year, school_a, A_LEAVES)
    assert response.status_code == expected
    assert not LeaverFollowUp.objects.exists()


@pytest.mark.django_db
def test_follow_up_is_post_only(client_for, officer_a, within_year, school_a):
    response = client_for(officer_a).get(_school_url(within_year, school_a, "movement-follow-up"))
    assert response.status_code == 405
