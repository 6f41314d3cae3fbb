"""Reads of published statistics. Every selector takes a ``Publication`` (or a kind) and reads only the
publication's snapshot tables, never live records: what is public is what was published.

Results are plain dataclasses; each carries a ``Source`` saying which round and as-of date it comes from,
so a page, a file, the API or the booklet can stamp "ข้อมูล ณ วันที่ …" on every figure.

Small counts of sensitive categories (disadvantage, disability) for a single school are suppressed:
1–4 is shown as "< 5" (primary suppression). Because the amphoe and district totals are public too, a
single hidden cell could be recovered by subtraction, so each amphoe's column of a type gets
complementary (secondary) suppression until no hidden cell can be worked out from the totals
(``_protect_column``); a school's own total across types is hidden whenever one of its cells is.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from datacollection.models import Building, LookupValue, Round
from reports.models import (
    Publication,
    PublishedBuildingCount,
    PublishedCategoryCount,
    PublishedClassroom,
    PublishedEnrolment,
    PublishedSchool,
    PublishedStaff,
)
from schools.models import Amphoe, School, SizeScheme

# Grades in teaching order (DMC codes).
GRADES = ("อ.1", "อ.2", "อ.3", "ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6", "ม.1", "ม.2", "ม.3")
LEVEL_LABELS = dict(School.Level.choices)
# Counts from 1 to this number for a single school are shown as "< 5".
SMALL_COUNT_MAX = 4
SUPPRESSED_TEXT = "< 5"
SECONDARY_TEXT = "ปกปิด"  # hidden so that a "< 5" cell cannot be worked out from a total


def grade_order(grade: str) -> tuple[int, str]:
    return (GRADES.index(grade) if grade in GRADES else len(GRADES), grade)


@dataclass(frozen=True)
class Source:
    """Where a figure comes from: printed beside it as "ข้อมูล ณ วันที่ …"."""

    publication_id: int
    round_slug: str
    round_label: str
    kind: str
    academic_year: int
    round_number: int
    as_of: datetime.date
    published_at: datetime.datetime
    schools_included: int
    schools_expected: int
    is_generated: bool

    @classmethod
    def of(cls, pub: Publication) -> "Source":
        round_ = pub.round
        return cls(
            publication_id=pub.pk,
            round_slug=round_.slug,
            round_label=round_.label,
            kind=round_.kind,
            academic_year=round_.academic_year,
            round_number=round_.number,
            as_of=pub.as_of,
            published_at=pub.published_at,
            schools_included=pub.schools_included,
            schools_expected=pub.schools_expected,
            is_generated=pub.is_generated,
        )

    @property
    def is_complete(self) -> bool:
        return self.schools_included >= self.schools_expected


# ---------------------------------------------------------------------------------------------
# Publications


def publication_list(kind: str | None = None):
    """Every publication, newest data first (earlier ones stay available)."""
    publications = Publication.objects.select_related("round", "published_by")
    if kind:
        publications = publications.filter(round__kind=kind)
    return publications.order_by("-as_of", "-round__academic_year", "-round__number", "-published_at", "-id")


def current_publication(kind: str = Round.Kind.DMC) -> Publication | None:
    """The kind's current publication: the latest publishing of the round with the latest as-of date.
    Republishing an older round (a correction) makes it current for that round, not for the kind."""
    return publication_list(kind).first()


def round_publications(round_: Round):
    return publication_list().filter(round=round_)


def is_current(pub: Publication) -> bool:
    current = current_publication(pub.round.kind)
    return current is not None and current.pk == pub.pk


# ---------------------------------------------------------------------------------------------
# Schools by amphoe × level × size


@dataclass
class Column:
    code: str
    label: str


@dataclass
class CountRow:
    """One row of counts: ``key``/``label`` name it (an amphoe, a level …), ``counts`` follow the table's
    columns, ``total`` is their sum."""

    key: str
    label: str
    counts: list[int]
    total: int
    group: str = ""  # e.g. the amphoe of a level row


@dataclass
class CountTable:
    source: Source
    title: str
    columns: list[Column]
    rows: list[CountRow]
    totals: list[int]
    total: int


def _amphoes(pub: Publication) -> list[Amphoe]:
    ids = PublishedSchool.objects.filter(publication=pub).values("amphoe")
    return list(Amphoe.objects.filter(pk__in=ids).order_by("dopa_code"))


def _size_columns(pub: Publication, field: str, scheme_code: str | None) -> list[Column]:
    """The size bands used in the publication, in the scheme's order, then "no students"."""
    used = dict(
        PublishedSchool.objects.filter(publication=pub)
        .values_list(f"{field}_code", f"{field}_label")
        .distinct()
    )
    scheme = (
        SizeScheme.objects.filter(code=scheme_code).order_by("-version").first()
        if scheme_code
        else SizeScheme.objects.filter(is_default=True).first()
    )
    columns = []
    if scheme is not None:
        for band in scheme.bands.order_by("order"):
            columns.append(Column(band.code, used.pop(band.code, band.label)))
    for code, label in sorted(used.items()):
        columns.append(Column(code, label))
    return columns


