"""B-OBEC for district staff and the statistics: buildings by type × condition from a hand-built fixture
(page, selector per school/amphoe/district, XLSX export); ``import_submission`` with B-OBEC templates;
the demo round."""

import datetime
import io
import json
from unittest import mock

import openpyxl
import pytest
from django.urls import reverse

from aoc.models import AuditLog
from datacollection import bobec_samples, selectors, workflow
from datacollection.demo import GENERATED_NOTE, _seed_bobec
from datacollection.kinds import bobec
from datacollection.management.commands import import_submission
from datacollection.models import Building, Round, Submission, Upload
from tests.datacollection.bobec_support import bobec_round, row, workbook_bytes
from tests.factories import SchoolFactory, amphoe, officer_of

S = Submission.Status


def _building(submission, building_type, sequence, condition, **extra):
    values = {"year_built": 2530, "rooms": 4 if building_type == "classroom" else None} | extra
    return Building(
        submission=submission, building_type=building_type, sequence=sequence, condition=condition, **values
    )


@pytest.fixture
def fixture(district_staff):
    """Three schools in two amphoes. A (หาดใหญ่): 2 classroom buildings good + poor, 1 toilet poor, 1
    classroom demolished. B (หาดใหญ่): 1 classroom fair, 1 toilet poor. C (สทิงพระ): 1 classroom poor, but
    C has only a draft. A and B are accepted."""
    hat_yai, sathing_phra = amphoe("9011"), amphoe("9002")
    a = SchoolFactory(name_th="ก โรงเรียนหนึ่ง", amphoe=hat_yai)
    b = SchoolFactory(name_th="ข โรงเรียนสอง", amphoe=hat_yai)
    c = SchoolFactory(name_th="ค โรงเรียนสาม", amphoe=sathing_phra)
    round_ = bobec_round(actor=district_staff, schools=[a, b, c])
    subs = {s.school_id: s for s in Submission.objects.filter(round=round_).select_related("round", "school")}
    sa, sb, sc = subs[a.pk], subs[b.pk], subs[c.pk]
    Building.objects.bulk_create(
        [
            _building(sa, "classroom", 1, "good"),
            _building(
                sa,
                "classroom",
                2,
                "poor",
                design_raw="108ล/30",
                design_code="108ล/30",
                budget_source="งบ สพฐ.",
                fiscal_year=2541,
                budget_amount=3_000_000,
            ),
            _building(sa, "classroom", 3, "poor", demolished_on=datetime.date(2025, 1, 1)),
            _building(sa, "toilet", 1, "poor"),
            _building(sb, "classroom", 1, "fair"),
            _building(sb, "toilet", 1, "poor"),
            _building(sc, "classroom", 1, "poor"),
        ]
    )
    officers = {school.pk: officer_of(school) for school in (a, b, c)}
    for submission in (sa, sb, sc):
        workflow.submission_mark_edited(submission, actor=officers[submission.school_id], section="buildings")
    for submission in (sa, sb):
        workflow.submission_submit(submission, actor=officers[submission.school_id])
        workflow.submission_accept(submission, actor=district_staff)
    return {"round": round_, "a": a, "b": b, "c": c}


def test_statistics_count_standing_buildings_of_accepted_submissions_by_level(fixture):
    round_ = fixture["round"]
    assert selectors.building_counts(round_, level="district") == [
        {"building_type": "classroom", "condition": "fair", "n": 1},
        {"building_type": "classroom", "condition": "good", "n": 1},
        {"building_type": "classroom", "condition": "poor", "n": 1},
        {"building_type": "toilet", "condition": "poor", "n": 2},
    ]
    by_amphoe = selectors.building_counts(round_, level="amphoe")
    assert {r["amphoe_code"] for r in by_amphoe} == {"9011"}  # C's draft does not count
    by_school = selectors.building_counts(round_, level="school")
    a_rows = {
        (r["building_type"], r["condition"]): r["n"]
        for r in by_school
        if r["school_code"] == fixture["a"].code
    }
    assert a_rows == {("classroom", "good"): 1, ("classroom", "poor"): 1, ("toilet", "poor"): 1}
    with_drafts = selectors.building_counts(round_, level="amphoe", accepted_only=False)
    assert {(r["amphoe_code"], r["building_type"], r["condition"], r["n"]) for r in with_drafts} >= {
        ("9002", "classroom", "poor", 1)
    }
    with pytest.raises(ValueError):
        selectors.building_counts(round_, level="province")


