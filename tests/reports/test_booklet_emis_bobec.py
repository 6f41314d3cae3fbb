"""The booklet's EMIS and B-OBEC sections: ratios, staff by position and rank, buildings by type and
condition, from the publications of the booklet's academic year (the hand-countable district of
``emis_bobec_support``, figures listed in ``test_emis_bobec_statistics``), read back from the PDF.

Per amphoe: หาดใหญ่ (A, B) 2 schools, 72 students, 7 teachers, 4 rooms → 10.3 students per teacher, 18.0
per room, 3.5 teachers per school; ควนเนียง (C) 8 students, no teacher, no room → "–". The district: 80
students, 7 teachers, 4 rooms → 11.4, 20.0, 2.3. Staff: ผู้อำนวยการ 2, ครู 6, ครูผู้ช่วย 1, ลูกจ้างชั่วคราว 2
(11). Buildings in หาดใหญ่: อาคารเรียน ดี 1 พอใช้ 1 ทรุดโทรม 1, ส้วม ทรุดโทรม 1."""

import re

import pytest
from django.core.files.storage import FileSystemStorage

from reports.booklet import services
from reports.booklet.sources import booklet_content
from reports.models import Booklet
from reports.services import publication_create
from tests.reports.booklet_data import publish
from tests.reports.emis_bobec_support import bobec_with_data, emis_with_data, make_schools
from tests.reports.test_booklet import normalise, poppler


@pytest.fixture(autouse=True)
def booklet_files(tmp_path, monkeypatch):
    monkeypatch.setattr(Booklet._meta.get_field("file"), "storage", FileSystemStorage(tmp_path / "private"))


@pytest.fixture
def dmc(db):
    return publish()  # DMC round 1 of 2569


@pytest.fixture
def emis(district_staff, dmc):
    schools = make_schools()
    emis = publication_create(emis_with_data(district_staff, schools), actor=district_staff)
    bobec = publication_create(bobec_with_data(district_staff, schools), actor=district_staff)
    return emis, bobec


def _section(content, anchor):
    return next(s for s in content.basic if s.anchor == anchor)


def _rows(table):
    return [[text for text, _ in cells] for cells, _ in table.display_rows]


def test_ratios_per_amphoe_and_per_school_with_their_source(dmc, emis):
    content = booklet_content(dmc)
    section = _section(content, "ch3-ratios")
    table = section.tables[0]
    assert _rows(table) == [
        ["หาดใหญ่", "2", "72", "7", "4", "10.3", "18.0", "3.5"],
        ["ควนเนียง", "1", "8", "-", "-", "–", "–", "0.0"],
    ]
    assert [text for text, _ in table.display_foot] == [
        "รวม",
        "3",
        "80",
        "7",
        "4",
        "11.4",
        "20.0",
        "2.3",
    ]
    assert emis[0].round.label in table.note
    assert "ข้อมูล ณ วันที่" in table.note
    assert section.charts and "นักเรียนต่อครู" in section.charts[0].svg

    schools = _section(content, "ch3-ratios-schools").tables[0]
    assert [row[2:] for row in _rows(schools)] == [
        ["ก", "หาดใหญ่", "30", "4", "2", "7.5", "15.0"],
        ["ข", "หาดใหญ่", "42", "3", "2", "14.0", "21.0"],
        ["ค", "ควนเนียง", "8", "-", "-", "–", "–"],
    ]


def test_staff_by_position_and_rank(dmc, emis):
    section = _section(booklet_content(dmc), "ch3-staff")
    by_position, by_amphoe, by_rank = section.tables
    assert _rows(by_position) == [
        ["ผู้อำนวยการ", "1", "1", "2"],
        ["ครู", "2", "4", "6"],
        ["ครูผู้ช่วย", "-", "1", "1"],
        ["ลูกจ้างชั่วคราว", "1", "1", "2"],
    ]
    assert [t for t, _ in by_position.display_foot] == ["รวม", "4", "7", "11"]
    assert _rows(by_amphoe) == [["หาดใหญ่", "2", "6", "1", "1", "10"], ["ควนเนียง", "-", "-", "-", "1", "1"]]
    rank_rows = {row[0]: row[1:] for row in _rows(by_rank)}
    assert rank_rows["ผู้อำนวยการ"] == ["1", "-", "-", "1", "2"]
    assert rank_rows["ครู"] == ["-", "5", "1", "-", "6"]
    assert [t for t, _ in by_rank.display_foot][-1] == "11"
    for table in section.tables:
        assert emis[0].round.label in table.note