def schools_by_amphoe_level_size(pub: Publication) -> CountTable:
    """Schools of the publication per amphoe and level (rows, ``group`` = amphoe name) and size (columns,
    the default size scheme), with an amphoe subtotal row (``key`` = ``"<dopa>"``) before each amphoe's
    levels (``key`` = ``"<dopa>:<level>"``)."""
    columns = _size_columns(pub, "size", None)
    index = {c.code: i for i, c in enumerate(columns)}
    cells = defaultdict(lambda: [0] * len(columns))
    for amphoe_id, level, size, n in (
        PublishedSchool.objects.filter(publication=pub)
        .values("amphoe", "level", "size_code")
        .annotate(n=Count("pk"))
        .values_list("amphoe", "level", "size_code", "n")
        .order_by()
    ):
        cells[(amphoe_id, level)][index[size]] += n
    rows, totals = [], [0] * len(columns)
    for amphoe in _amphoes(pub):
        levels = [level for level in School.Level.values if (amphoe.pk, level) in cells]
        subtotal = [sum(cells[(amphoe.pk, level)][i] for level in levels) for i in range(len(columns))]
        rows.append(CountRow(amphoe.dopa_code, amphoe.name_th, subtotal, sum(subtotal)))
        for level in levels:
            counts = cells[(amphoe.pk, level)]
            rows.append(
                CountRow(
                    f"{amphoe.dopa_code}:{level}",
                    str(LEVEL_LABELS[level]),
                    counts,
                    sum(counts),
                    amphoe.name_th,
                )
            )
        totals = [a + b for a, b in zip(totals, subtotal, strict=True)]
    return CountTable(
        Source.of(pub), _("โรงเรียนจำแนกตามอำเภอ ระดับ และขนาด"), columns, rows, totals, sum(totals)
    )


def small_school_bands(pub: Publication) -> CountTable:
    """Schools per amphoe (rows) in the small-school bands (1–20, 21–40 … 101–120, over 120; columns)."""
    columns = _size_columns(pub, "small_band", "small-school-bands")
    index = {c.code: i for i, c in enumerate(columns)}
    cells = defaultdict(lambda: [0] * len(columns))
    for amphoe_id, band in PublishedSchool.objects.filter(publication=pub).values_list(
        "amphoe", "small_band_code"
    ):
        cells[amphoe_id][index[band]] += 1
    rows, totals = [], [0] * len(columns)
    for amphoe in _amphoes(pub):
        counts = cells[amphoe.pk]
        rows.append(CountRow(amphoe.dopa_code, amphoe.name_th, counts, sum(counts)))
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    return CountTable(Source.of(pub), _("โรงเรียนจำแนกตามช่วงจำนวนนักเรียน"), columns, rows, totals, sum(totals))


# ---------------------------------------------------------------------------------------------
# Students by grade × sex


@dataclass
class SexSplitRow:
    """A table row of male and female counts, one pair per column (a grade, a staff category…)."""

    key: str  # "district"/"total", a DOPA amphoe code, or a 10-digit school code
    label: str
    male: list[int]  # per column, in the table's column order
    female: list[int]
    group: str = ""  # the amphoe of a school row

    @property
    def total(self) -> list[int]:
        return [m + f for m, f in zip(self.male, self.female, strict=True)]

    @property
    def male_total(self) -> int:
        return sum(self.male)

    @property
    def female_total(self) -> int:
        return sum(self.female)

    @property
    def grand_total(self) -> int:
        return self.male_total + self.female_total


@dataclass
class GradeSexRow(SexSplitRow):
    """Students by grade: ``male``/``female`` follow the table's ``grades`` order."""

    @property
    def cells(self) -> list[tuple[int, int, int, int]]:
        """(position, male, female, total) per grade, for templates."""
        return [(i, m, f, m + f) for i, (m, f) in enumerate(zip(self.male, self.female, strict=True))]


@dataclass
class GradeSexTable:
    source: Source
    title: str
    by: str
    grades: list[str]
    rows: list[GradeSexRow]
    totals: GradeSexRow

    def grade_cells(self, row: GradeSexRow) -> list[tuple[str, int, int, int]]:
        return [(grade, m, f, m + f) for grade, m, f in zip(self.grades, row.male, row.female, strict=True)]

    @property
    def grade_rows(self) -> list[tuple[str, int, int, int]]:
        """(grade, male, female, total) of the totals row, one per grade."""
        return self.grade_cells(self.totals)


