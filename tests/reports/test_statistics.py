"""Published statistics against hand-computed figures (see conftest.py for the district)."""

import datetime

import pytest

from reports import charts, statistics
from reports.statistics import SECONDARY_TEXT, SUPPRESSED_TEXT


def test_schools_by_amphoe_level_and_size_count_only_accepted_schools(publication):
    table = statistics.schools_by_amphoe_level_size(publication)
    assert [c.code for c in table.columns][:4] == ["small", "medium", "large", "extra-large"]
    amphoe_rows = {r.key: r for r in table.rows if ":" not in r.key}
    assert amphoe_rows["9011"].counts[:4] == [3, 0, 0, 0]  # A, B, C; E is not accepted
    assert amphoe_rows["9013"].counts[:4] == [1, 0, 0, 0]
    assert table.total == 4
    assert table.source.as_of == datetime.date(2026, 6, 10)
    assert table.source.round_slug == "dmc-2569-1"
    assert (table.source.schools_included, table.source.schools_expected) == (4, 5)


def test_small_school_bands(publication):
    table = statistics.small_school_bands(publication)
    columns = [c.code for c in table.columns]
    totals = dict(zip(columns, table.totals, strict=True))
    assert totals["1-20"] == 4  # 6, 10, 7 and 2 students
    assert table.total == 4


def test_students_by_grade_and_sex_for_the_district_amphoes_and_one_school(publication, district):
    table = statistics.students_by_grade_sex(publication, by="district")
    assert table.grades == ["ป.1", "ป.2", "ป.3"]
    [row] = table.rows
    assert row.male == [3 + 1, 1, 7]
    assert row.female == [2 + 10 + 1, 0, 0]
    assert (row.male_total, row.female_total, row.grand_total) == (12, 13, 25)

    by_amphoe = statistics.students_by_grade_sex(publication, by="amphoe")
    assert {r.key: r.grand_total for r in by_amphoe.rows} == {"9011": 23, "9013": 2}

    one = statistics.students_by_grade_sex(publication, by="school", school=district["A"].code)
    [row] = one.rows
    assert (row.male, row.female) == ([3, 1], [2, 0])
    assert one.totals.grand_total == 6


def test_a_school_with_three_disabled_students_shows_less_than_five(publication, district):
    table = statistics.disabled_by_type(publication, school=district["A"].code)
    visual = [t.code for t in table.types].index("visual")
    [row] = table.rows
    assert row.cells[visual].text == SUPPRESSED_TEXT
    assert row.cells[visual].value is None
    assert row.total.suppressed  # its total beside a hidden cell would give it away


def test_a_suppressed_cell_cannot_be_recovered_from_the_amphoe_total(publication, district):
    """Column "visual" in หาดใหญ่: A 3 ("< 5"), B 0, C 7; the amphoe total 10 is public. Shown alone, C's
    7 would give A away (10 − 7 = 3): another cell is hidden with it, so 3 is only known as A + B."""
    table = statistics.disabled_by_type(publication, by="school")
    visual = [t.code for t in table.types].index("visual")
    cells = {r.key: r.cells[visual] for r in table.rows}
    assert cells[district["A"].code].text == SUPPRESSED_TEXT
    hidden = [code for code, cell in cells.items() if cell.suppressed and code != district["D"].code]
    assert len(hidden) >= 2
    amphoes = statistics.disabled_by_type(publication)
    amphoe_total = next(r for r in amphoes.rows if r.key == "9011").cells[visual]
    shown = sum(
        cell.value for code, cell in cells.items() if not cell.suppressed and code != district["D"].code
    )
    if not amphoe_total.suppressed:
        remainder = amphoe_total.value - shown
        # The remainder is shared by several hidden cells: A's value is not determined by it.
        assert remainder == 3 and len(hidden) >= 2