def test_the_overview_shows_type_by_condition_and_schools_worst_first(client_for, district_staff, fixture):
    page_url = reverse("datacollection:bobec-overview", args=[fixture["round"].slug])
    response = client_for(district_staff).get(page_url)
    assert response.status_code == 200
    table = {row["code"]: (row["cells"], row["total"]) for row in response.context["table"]}
    # Columns ดี, พอใช้, ทรุดโทรม. The working view counts every school's list, C's draft too.
    assert table["classroom"] == ([1, 1, 2], 4)
    assert table["toilet"] == ([0, 0, 2], 2)
    assert response.context["totals"] == [1, 1, 4] and response.context["grand_total"] == 6
    schools = response.context["schools"]
    assert schools[0]["code"] == fixture["a"].code  # two poor buildings: first
    page = response.content.decode()
    assert (
        reverse("datacollection:submission-detail", args=[fixture["round"].slug, fixture["a"].code]) in page
    )


def test_the_overview_filters_by_amphoe_type_and_acceptance(client_for, district_staff, fixture):
    page_url = reverse("datacollection:bobec-overview", args=[fixture["round"].slug])
    client = client_for(district_staff)
    response = client.get(page_url, {"amphoe": "9002"})
    assert [s["code"] for s in response.context["schools"]] == [fixture["c"].code]
    response = client.get(page_url, {"building_type": "toilet"})
    assert [row["code"] for row in response.context["table"]] == ["toilet"]
    response = client.get(page_url, {"accepted_only": "on"})
    assert response.context["grand_total"] == 5
    assert fixture["c"].code not in {s["code"] for s in response.context["schools"]}


