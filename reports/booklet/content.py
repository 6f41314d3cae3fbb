"""The booklet's content: every table and figure, as plain data the PDF templates only display.

The figures come in as one ``SchoolFigures`` per school (``reports.booklet.sources`` reads them from a
publication); everything else — per amphoe, per level, per size, district totals — is summed here, so
that every table of the booklet adds up to the same district total.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace

GRADE_STAGES = (
    ("อ", "ก่อนประถมศึกษา"),
    ("ป", "ประถมศึกษา"),
    ("ม", "มัธยมศึกษาตอนต้น"),
)


def format_number(value):
    """Numbers as Thai statistical tables print them: thousands separated, zero as "-"; text (a
    suppressed "< 5") as it is."""
    if isinstance(value, int):
        return f"{value:,}" if value else "-"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


@dataclass
class SchoolFigures:
    code: str
    name: str
    amphoe: str
    level: str
    size: str
    band: str
    # grade (DMC code, "ป.1") → [male, female]
    by_grade: dict = field(default_factory=dict)

    @property
    def male(self):
        return sum(m for m, _ in self.by_grade.values())

    @property
    def female(self):
        return sum(f for _, f in self.by_grade.values())

    @property
    def total(self):
        return self.male + self.female


class StrongRow(list):
    """A row of a table printed bold: an amphoe's subtotal above its levels."""


@dataclass
class Table:
    """A table of the booklet: ``head`` is a list of header rows of (text, colspan, rowspan);
    ``rows`` and ``foot`` are lists of cells; the first ``label_columns`` cells of a row are text."""

    title: str
    head: list
    rows: list
    foot: list | None = None
    label_columns: int = 1
    note: str = ""
    wide: bool = False  # set on a landscape page

    def _display(self, row):
        return [
            (str(cell), True) if i < self.label_columns else (format_number(cell), False)
            for i, cell in enumerate(row)
        ]

    @property
    def display_rows(self):
        """(cells, is_strong) per row; a cell is (text, is_label)."""
        return [(self._display(row), isinstance(row, StrongRow)) for row in self.rows]

    @property
    def display_foot(self):
        return self._display(self.foot) if self.foot else []


@dataclass
class Chart:
    title: str
    svg: str
    note: str = ""


@dataclass
class Section:
    title: str
    paragraphs: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    anchor: str = ""
    items: list = field(default_factory=list)  # a bulleted list after the tables
    continued: bool = False  # the rest of a section begun in an earlier part: no title

    @property
    def wide(self):
        return any(t.wide for t in self.tables)


@dataclass
class BookletContent:
    office_name: str
    office_short: str
    year_be: int
    round_label: str
    as_of: object
    published_at: object
    is_generated: bool
    totals: dict
    grades: list
    context: list  # chapter 1 sections
    definitions: list  # chapter 2 sections
    basic: list  # chapter 3 sections
    school_list: Table
    sources: list

    @property
    def totals_display(self):
        return {key: format_number(value) for key, value in self.totals.items()}

    @property
    def chapters(self):
        return [
            Chapter("บทที่ 1", "สภาพทั่วไป", "ch1", self.context),
            Chapter("บทที่ 2", "นิยามศัพท์และเกณฑ์", "ch2", self.definitions),
            Chapter("บทที่ 3", "ข้อมูลพื้นฐาน", "ch3", self.basic),
            Chapter(
                "ภาคผนวก",
                "รายชื่อโรงเรียนและแหล่งข้อมูล",
                "appendix",
                [
                    Section(
                        title=self.school_list.title, anchor="appendix-schools", tables=[self.school_list]
                    ),
                    Section(title="แหล่งข้อมูลและการจัดทำ", anchor="appendix-sources", items=self.sources),
                ],
            ),
        ]


@dataclass
class Chapter:
    number: str  # "บทที่ 1", "ภาคผนวก"
    title: str
    anchor: str
    sections: list

    @property
    def running(self):
        return f"{self.number} {self.title}"


@dataclass
class Part:
    """A run of pages laid out on its own (see ``render``): the start of a chapter or its continuation,
    holding whole sections or pieces of a long one."""

    chapter: Chapter
    starts_chapter: bool
    sections: list  # Section objects; a continued section has ``continued`` set


def _table_pieces(table, budget):
    """``table`` cut into pieces of at most ``budget`` rows; the total row stays with the last piece and
    continuation pieces say so in their caption."""
    if len(table.rows) <= budget:
        return [table]
    pieces = []
    for start in range(0, len(table.rows), budget):
        last = start + budget >= len(table.rows)
        pieces.append(
            replace(
                table,
                title=table.title if start == 0 else f"{table.title} (ต่อ)",
                rows=table.rows[start : start + budget],
                foot=table.foot if last else None,
                note=table.note if last else "",
            )
        )
    return pieces