def students_by_grade_sex(
    pub: Publication, *, by: str = "district", amphoe: str | None = None, school: str | None = None
) -> GradeSexTable:
    """Students by grade and sex: one row for the district (``by="district"``), per amphoe
    (``"amphoe"``) or per school (``"school"``); ``amphoe`` (DOPA code) and ``school`` (10-digit code)
    narrow the rows. ``totals`` sums the rows shown."""
    if by not in ("district", "amphoe", "school"):
        raise ValueError(f"by must be district, amphoe or school, not {by!r}")
    schools = PublishedSchool.objects.filter(publication=pub).select_related("amphoe")
    if amphoe:
        schools = schools.filter(amphoe__dopa_code=amphoe)
    if school:
        schools = schools.filter(code=school)
    schools = list(schools.order_by("amphoe__dopa_code", "name_th"))
    enrolments = PublishedEnrolment.objects.filter(publication=pub)
    if amphoe or school:
        enrolments = enrolments.filter(school__in=[s.school_id for s in schools])
    counts = defaultdict(int)
    for school_id, grade, sex, n in enrolments.values_list("school", "grade", "sex", "count"):
        counts[(school_id, grade, sex)] += n
    grades = sorted({grade for (_s, grade, _x) in counts}, key=grade_order)

    def row_for(key, label, school_ids, group=""):
        return GradeSexRow(
            key,
            label,
            [sum(counts[(s, g, "M")] for s in school_ids) for g in grades],
            [sum(counts[(s, g, "F")] for s in school_ids) for g in grades],
            group,
        )

    if by == "school":
        rows = [row_for(s.code, f"โรงเรียน{s.name_th}", [s.school_id], s.amphoe.name_th) for s in schools]
    elif by == "amphoe":
        by_amphoe = defaultdict(list)
        for s in schools:
            by_amphoe[s.amphoe].append(s.school_id)
        rows = [
            row_for(a.dopa_code, a.name_th, ids)
            for a, ids in sorted(by_amphoe.items(), key=lambda i: i[0].dopa_code)
        ]
    else:
        rows = [row_for("district", _("ทั้งเขตพื้นที่"), [s.school_id for s in schools])]
    totals = row_for("total", _("รวม"), [s.school_id for s in schools])
    return GradeSexTable(Source.of(pub), _("นักเรียนจำแนกตามชั้นและเพศ"), by, grades, rows, totals)


@dataclass
class TrendPoint:
    source: Source
    label: str  # e.g. "2569/1"
    male: int
    female: int
    total: int
    schools: int


@dataclass
class Trend:
    kind: str
    points: list[TrendPoint]  # oldest first

    @property
    def source(self) -> Source | None:
        """The latest point's source."""
        return self.points[-1].source if self.points else None


def student_trend(kind: str = Round.Kind.DMC) -> Trend:
    """Students (male, female, total) of each published round of ``kind``, oldest first: for each round
    its latest publication, so a correction replaces the round's figures."""
    latest_per_round = {}
    for pub in publication_list(kind).order_by("round", "-published_at", "-id"):
        latest_per_round.setdefault(pub.round_id, pub)
    pubs = sorted(latest_per_round.values(), key=lambda p: (p.as_of, p.round.academic_year, p.round.number))
    sums = {
        row["publication"]: row
        for row in PublishedSchool.objects.filter(publication__in=[p.pk for p in pubs])
        .values("publication")
        .order_by()
        .annotate(
            male=Sum("students_male"),
            female=Sum("students_female"),
            total=Sum("students_total"),
            schools=Count("pk"),
        )
    }
    points = []
    for pub in pubs:
        row = sums.get(pub.pk, {})
        points.append(
            TrendPoint(
                Source.of(pub),
                f"{pub.round.academic_year}/{pub.round.number}",
                row.get("male") or 0,
                row.get("female") or 0,
                row.get("total") or 0,
                row.get("schools") or 0,
            )
        )
    return Trend(kind, points)


# ---------------------------------------------------------------------------------------------
# Disadvantaged and disabled students, with suppression


@dataclass
class Cell:
    """A published count. ``value`` is None when it is hidden; ``text`` is what to print."""

    value: int | None
    text: str
    suppressed: bool = False

    @classmethod
    def shown(cls, value: int) -> "Cell":
        return cls(value, f"{value:,}")

    @classmethod
    def small(cls) -> "Cell":
        return cls(None, SUPPRESSED_TEXT, True)

    @classmethod
    def hidden(cls) -> "Cell":
        return cls(None, SECONDARY_TEXT, True)

    @property
    def display(self) -> str:
        """The text for a page, in the reader's language; files and the API keep ``text`` as it is."""
        return _("ปกปิด") if self.text == SECONDARY_TEXT else self.text


@dataclass
class CategoryRow:
    key: str  # DOPA amphoe code, school code or "district"
    label: str
    cells: list[Cell]  # per type, in the table's ``types`` order
    total: Cell
    group: str = ""


@dataclass
class CategoryTable:
    source: Source
    title: str
    category: str
    types: list[Column]
    rows: list[CategoryRow]
    totals: CategoryRow
    has_suppressed: bool = False
    note: str = ""