def test_a_lone_school_in_its_amphoe_hides_the_amphoe_total_and_the_district_total_is_small(
    publication, district
):
    """D is the only school of ควนเนียง and has 2 hearing-impaired pupils: its amphoe total would be its
    own count, and no other amphoe has any to hide with it, so the district total says "< 5" too."""
    table = statistics.disabled_by_type(publication)
    hearing = [t.code for t in table.types].index("hearing")
    rows = {r.key: r for r in table.rows}
    assert rows["9013"].cells[hearing].suppressed
    assert rows["9013"].total.suppressed
    assert table.totals.cells[hearing].text == SUPPRESSED_TEXT
    assert table.totals.total.text == SECONDARY_TEXT
    school = statistics.disabled_by_type(publication, school=district["D"].code)
    assert school.rows[0].cells[hearing].text == SUPPRESSED_TEXT


def test_counts_of_five_or_more_are_shown(publication, district):
    table = statistics.disadvantaged_by_type(publication, school=district["A"].code)
    [row] = table.rows
    assert [c.text for c in row.cells] == ["6"]
    assert row.total.text == "6"
    district_table = statistics.disadvantaged_by_type(publication)
    assert district_table.totals.cells[0].value == 6  # E's 50 poor pupils are not accepted
    assert not district_table.has_suppressed


@pytest.mark.parametrize(
    ("values", "visible"),
    [
        ([3, 10, 0, 7], 2),  # the zero is hidden with the 3: the 3 is only known as 3 = A + zero-cell
        ([1, 1, 20, 30], 1),  # two ones would be pinned down by their sum 2
        ([4, 4, 9], 0),  # two fours by their sum 8
        ([3, 1, 10], 1),  # 4 = 1 + 3 = 2 + 2 = 3 + 1
        ([0, 0, 8], 3),
    ],
)
def test_complementary_suppression_leaves_no_small_cell_recoverable(values, visible):
    how = statistics._protect_column(values)
    assert sum(1 for h in how if h == "shown") == visible
    assert all(h == "small" for v, h in zip(values, how, strict=True) if 0 < v < 5)
    assert not statistics._recoverable(values, how)


def test_trend_takes_each_rounds_latest_publication_oldest_first(publication, district, district_staff):
    from datacollection import services as round_services
    from reports.services import publication_create
    from tests.reports.conftest import add_students, make_round, students

    second = make_round(district_staff, [district["A"]], number=2)
    add_students(second, district["A"], students(4, "ป.1", "M"))
    round_services.round_close(second, actor=district_staff)
    publication_create(second, actor=district_staff)
    trend = statistics.student_trend()
    assert [(p.label, p.total) for p in trend.points] == [("2569/1", 25), ("2569/2", 4)]
    assert trend.source.round_slug == "dmc-2569-2"
    assert statistics.current_publication().round == second


def test_emis_and_bobec_figures_say_they_are_not_published_yet(publication):
    for result in (
        statistics.ratios(publication),
        statistics.staff_by_position(publication),
        statistics.buildings_by_type_condition(publication),
    ):
        assert result.is_empty and result.rows == []
        assert "ยังไม่มีข้อมูล" in result.message


def test_charts_are_accessible_svg_with_thai_text(publication):
    students = statistics.students_by_grade_sex(publication, by="district")
    svg = str(charts.students_by_grade_chart(students, chart_id="c1"))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert '<title id="c1-title">' in svg and '<desc id="c1-desc">' in svg
    assert "Sarabun" in svg and "ป.1" in svg and ">13<" in svg  # 13 girls in ป.1, printed on the bar
    assert "<script" not in svg
    trend = str(charts.trend_chart(statistics.student_trend()))
    assert "<polyline" in trend and "25" in trend
    empty = str(charts.bar_chart([], [], title="ว่าง"))
    assert "ไม่มีข้อมูล" in empty


def test_chart_text_is_escaped():
    svg = str(charts.bar_chart(["<b>x</b>"], [1], title="<script>"))
    assert "<script>" not in svg and "&lt;b&gt;" in svg