# A chart weighs about as much as this many table rows when parts are cut.
CHART_ROWS = 10


def _rows(section):
    return sum(len(t.rows) for t in section.tables)


def split_into_parts(chapters, *, max_rows):
    """Cut the chapters into parts of at most about ``max_rows`` table rows each. WeasyPrint keeps every
    laid-out page of a document in memory until it is written, so a province's booklet is laid out part
    by part; a part never mixes chapters, and a section too long for one part is continued in the next
    (its title once, its table pieces captioned "(ต่อ)")."""
    parts = []
    for chapter in chapters:
        current, rows = [], 0
        first = True
        for section in chapter.sections:
            pieces = [replace(section, tables=[], charts=[])]
            for table in section.tables:
                for piece in _table_pieces(table, max_rows):
                    if pieces[-1].tables and _rows(pieces[-1]) + len(piece.rows) > max_rows:
                        pieces.append(replace(section, tables=[], paragraphs=[], charts=[], continued=True))
                    pieces[-1].tables.append(piece)
            pieces[-1].charts = list(section.charts)  # charts follow the section's tables
            for piece in pieces:
                size = _rows(piece) + CHART_ROWS * len(piece.charts)
                if current and rows + size > max_rows:
                    parts.append(Part(chapter, first, current))
                    current, rows, first = [], 0, False
                current.append(piece)
                rows += size
        parts.append(Part(chapter, first, current))
    return parts


def _sum_grades(schools, grades):
    totals = {g: [0, 0] for g in grades}
    for school in schools:
        for grade, (male, female) in school.by_grade.items():
            totals[grade][0] += male
            totals[grade][1] += female
    return totals


def _grade_sex_head(first, grades):
    """Two header rows: each grade over ช (male) and ญ (female), then the totals with รวม."""
    return [
        [(label, 1, 2) for label in first] + [(g, 2, 1) for g in grades] + [("รวม", 3, 1)],
        [(s, 1, 1) for _ in grades for s in ("ช", "ญ")] + [(s, 1, 1) for s in ("ช", "ญ", "รวม")],
    ]


def _grade_sex_cells(by_grade, grades):
    cells = []
    male_total = female_total = 0
    for grade in grades:
        male, female = by_grade.get(grade, (0, 0))
        cells += [male, female]
        male_total += male
        female_total += female
    return [*cells, male_total, female_total, male_total + female_total]


def _stage_cells(by_grade, grades):
    """Students per stage (อนุบาล, ประถม, ม.ต้น) × sex, then the total × sex."""
    cells = []
    for prefix, _ in GRADE_STAGES:
        male = sum(by_grade.get(g, (0, 0))[0] for g in grades if g.startswith(prefix + "."))
        female = sum(by_grade.get(g, (0, 0))[1] for g in grades if g.startswith(prefix + "."))
        cells += [male, female, male + female]
    male = sum(m for m, _ in by_grade.values())
    female = sum(f for _, f in by_grade.values())
    return [*cells, male, female, male + female]


def _stage_head(first):
    return [
        [(label, 1, 2) for label in first] + [(label, 3, 1) for _, label in GRADE_STAGES] + [("รวม", 3, 1)],
        [(s, 1, 1) for _ in range(len(GRADE_STAGES) + 1) for s in ("ชาย", "หญิง", "รวม")],
    ]


def _count_table(title, row_label, schools, key, columns, column_key, *, note=""):
    """Schools counted by ``key`` (rows) × ``column_key`` (columns, in the order of ``columns``)."""
    counts = defaultdict(lambda: defaultdict(int))
    row_order = []
    for school in schools:
        row = key(school)
        if row not in counts:
            row_order.append(row)
        counts[row][column_key(school)] += 1
    rows = []
    for row in row_order:
        values = [counts[row][c] for c in columns]
        rows.append([row, *values, sum(values)])
    column_totals = [sum(counts[r][c] for r in row_order) for c in columns]
    return Table(
        title=title,
        head=[[(row_label, 1, 1)] + [(c, 1, 1) for c in columns] + [("รวม", 1, 1)]],
        rows=rows,
        foot=["รวม", *column_totals, sum(column_totals)],
        note=note,
    )