def _types(category: str, codes) -> list[Column]:
    labels = dict(
        LookupValue.objects.filter(list=category).order_by("order", "label").values_list("code", "label")
    )
    ordered = [Column(code, label) for code, label in labels.items() if code in codes]
    ordered += [Column(code, code) for code in sorted(set(codes) - set(labels))]
    return ordered


# What someone who knows a column's total can assume about a hidden cell: "< 5" means 1–4; a cell
# hidden only to protect another ("ปกปิด") may be any count, zero included.
BOUNDS = {"small": (1, SMALL_COUNT_MAX), "secondary": (0, None)}


def _possible_range(cell: int, hidden: list[str], remainder: int) -> tuple[int, int | None]:
    """The lowest and highest value hidden cell ``cell`` can have, given how each hidden cell is
    marked (``hidden``: "small"/"secondary") and their sum ``remainder`` (the column's total minus the
    cells shown)."""
    low, high = BOUNDS[hidden[cell]]
    others = [BOUNDS[how] for i, how in enumerate(hidden) if i != cell]
    others_low = sum(lo for lo, _hi in others)
    others_high = None if any(hi is None for _lo, hi in others) else sum(hi for _lo, hi in others)
    upper = remainder - others_low
    lower = low if others_high is None else max(low, remainder - others_high)
    return lower, upper if high is None else min(high, upper)


def _recoverable(values: list[int], how: list[str]) -> bool:
    """Whether any hidden cell of a column can be worked out exactly from the column's total."""
    hidden = [h for h in how if h != "shown"]
    if not hidden:
        return False
    remainder = sum(v for v, h in zip(values, how, strict=True) if h != "shown")
    return any(
        low == high for low, high in (_possible_range(j, hidden, remainder) for j in range(len(hidden)))
    )


def _protect_column(values: list[int]) -> list[str]:
    """How each school's count in one column (one type within one amphoe, whose total is public) is
    shown: "shown", "small" (1–4, printed "< 5") or "secondary" (hidden, "ปกปิด", so that no small cell
    can be worked out by subtraction). Secondary cells are taken smallest first (a zero is enough when
    it leaves the sum ambiguous). A column may stay recoverable only when it has a single school; the
    caller then hides the amphoe's total (``_suppress``)."""
    how = ["small" if 0 < v <= SMALL_COUNT_MAX else "shown" for v in values]
    while _recoverable(values, how):
        candidates = sorted((v, i) for i, v in enumerate(values) if how[i] == "shown")
        if not candidates:
            break
        how[candidates[0][1]] = "secondary"
    return how


@dataclass
class _Matrix:
    schools: list[PublishedSchool]
    counts: dict  # (school_id, code) -> count
    types: list[Column]
    display: dict  # (school_id, code) -> "shown" | "small" | "secondary"
    amphoe_hidden: set  # (amphoe_id, code): amphoe totals hidden too
    district_small: set  # codes whose district total is itself shown as "< 5"


def _suppress(category: str, pub: Publication) -> _Matrix:
    """The publication's school × type matrix with every cell's display decided (see the module's
    docstring). Per type:

    1. in each amphoe, primary and complementary suppression of the school cells (``_protect_column``);
    2. an amphoe whose column stays recoverable (a single school, or "< 5" cells that its small total
       pins down) gets its amphoe total hidden;
    3. hidden amphoe totals are protected against the district total the same way, with other amphoes'
       totals as complementary cells — preferring amphoes that already hide a non-zero school cell, else
       hiding one more school cell there so that its total cannot be summed from its schools;
    4. if nothing is left to hide with, the district total of the type is itself shown as "< 5".
    """
    schools = list(
        PublishedSchool.objects.filter(publication=pub)
        .select_related("amphoe")
        .order_by("amphoe__dopa_code", "name_th")
    )
    counts = defaultdict(int)
    rows = PublishedCategoryCount.objects.filter(publication=pub, category=category)
    for school_id, code, n in rows.values_list("school", "code", "count"):
        counts[(school_id, code)] += n
    types = _types(category, {code for (_s, code) in counts})
    display, amphoe_hidden, district_small = {}, set(), set()
    by_amphoe = defaultdict(list)
    for s in schools:
        by_amphoe[s.amphoe_id].append(s)
    for column in types:
        code = column.code

        def value(s, code=code):
            return counts[(s.school_id, code)]

        flagged = []
        for amphoe_id, members in by_amphoe.items():
            values = [value(s) for s in members]
            how = _protect_column(values)
            for s, h in zip(members, how, strict=True):
                display[(s.school_id, code)] = h
            if _recoverable(values, how):
                flagged.append(amphoe_id)
        if not flagged:
            continue
        totals = {a: sum(value(s) for s in members) for a, members in by_amphoe.items()}
        hidden = list(flagged)

        def level_how(amphoes, totals=totals):
            return ["small" if 0 < totals[a] <= SMALL_COUNT_MAX else "secondary" for a in amphoes]

        while _recoverable([totals[a] for a in hidden], level_how(hidden)):
            candidates = [a for a in by_amphoe if a not in hidden and totals[a] > 0]
            if not candidates:
                district_small.add(code)
                break

            def hides_a_count(a, code=code):
                return any(display[(s.school_id, code)] != "shown" and value(s) for s in by_amphoe[a])

            partner = min(candidates, key=lambda a: (not hides_a_count(a), totals[a]))
            if not hides_a_count(partner):
                positive = [s for s in by_amphoe[partner] if value(s) > 0]
                chosen = min(positive, key=value)
                display[(chosen.school_id, code)] = "secondary"
            hidden.append(partner)
        amphoe_hidden.update((a, code) for a in hidden)
    return _Matrix(schools, counts, types, display, amphoe_hidden, district_small)