def test_buildings_by_amphoe_type_and_condition(dmc, emis):
    section = _section(booklet_content(dmc), "ch3-buildings")
    (table,) = section.tables
    assert [text for text, *_ in table.head[0]] == ["อำเภอ / ประเภท", "ดี", "พอใช้", "ทรุดโทรม", "รวม"]
    rows = table.display_rows
    assert [[t for t, _ in cells] for cells, _ in rows][:3] == [
        ["หาดใหญ่", "1", "1", "2", "4"],
        ["อาคารเรียน", "1", "1", "1", "3"],
        ["ส้วม", "-", "-", "1", "1"],
    ]
    assert rows[0][1] and not rows[1][1]  # the amphoe's subtotal is bold
    assert [t for t, _ in table.display_foot] == ["รวม", "1", "1", "2", "4"]
    assert emis[1].round.label in table.note
    assert "ข้อมูล ณ วันที่ 10 มิถุนายน 2569" in section.charts[0].svg  # the chart says its as-of date


def test_without_emis_and_bobec_each_section_says_so(dmc):
    content = booklet_content(dmc)
    expected = {
        "ch3-ratios": "ยังไม่มีข้อมูลนักเรียน ครู และห้องเรียนของปีการศึกษา 2569 ที่เผยแพร่ (EMIS) จึงไม่มีตารางในส่วนนี้",
        "ch3-staff": "ยังไม่มีข้อมูลบุคลากรของปีการศึกษา 2569 ที่เผยแพร่ (EMIS) จึงไม่มีตารางในส่วนนี้",
        "ch3-buildings": "ยังไม่มีข้อมูลอาคารสิ่งก่อสร้างของปีการศึกษา 2569 ที่เผยแพร่ (B-OBEC) จึงไม่มีตารางในส่วนนี้",
    }
    for anchor, sentence in expected.items():
        section = _section(content, anchor)
        assert section.paragraphs == [sentence]
        assert not section.tables and not section.charts
    assert "ch3-ratios-schools" not in [s.anchor for s in content.basic]
    assert "ข้อมูลพื้นฐานโรงเรียน (EMIS): ยังไม่มีการเผยแพร่ของปีการศึกษา 2569" in content.sources
    assert "ข้อมูลอาคารสิ่งก่อสร้าง (B-OBEC): ยังไม่มีการเผยแพร่ของปีการศึกษา 2569" in content.sources


def test_publications_of_another_year_are_not_used(district_staff, emis):
    later = publish(academic_year=2570)
    content = booklet_content(later)
    assert not _section(content, "ch3-ratios").tables
    assert not _section(content, "ch3-buildings").tables


def test_the_pdf_prints_the_new_sections_and_lists_every_source(dmc, emis, tmp_path):
    path = tmp_path / "booklet.pdf"
    services.render_booklet(dmc, path)
    text = normalise(poppler("pdftotext", str(path), "-"))
    content = booklet_content(dmc)
    # Every new Thai text comes back exactly. Titles and row labels fit on one line: as written.
    # Paragraphs, notes, sources and header cells wrap, and Thai wraps between words without a space:
    # those are compared letter for letter without white space.
    lines, wrapped = [], list(content.sources)
    for anchor in ("ch3-ratios", "ch3-ratios-schools", "ch3-staff", "ch3-buildings"):
        section = _section(content, anchor)
        lines.append(section.title)
        wrapped += section.paragraphs
        for table in section.tables:
            lines += [table.title] + [
                text for cells, _ in table.display_rows for text, is_label in cells if is_label
            ]
            wrapped += [table.note] + [text for row in table.head for text, *_ in row]
        lines += [chart.title for chart in section.charts]
    for line in lines:
        assert normalise(line) in text, line
    compact = "".join(text.split())
    for line in wrapped:
        assert "".join(normalise(line).split()) in compact, line
    for pub in (dmc, *emis):
        assert normalise(pub.round.label) in text
    # The contents list the new sections.
    for title in (
        "อัตราส่วนนักเรียนต่อครูและต่อห้องเรียน",
        "บุคลากรจำแนกตามตำแหน่ง",
        "อาคารสิ่งก่อสร้างจำแนกตามประเภทและสภาพ",
    ):
        assert re.search(re.escape(normalise(title)) + r"[ .]*\d+", text), title


def test_the_pdf_says_when_emis_and_bobec_are_not_published(dmc, tmp_path):
    path = tmp_path / "booklet.pdf"
    services.render_booklet(dmc, path)
    text = normalise(poppler("pdftotext", str(path), "-"))
    assert normalise("ยังไม่มีข้อมูลนักเรียน ครู และห้องเรียนของปีการศึกษา 2569 ที่เผยแพร่ (EMIS)") in text
    assert normalise("ยังไม่มีข้อมูลอาคารสิ่งก่อสร้างของปีการศึกษา 2569 ที่เผยแพร่ (B-OBEC)") in text