def test_the_export_has_the_table_the_schools_and_every_standing_building(
    client_for, district_staff, fixture
):
    export_url = reverse("datacollection:bobec-export", args=[fixture["round"].slug])
    response = client_for(district_staff).get(export_url, {"accepted_only": "on"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    summary, per_school, listing = wb.worksheets
    rows = [list(r) for r in summary.iter_rows(min_row=3, values_only=True)]
    assert rows[0] == ["ประเภทสิ่งก่อสร้าง", "ดี", "พอใช้", "ทรุดโทรม", "รวม"]
    assert rows[1:] == [["อาคารเรียน", 1, 1, 1, 3], ["ส้วม", 0, 0, 2, 2], ["รวม", 1, 1, 3, 5]]
    school_rows = list(per_school.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in school_rows] == [fixture["a"].code, fixture["b"].code]
    assert school_rows[0][4:] == (1, 0, 2, 3)
    buildings = list(listing.iter_rows(min_row=2, values_only=True))
    assert len(buildings) == 5
    second = next(r for r in buildings if r[0] == fixture["a"].code and r[2] == "อาคารเรียน" and r[3] == 2)
    assert second[4:] == ("108ล/30", "108ล/30", 4, 2530, "ทรุดโทรม", "งบ สพฐ.", 2541, 3_000_000)
    assert AuditLog.objects.filter(action="datacollection.buildings.exported").count() == 1


def test_text_a_school_typed_like_a_formula_stays_text_in_the_export(client_for, district_staff, fixture):
    Building.objects.filter(submission__school=fixture["a"], sequence=2, building_type="classroom").update(
        design_raw="=1+1", budget_source='=HYPERLINK("http://example.com","งบ")'
    )
    export_url = reverse("datacollection:bobec-export", args=[fixture["round"].slug])
    wb = openpyxl.load_workbook(io.BytesIO(client_for(district_staff).get(export_url).content))
    cells = [
        c for r in wb.worksheets[2].iter_rows() for c in r if isinstance(c.value, str) and c.value[:1] == "="
    ]
    assert len(cells) == 2
    assert all(c.data_type == "s" for c in cells)


@pytest.mark.parametrize("persona", ["director", "ict_staff", "officer_a"])
def test_the_overview_and_export_are_for_district_staff(client_for, personas, fixture, persona):
    client = client_for(personas[persona])
    for name in ("bobec-overview", "bobec-export"):
        assert client.get(reverse(f"datacollection:{name}", args=[fixture["round"].slug])).status_code == 403


def test_the_overview_of_a_round_of_another_kind_is_404(client_for, district_staff):
    from tests.factories import dmc_round

    round_ = dmc_round(actor=district_staff)
    response = client_for(district_staff).get(reverse("datacollection:bobec-overview", args=[round_.slug]))
    assert response.status_code == 404


def test_the_overview_does_not_query_per_school(
    client_for, district_staff, fixture, django_assert_max_num_queries
):
    client = client_for(district_staff)
    with django_assert_max_num_queries(12):
        client.get(reverse("datacollection:bobec-overview", args=[fixture["round"].slug]))


# --- import_submission ---------------------------------------------------------------------------------


def run(*argv) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    command = import_submission.Command(stdout=out, stderr=err)
    with mock.patch("django.core.management.base.connections.close_all"):
        try:
            command.run_from_argv(["manage.py", "import_submission", *map(str, argv)])
            code = 0
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue()


@pytest.fixture
def open_round(district_staff, school_a):
    return bobec_round(actor=district_staff, schools=[school_a])


def test_import_submission_loads_a_bobec_template_and_prints_json(open_round, school_a, tmp_path):
    path = tmp_path / "bobec.xlsx"
    path.write_bytes(workbook_bytes([row(), row(building_type="ส้วม", rooms=None)]))
    code, out = run("--round", open_round.slug, "--school", school_a.code, path, "--json")
    assert code == 0
    summary = json.loads(out)
    assert (summary["status"], summary["rows"], summary["imported"], summary["errors"]) == (
        "imported",
        2,
        2,
        [],
    )
    assert Building.objects.filter(submission__school=school_a).count() == 2
    assert Submission.objects.get(round=open_round, school=school_a).status == S.DRAFT


def test_import_submission_rejects_a_bad_template_with_exit_1(open_round, school_a, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook_bytes([row(), row(sequence=2, year_built=2600)]))
    code, out = run("--round", open_round.slug, "--school", school_a.code, path, "--json")
    assert code == 1
    summary = json.loads(out)
    [error] = summary["errors"]
    assert (summary["status"], summary["imported"]) == ("rejected", 0)
    assert (error["row"], error["column"], error["code"]) == (6, "ปีที่สร้าง (พ.ศ.)", "year_future")
    assert "(เซลล์ E6)" in error["message"]
    assert not Building.objects.exists()


def test_import_submission_dry_run_keeps_nothing(open_round, school_a, tmp_path):
    path = tmp_path / "bobec.xlsx"
    path.write_bytes(workbook_bytes([row()]))
    code, out = run("--round", open_round.slug, "--school", school_a.code, path, "--dry-run", "--json")
    assert code == 0
    assert json.loads(out)["status"] == "valid"
    assert not Building.objects.exists() and not Upload.objects.exists()


def test_import_submission_of_a_file_that_is_not_a_template_is_rejected(open_round, school_a, tmp_path):
    path = tmp_path / "other.xlsx"
    path.write_bytes(workbook_bytes([["x", "y"]], headers=["ชื่อ", "นามสกุล"]))
    code, out = run("--round", open_round.slug, "--school", school_a.code, path, "--json")
    assert code == 1
    assert json.loads(out)["errors"][0]["code"] == "no_header"


def test_import_submission_into_an_unknown_round_is_a_usage_error(school_a, tmp_path):
    path = tmp_path / "bobec.xlsx"
    path.write_bytes(workbook_bytes([row()]))
    code, _out = run("--round", "bobec-2569-9", "--school", school_a.code, path, "--json")
    assert code == 2


# --- The demo -------------------------------------------------------------------------------------------


def test_the_demo_round_accepts_every_school_with_generated_buildings(db):
    schools = [SchoolFactory() for _ in range(3)]
    count = _seed_bobec(2569, 2026, schools, {})
    round_ = Round.objects.get(slug="bobec-2569-1")
    assert round_.status == Round.Status.CLOSED and round_.kind == Round.Kind.BOBEC
    assert set(Submission.objects.filter(round=round_).values_list("status", flat=True)) == {S.ACCEPTED}
    assert Building.objects.filter(submission__round=round_).count() == count > 3 * 3
    assert set(Building.objects.values_list("note", flat=True)) == {GENERATED_NOTE}
    assert sum(r["n"] for r in selectors.building_counts(round_)) == count


def test_generated_buildings_pass_the_templates_rules(db):
    from datacollection.kinds.bobec_kind import building_types

    spellings, labels = building_types()
    context = bobec.BobecContext("1090550500", datetime.date(2026, 11, 25), spellings, labels)
    for seed in range(20):
        for sample in bobec_samples.make_buildings(f"10905505{seed:02d}", seed=seed):
            values = {k: getattr(sample, k) for k in bobec.FIELDS}
            _record, problems = bobec.check_building(values, context)
            assert [p for p in problems if p[4] == "error"] == [], (sample, problems)