def _category_table(
    pub: Publication, category: str, title: str, *, school: str | None, by: str
) -> CategoryTable:
    if by not in ("amphoe", "school"):
        raise ValueError(f"by must be amphoe or school, not {by!r}")
    matrix = _suppress(category, pub)
    schools, counts, types, display = matrix.schools, matrix.counts, matrix.types, matrix.display

    def cell(value: int, how: str) -> Cell:
        if how == "small":
            return Cell.small()
        return Cell.hidden() if how == "secondary" else Cell.shown(value)

    rows = []
    if school or by == "school":
        for s in schools:
            if school and s.code != school:
                continue
            values = [counts[(s.school_id, t.code)] for t in types]
            cells = [cell(v, display[(s.school_id, t.code)]) for v, t in zip(values, types, strict=True)]
            total = sum(values)
            # A school's total beside a hidden cell would give the cell away, and so would "< 5" for a
            # small total (a total of 5 or more, beside a "< 5" in its column, can pin that cell down).
            total_cell = Cell.hidden() if any(c.suppressed for c in cells) else Cell.shown(total)
            rows.append(CategoryRow(s.code, f"โรงเรียน{s.name_th}", cells, total_cell, s.amphoe.name_th))
    else:
        by_amphoe = defaultdict(list)
        for s in schools:
            by_amphoe[s.amphoe].append(s)
        for amphoe, members in sorted(by_amphoe.items(), key=lambda i: i[0].dopa_code):
            cells = []
            for t in types:
                value = sum(counts[(s.school_id, t.code)] for s in members)
                hidden = (amphoe.pk, t.code) in matrix.amphoe_hidden
                cells.append(Cell.hidden() if hidden else Cell.shown(value))
            total = sum(counts[(s.school_id, t.code)] for s in members for t in types)
            total_cell = Cell.hidden() if any(c.suppressed for c in cells) else Cell.shown(total)
            rows.append(CategoryRow(amphoe.dopa_code, amphoe.name_th, cells, total_cell))
    if school:
        totals = CategoryRow("total", _("รวม"), list(rows[0].cells), rows[0].total) if rows else None
    else:
        # District totals per type are shown, unless a type's few children sit in one place that
        # nothing else can cover (then "< 5"); the grand total hides with it.
        district = [sum(counts[(s.school_id, t.code)] for s in schools) for t in types]
        # ("< 5" when it is, else hidden: two lone schools with 4 each must not add up to a shown 8).
        cells = [
            (Cell.small() if v <= SMALL_COUNT_MAX else Cell.hidden())
            if t.code in matrix.district_small
            else Cell.shown(v)
            for v, t in zip(district, types, strict=True)
        ]
        grand = Cell.hidden() if any(c.suppressed for c in cells) else Cell.shown(sum(district))
        totals = CategoryRow("total", _("รวมทั้งเขตพื้นที่"), cells, grand)
    if totals is None:
        totals = CategoryRow("total", _("รวม"), [Cell.shown(0) for _t in types], Cell.shown(0))
    has_suppressed = any(c.suppressed for r in rows for c in [*r.cells, r.total])
    note = (
        _("จำนวน 1–4 คนของโรงเรียนเดียวแสดงเป็น “< 5” และบางช่องถูกปกปิดเพิ่ม เพื่อไม่ให้ย้อนคำนวณหาจำนวนที่ปกปิดได้")
        if has_suppressed
        else ""
    )
    return CategoryTable(Source.of(pub), title, category, types, rows, totals, has_suppressed, note)


def disadvantaged_by_type(
    pub: Publication, *, school: str | None = None, by: str = "amphoe"
) -> CategoryTable:
    """Disadvantaged students by type: per amphoe (rows) with the district total; per school with
    ``by="school"``; or one school (``school`` = 10-digit code). School cells are suppressed as the
    module says; ``totals`` is the district (or the one school)."""
    return _category_table(
        pub,
        PublishedCategoryCount.Category.DISADVANTAGE,
        _("นักเรียนด้อยโอกาสจำแนกตามประเภท"),
        school=school,
        by=by,
    )