def test_school_list_gives_each_accepted_school_with_its_size(publication, district):
    result = statistics.school_list(publication)
    assert [(r.code, r.total, r.size_code) for r in result.rows if r.amphoe_code == "9013"] == [
        (district["D"].code, 2, "small")
    ]
    assert len(result.rows) == 4 and district["E"].code not in {r.code for r in result.rows}
    assert result.source.round_slug == "dmc-2569-1"


def test_a_masked_cell_reads_in_the_pages_language_and_stays_fixed_in_files(publication, client):
    """The page says "masked" in English; files and the API keep the one value machines read."""
    from django.urls import reverse

    from reports import exports

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("reports:statistics-special")).content.decode()
    assert ">masked<" in body and f">{SECONDARY_TEXT}<" not in body
    table = statistics.disabled_by_type(publication)
    assert exports._cell(table.totals.total) == SECONDARY_TEXT


def test_a_schools_hidden_total_does_not_say_whether_it_is_under_five(district_staff):
    """หาดใหญ่: P has 1 visually impaired pupil ("< 5"), Q has 5 (hidden with it); the amphoe total 6 is
    public. If Q's total read "ปกปิด" only because it is 5 or more (a total under five reading "< 5"),
    Q ≥ 5 would leave P = 6 − Q ≤ 1: P's 1 given away. A hidden school total reads the same at any size."""
    from datacollection import services as round_services
    from reports.services import publication_create
    from tests.factories import SchoolFactory, amphoe
    from tests.reports.conftest import add_students, make_round, students

    p = SchoolFactory(name_th="พ", amphoe=amphoe("9011"))
    q = SchoolFactory(name_th="ฟ", amphoe=amphoe("9011"))
    r = SchoolFactory(name_th="ภ", amphoe=amphoe("9013"))
    round_ = make_round(district_staff, [p, q, r])
    add_students(round_, p, students(1, "ป.1", "M", disability="visual") + students(9, "ป.1", "F"))
    add_students(round_, q, students(5, "ป.1", "M", disability="visual") + students(9, "ป.1", "F"))
    add_students(round_, r, students(8, "ป.1", "M", disability="visual"))
    publication = publication_create(
        round_services.round_close(round_, actor=district_staff), actor=district_staff
    )

    table = statistics.disabled_by_type(publication, by="school")
    rows = {row.key: row for row in table.rows}
    assert rows[p.code].cells[0].text == SUPPRESSED_TEXT and rows[q.code].cells[0].suppressed
    assert rows[p.code].total.text == rows[q.code].total.text
    one = statistics.disabled_by_type(publication, school=q.code)
    assert one.rows[0].total.text == rows[p.code].total.text


def test_two_lone_schools_with_four_each_are_not_given_away_by_the_district_total(district_staff):
    """P is the only school of หาดใหญ่ and Q of ควนเนียง; each has 4 visually impaired pupils ("< 5"),
    nobody else any. Both amphoe totals are hidden; a district total of 8 would say 4 + 4."""
    from datacollection import services as round_services
    from reports.services import publication_create
    from tests.factories import SchoolFactory, amphoe
    from tests.reports.conftest import add_students, make_round, students

    p = SchoolFactory(name_th="พ", amphoe=amphoe("9011"))
    q = SchoolFactory(name_th="ฟ", amphoe=amphoe("9013"))
    round_ = make_round(district_staff, [p, q])
    for school in (p, q):
        add_students(round_, school, students(4, "ป.1", "M", disability="visual") + students(9, "ป.1", "F"))
    publication = publication_create(
        round_services.round_close(round_, actor=district_staff), actor=district_staff
    )

    table = statistics.disabled_by_type(publication)
    schools = statistics.disabled_by_type(publication, by="school")
    assert all(row.cells[0].text == SUPPRESSED_TEXT for row in schools.rows)
    assert table.totals.cells[0].suppressed and table.totals.cells[0].value is None
    assert schools.totals.cells[0].suppressed