def _ordered(values, order):
    position = {v: i for i, v in enumerate(order)}
    return sorted(set(values), key=lambda v: (position.get(v, len(order)), v))


def assemble(
    *,
    office_name,
    office_short,
    year_be,
    round_label,
    as_of,
    published_at,
    is_generated,
    schools,
    grades,
    amphoe_order,
    level_order,
    size_order,
    band_order,
    definitions,
    charts,
    sources,
):
    """Build the whole booklet from the per-school figures. ``charts`` maps a section key
    ("amphoe", "level", "size", "grade", "band") to a list of ``Chart``."""
    schools = sorted(schools, key=lambda s: (_index(amphoe_order, s.amphoe), s.name))
    amphoes = _ordered([s.amphoe for s in schools], amphoe_order)
    levels = _ordered([s.level for s in schools], level_order)
    sizes = _ordered([s.size for s in schools], size_order)
    bands = _ordered([s.band for s in schools], band_order)
    district = _sum_grades(schools, grades)
    totals = {
        "schools": len(schools),
        "amphoes": len(amphoes),
        "male": sum(m for m, _ in district.values()),
        "female": sum(f for _, f in district.values()),
    }
    totals["students"] = totals["male"] + totals["female"]
    totals["per_school"] = round(totals["students"] / len(schools)) if schools else 0

    by_amphoe = defaultdict(list)
    by_level = defaultdict(list)
    for school in schools:
        by_amphoe[school.amphoe].append(school)
        by_level[school.level].append(school)

    # Chapter 1: the district in figures.
    amphoe_summary = Table(
        title="จำนวนโรงเรียนและนักเรียน จำแนกตามอำเภอ",
        head=[[(h, 1, 1) for h in ("อำเภอ", "โรงเรียน", "นักเรียนชาย", "นักเรียนหญิง", "นักเรียนรวม")]],
        rows=[
            [
                amphoe,
                len(by_amphoe[amphoe]),
                sum(s.male for s in by_amphoe[amphoe]),
                sum(s.female for s in by_amphoe[amphoe]),
                sum(s.total for s in by_amphoe[amphoe]),
            ]
            for amphoe in amphoes
        ],
        foot=["รวม", totals["schools"], totals["male"], totals["female"], totals["students"]],
    )
    context = [
        Section(
            title="สภาพทั่วไป",
            anchor="ch1-general",
            paragraphs=[
                f"{office_name} ดูแลโรงเรียนในสังกัด {totals['schools']:,} โรง ใน {totals['amphoes']} อำเภอ "
                f"มีนักเรียนรวม {totals['students']:,} คน "
                f"(ชาย {totals['male']:,} คน หญิง {totals['female']:,} คน) "
                f"เฉลี่ยโรงเรียนละ {totals['per_school']:,} คน",
                f"ข้อมูลในเอกสารนี้มาจาก {round_label} ซึ่งโรงเรียนส่งและเขตพื้นที่รับรองแล้ว",
            ],
            tables=[amphoe_summary],
            charts=charts.get("amphoe", []),
        ),
        Section(
            title="โรงเรียนจำแนกตามอำเภอและระดับที่เปิดสอน",
            anchor="ch1-levels",
            tables=[
                _count_table(
                    "จำนวนโรงเรียน จำแนกตามอำเภอและระดับที่เปิดสอน",
                    "อำเภอ",
                    schools,
                    lambda s: s.amphoe,
                    levels,
                    lambda s: s.level,
                )
            ],
            charts=charts.get("level", []),
        ),
    ]

    # Chapter 3: basic data.
    size_table = _count_table(
        "จำนวนโรงเรียน จำแนกตามอำเภอและขนาดโรงเรียน",
        "อำเภอ",
        schools,
        lambda s: s.amphoe,
        sizes,
        lambda s: s.size,
    )
    band_table = _count_table(
        "จำนวนโรงเรียน จำแนกตามอำเภอและช่วงจำนวนนักเรียน",
        "อำเภอ",
        schools,
        lambda s: s.amphoe,
        bands,
        lambda s: s.band,
    )
    grade_district = Table(
        title="จำนวนนักเรียนทั้งเขตพื้นที่ จำแนกตามชั้นและเพศ",
        head=[[(h, 1, 1) for h in ("ชั้น", "ชาย", "หญิง", "รวม")]],
        rows=[[g, district[g][0], district[g][1], sum(district[g])] for g in grades],
        foot=["รวม", totals["male"], totals["female"], totals["students"]],
    )
    grade_amphoe = Table(
        title="จำนวนนักเรียน จำแนกตามอำเภอ ชั้น และเพศ",
        head=_grade_sex_head(["อำเภอ"], grades),
        rows=[[a, *_grade_sex_cells(_sum_grades(by_amphoe[a], grades), grades)] for a in amphoes],
        foot=["รวม", *_grade_sex_cells(district, grades)],
        wide=True,
    )
    grade_level = Table(
        title="จำนวนนักเรียน จำแนกตามระดับที่เปิดสอน ชั้น และเพศ",
        head=_grade_sex_head(["ระดับที่เปิดสอน"], grades),
        rows=[[lv, *_grade_sex_cells(_sum_grades(by_level[lv], grades), grades)] for lv in levels],
        foot=["รวม", *_grade_sex_cells(district, grades)],
        wide=True,
    )
    basic = [
        Section(
            title="ขนาดโรงเรียน",
            anchor="ch3-size",
            tables=[size_table, band_table],
            charts=charts.get("size", []) + charts.get("band", []),
        ),
        Section(
            title="นักเรียนจำแนกตามชั้นและเพศ",
            anchor="ch3-grades",
            tables=[grade_district],
            charts=charts.get("grade", []),
        ),
        Section(title="นักเรียนจำแนกตามอำเภอ", anchor="ch3-amphoe", tables=[grade_amphoe]),
        Section(title="นักเรียนจำแนกตามระดับที่เปิดสอน", anchor="ch3-level", tables=[grade_level]),
    ]
    for number, amphoe in enumerate(amphoes, start=1):
        members = by_amphoe[amphoe]
        basic.append(
            Section(
                title=f"นักเรียนรายโรงเรียน อำเภอ{amphoe}",
                anchor=f"ch3-schools-{number}",
                tables=[
                    Table(
                        title=f"จำนวนนักเรียนรายโรงเรียน จำแนกตามช่วงชั้นและเพศ อำเภอ{amphoe}",
                        head=_stage_head(["ที่", "รหัส", "โรงเรียน", "ขนาด"]),
                        rows=[
                            [i, s.code, s.name, s.size, *_stage_cells(s.by_grade, grades)]
                            for i, s in enumerate(members, start=1)
                        ],
                        foot=[
                            "",
                            "",
                            f"รวม {len(members)} โรง",
                            "",
                            *_stage_cells(_sum_grades(members, grades), grades),
                        ],
                        label_columns=4,
                        wide=True,
                    )
                ],
            )
        )
    for number, level in enumerate(levels, start=1):
        members = sorted(by_level[level], key=lambda s: (_index(amphoe_order, s.amphoe), s.name))
        basic.append(
            Section(
                title=f"นักเรียนรายโรงเรียน ระดับ{level}",
                anchor=f"ch3-level-{number}",
                tables=[
                    Table(
                        title=f"จำนวนนักเรียนรายโรงเรียน จำแนกตามชั้นและเพศ ระดับ{level}",
                        head=_grade_sex_head(["ที่", "โรงเรียน"], _level_grades(members, grades)),
                        rows=[
                            [i, s.name, *_grade_sex_cells(s.by_grade, _level_grades(members, grades))]
                            for i, s in enumerate(members, start=1)
                        ],
                        foot=[
                            "",
                            f"รวม {len(members)} โรง",
                            *_grade_sex_cells(_sum_grades(members, grades), _level_grades(members, grades)),
                        ],
                        label_columns=2,
                        wide=True,
                    )
                ],
            )
        )

    school_list = Table(
        title="รายชื่อโรงเรียนในสังกัด",
        head=[[(h, 1, 1) for h in ("ที่", "รหัสโรงเรียน", "โรงเรียน", "อำเภอ", "ระดับที่เปิดสอน", "นักเรียน")]],
        rows=[[i, s.code, s.name, s.amphoe, s.level, s.total] for i, s in enumerate(schools, start=1)],
        label_columns=5,
    )
    return BookletContent(
        office_name=office_name,
        office_short=office_short,
        year_be=year_be,
        round_label=round_label,
        as_of=as_of,
        published_at=published_at,
        is_generated=is_generated,
        totals=totals,
        grades=grades,
        context=context,
        definitions=definitions,
        basic=basic,
        school_list=school_list,
        sources=sources,
    )


def _level_grades(members, grades):
    """The grades that at least one of ``members`` teaches (columns of a per-level table)."""
    present = {g for s in members for g, (m, f) in s.by_grade.items() if m or f}
    return [g for g in grades if g in present] or list(grades)


def _index(order, value):
    try:
        return order.index(value)
    except ValueError:
        return len(order)