def disabled_by_type(pub: Publication, *, school: str | None = None, by: str = "amphoe") -> CategoryTable:
    """Disabled students by type; as ``disadvantaged_by_type``."""
    return _category_table(
        pub, PublishedCategoryCount.Category.DISABILITY, _("นักเรียนพิการจำแนกตามประเภท"), school=school, by=by
    )


# ---------------------------------------------------------------------------------------------
# EMIS: ratios and staff; B-OBEC: buildings. Each reads a publication of its own kind; without one
# (none published yet, or a publication of another kind) the result is ``NotPublished``.


@dataclass
class NotPublished:
    """A statistic whose source data has not been collected and published yet."""

    title: str
    source_kind: str
    message: str
    rows: list = field(default_factory=list)
    source: Source | None = None

    @property
    def is_empty(self) -> bool:
        return True


NO_RATIO_TEXT = "–"  # a ratio whose divisor is zero (a school without teachers or rooms)


def _divide(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 1) if denominator else None


def ratio_text(value: float | None) -> str:
    return NO_RATIO_TEXT if value is None else f"{value:,.1f}"


@dataclass
class RatioRow:
    """Students, teachers (ครู + ครูผู้ช่วย) and classrooms of a school, an amphoe or the district, and
    the ratios between them (None when the divisor is zero; printed "–")."""

    key: str  # "district", a DOPA amphoe code or a 10-digit school code
    label: str
    schools: int
    students: int
    teachers: int
    rooms: int
    group: str = ""  # the amphoe of a school row

    @property
    def students_per_teacher(self) -> float | None:
        return _divide(self.students, self.teachers)

    @property
    def students_per_room(self) -> float | None:
        return _divide(self.students, self.rooms)

    @property
    def teachers_per_school(self) -> float | None:
        return _divide(self.teachers, self.schools)

    @property
    def students_per_teacher_text(self) -> str:
        return ratio_text(self.students_per_teacher)

    @property
    def students_per_room_text(self) -> str:
        return ratio_text(self.students_per_room)

    @property
    def teachers_per_school_text(self) -> str:
        return ratio_text(self.teachers_per_school)


@dataclass
class RatioTable:
    source: Source
    title: str
    by: str
    rows: list[RatioRow]
    totals: RatioRow
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return False


def _schools_of(pub: Publication, amphoe: str | None = None, school: str | None = None):
    schools = PublishedSchool.objects.filter(publication=pub).select_related("amphoe")
    if amphoe:
        schools = schools.filter(amphoe__dopa_code=amphoe)
    if school:
        schools = schools.filter(code=school)
    return list(schools.order_by("amphoe__dopa_code", "name_th"))


def ratios(
    pub: Publication | None, *, by: str = "amphoe", amphoe: str | None = None, school: str | None = None
) -> RatioTable | NotPublished:
    """Students per teacher, students per classroom and teachers per school, per amphoe (``by="amphoe"``)
    or per school (``"school"``), with the district in ``totals``; ``amphoe`` (DOPA code) and ``school``
    (10-digit code) narrow the rows. All three figures come from one EMIS publication: students and
    classrooms as the schools reported them by grade, teachers = ครู + ครูผู้ช่วย of every rank."""
    title = _("อัตราส่วนนักเรียนต่อครู ต่อห้องเรียน และครูต่อโรงเรียน")
    if pub is None or pub.kind != Round.Kind.EMIS:
        return NotPublished(title, Round.Kind.EMIS, _("ยังไม่มีข้อมูล EMIS ที่เผยแพร่"))
    if by not in ("amphoe", "school"):
        raise ValueError(f"by must be amphoe or school, not {by!r}")
    schools = _schools_of(pub, amphoe, school)
    students, rooms, teachers = defaultdict(int), defaultdict(int), defaultdict(int)
    for school_id, male, female, n_rooms in PublishedClassroom.objects.filter(publication=pub).values_list(
        "school", "male", "female", "rooms"
    ):
        students[school_id] += male + female
        rooms[school_id] += n_rooms
    for school_id, male, female in PublishedStaff.objects.filter(
        publication=pub, is_teaching=True
    ).values_list("school", "male", "female"):
        teachers[school_id] += male + female

    def row_for(key, label, ids, group=""):
        return RatioRow(
            key, label, len(ids), sum(students[i] for i in ids), sum(teachers[i] for i in ids),
            sum(rooms[i] for i in ids), group,
        )  # fmt: skip

    if by == "school":
        rows = [row_for(s.code, f"โรงเรียน{s.name_th}", [s.school_id], s.amphoe.name_th) for s in schools]
    else:
        by_amphoe = defaultdict(list)
        for s in schools:
            by_amphoe[s.amphoe].append(s.school_id)
        rows = [
            row_for(a.dopa_code, a.name_th, ids)
            for a, ids in sorted(by_amphoe.items(), key=lambda i: i[0].dopa_code)
        ]
    total_label = _("รวม") if amphoe or school else _("รวมทั้งเขตพื้นที่")
    totals = row_for("district", total_label, [s.school_id for s in schools])
    note = _(
        "นักเรียนและห้องเรียนตามที่โรงเรียนรายงานใน EMIS ครู = ครู + ครูผู้ช่วย ทุกวิทยฐานะ "
        "ทั้งหมดจากการเผยแพร่ EMIS รอบเดียวกัน “–” = หารไม่ได้ (ไม่มีครูหรือห้องเรียน)"
    )
    return RatioTable(Source.of(pub), title, by, rows, totals, note)


@dataclass
class StaffRow(SexSplitRow):
    """Staff by category: ``male``/``female`` follow the table's ``categories`` order."""

    @property
    def cells(self) -> list[tuple[int, int, int]]:
        """(male, female, total) per category, for templates."""
        return [(m, f, m + f) for m, f in zip(self.male, self.female, strict=True)]


@dataclass
class StaffTable:
    source: Source
    title: str
    by: str
    categories: list[Column]
    rows: list[StaffRow]
    totals: StaffRow
    ranks: CountTable | None = None  # the district's staff by category (rows) and academic rank

    @property
    def is_empty(self) -> bool:
        return False


def staff_by_position(
    pub: Publication | None, *, by: str = "amphoe", amphoe: str | None = None, school: str | None = None
) -> StaffTable | NotPublished:
    """Staff by position (EMIS category: ผู้อำนวยการ … ลูกจ้างชั่วคราว) and sex, per amphoe or per
    school, with the district totals; ``ranks`` breaks the rows shown down by academic rank."""
    title = _("บุคลากรจำแนกตามตำแหน่ง")
    if pub is None or pub.kind != Round.Kind.EMIS:
        return NotPublished(title, Round.Kind.EMIS, _("ยังไม่มีข้อมูล EMIS ที่เผยแพร่"))
    if by not in ("amphoe", "school"):
        raise ValueError(f"by must be amphoe or school, not {by!r}")
    schools = _schools_of(pub, amphoe, school)
    ids = {s.school_id for s in schools}
    counts = defaultdict(lambda: [0, 0])
    categories, ranks, by_rank = {}, {}, defaultdict(int)
    for school_id, category, label, order, rank, rank_label, male, female in (
        PublishedStaff.objects.filter(publication=pub)
        .values_list(
            "school", "category", "category_label", "category_order", "rank", "rank_label", "male", "female"
        )
        .order_by("category_order", "category", "rank")
    ):
        if school_id not in ids:
            continue
        categories[category] = (order, label)
        ranks.setdefault(rank, rank_label)
        counts[(school_id, category)][0] += male
        counts[(school_id, category)][1] += female
        by_rank[(category, rank)] += male + female
    columns = [Column(code, label) for code, (_o, label) in sorted(categories.items(), key=lambda i: i[1])]

    def row_for(key, label, school_ids, group=""):
        return StaffRow(
            key,
            label,
            [sum(counts[(s, c.code)][0] for s in school_ids) for c in columns],
            [sum(counts[(s, c.code)][1] for s in school_ids) for c in columns],
            group,
        )

    if by == "school":
        rows = [row_for(s.code, f"โรงเรียน{s.name_th}", [s.school_id], s.amphoe.name_th) for s in schools]
    else:
        grouped = defaultdict(list)
        for s in schools:
            grouped[s.amphoe].append(s.school_id)
        rows = [
            row_for(a.dopa_code, a.name_th, i)
            for a, i in sorted(grouped.items(), key=lambda i: i[0].dopa_code)
        ]
    totals = row_for("total", _("รวม") if amphoe or school else _("รวมทั้งเขตพื้นที่"), list(ids))
    # Ranks in the lookup list's order (ไม่มีวิทยฐานะ, คศ.1 … คศ.5), with the labels published.
    rank_columns = [Column(c.code, ranks[c.code]) for c in _types(LookupValue.List.EMIS_RANK, set(ranks))]
    rank_rows = [
        CountRow(c.code, c.label, [by_rank[(c.code, r.code)] for r in rank_columns], 0) for c in columns
    ]
    for row in rank_rows:
        row.total = sum(row.counts)
    rank_totals = [sum(r.counts[i] for r in rank_rows) for i in range(len(rank_columns))]
    rank_table = CountTable(
        Source.of(pub), _("บุคลากรจำแนกตามตำแหน่งและวิทยฐานะ"), rank_columns, rank_rows, rank_totals,
        sum(rank_totals),
    )  # fmt: skip
    return StaffTable(Source.of(pub), title, by, columns, rows, totals, rank_table)


def buildings_by_type_condition(
    pub: Publication | None, *, by: str = "district", amphoe: str | None = None, school: str | None = None
) -> CountTable | NotPublished:
    """Standing buildings by type (rows) and condition ดี / พอใช้ / ทรุดโทรม (columns), from a B-OBEC
    publication. ``by="district"``: one row per type. ``"amphoe"`` / ``"school"``: a subtotal row per
    amphoe or school (``key`` = its code) followed by its type rows (``key`` = ``"<code>:<type>"``,
    ``group`` = the amphoe or school). ``amphoe`` and ``school`` narrow the schools."""
    title = _("อาคารสิ่งก่อสร้างจำแนกตามประเภทและสภาพ")
    if pub is None or pub.kind != Round.Kind.BOBEC:
        return NotPublished(title, Round.Kind.BOBEC, _("ยังไม่มีข้อมูล B-OBEC ที่เผยแพร่"))
    if by not in ("district", "amphoe", "school"):
        raise ValueError(f"by must be district, amphoe or school, not {by!r}")
    schools = _schools_of(pub, amphoe, school)
    ids = {s.school_id for s in schools}
    columns = [Column(code, str(label)) for code, label in Building.Condition.choices]
    index = {c.code: i for i, c in enumerate(columns)}
    types, cells = {}, defaultdict(lambda: [0] * len(columns))
    for school_id, code, label, order, condition, n in PublishedBuildingCount.objects.filter(
        publication=pub
    ).values_list("school", "building_type", "type_label", "type_order", "condition", "count"):
        if school_id not in ids or condition not in index:
            continue
        types[code] = (order, label)
        cells[(school_id, code)][index[condition]] += n
    ordered = sorted(types.items(), key=lambda i: (i[1][0], i[1][1]))

    def counts_of(code, school_ids):
        return [sum(cells[(s, code)][i] for s in school_ids) for i in range(len(columns))]

    rows = []
    if by == "district":
        for code, (_o, label) in ordered:
            counts = counts_of(code, ids)
            rows.append(CountRow(code, label, counts, sum(counts)))
    else:
        units = defaultdict(list)
        for s in schools:
            unit = (
                (s.amphoe.dopa_code, s.amphoe.name_th) if by == "amphoe" else (s.code, f"โรงเรียน{s.name_th}")
            )
            units[unit].append(s.school_id)
        for (key, name), school_ids in sorted(units.items()):
            subtotal = [0] * len(columns)
            type_rows = []
            for code, (_o, label) in ordered:
                counts = counts_of(code, school_ids)
                if sum(counts):
                    type_rows.append(CountRow(f"{key}:{code}", label, counts, sum(counts), name))
                    subtotal = [a + b for a, b in zip(subtotal, counts, strict=True)]
            rows.append(CountRow(key, name, subtotal, sum(subtotal)))
            rows += type_rows
    totals = [sum(cells[(s, code)][i] for s in ids for code in types) for i in range(len(columns))]
    return CountTable(Source.of(pub), title, columns, rows, totals, sum(totals))


@dataclass
class SchoolRow:
    code: str
    name: str  # with the word โรงเรียน
    amphoe_code: str
    amphoe: str
    level: str
    level_label: str
    size_code: str
    size_label: str
    small_band_label: str
    male: int
    female: int
    total: int


@dataclass
class SchoolList:
    source: Source
    title: str
    rows: list[SchoolRow]


def school_list(pub: Publication, *, amphoe: str | None = None) -> SchoolList:
    """Every school of the publication with its level, size and students (for tables per school, e.g.
    the booklet), by amphoe then name; ``amphoe`` (DOPA code) narrows it."""
    schools = PublishedSchool.objects.filter(publication=pub).select_related("amphoe")
    if amphoe:
        schools = schools.filter(amphoe__dopa_code=amphoe)
    rows = [
        SchoolRow(
            s.code, f"โรงเรียน{s.name_th}", s.amphoe.dopa_code, s.amphoe.name_th, s.level,
            str(LEVEL_LABELS.get(s.level, s.level)), s.size_code, s.size_label, s.small_band_label,
            s.students_male, s.students_female, s.students_total,
        )
        for s in schools.order_by("amphoe__dopa_code", "name_th")
    ]  # fmt: skip
    return SchoolList(Source.of(pub), _("โรงเรียนและจำนวนนักเรียน"), rows)


def published_school(pub: Publication, code: str) -> PublishedSchool | None:
    return PublishedSchool.objects.filter(publication=pub, code=code).select_related("amphoe").first()


def school_figures(code: str, kind: str = Round.Kind.DMC) -> GradeSexTable | None:
    """The school's students by grade and sex in the kind's current publication (for the school's
    public profile), or None when the school is not in it."""
    publication = current_publication(kind)
    if publication is None or not PublishedSchool.objects.filter(publication=publication, code=code).exists():
        return None
    return students_by_grade_sex(publication, by="school", school=code)
