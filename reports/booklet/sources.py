"""The booklet's figures, read from one publication through the statistics selectors: what the booklet
prints is what the public pages, the files and the API show for the same publication."""

from django.conf import settings
from django.utils.safestring import mark_safe

from aoc.thaidate import format_date
from datacollection.models import Round
from reports import charts, statistics
from reports.models import Publication
from schools.models import School, SizeScheme

from .content import Chart, SchoolFigures, Section, StrongRow, Table, assemble

SMALL_SCHOOL_SCHEME = "small-school-bands"


# The charts' inline style lets browsers scale them; WeasyPrint 70 reads its "height:auto" as the
# width (a square box, the chart floating in white space), and sizes them right from their
# width/height attributes and the booklet's CSS without it.
BROWSER_ONLY_STYLE = ' style="max-width:100%;height:auto"'


def _chart(title, svg):
    return Chart(title, mark_safe(str(svg).replace(BROWSER_ONLY_STYLE, "", 1)))  # noqa: S308 - from reports.charts


def _count_table(table, row_label, *, rows=None):
    """A ``statistics.CountTable`` as a booklet table."""
    rows = table.rows if rows is None else rows
    return Table(
        title=table.title,
        head=[[(row_label, 1, 1)] + [(c.label, 1, 1) for c in table.columns] + [("รวม", 1, 1)]],
        rows=[
            StrongRow([row.label, *row.counts, row.total])
            if ":" not in row.key
            else [row.label, *row.counts, row.total]
            for row in rows
        ],
        foot=["รวม", *table.totals, table.total],
    )


def _band_rows(scheme):
    rows = []
    for band in scheme.bands.order_by("order"):
        if band.max_students is None:
            students = f"{band.min_students:,} คนขึ้นไป"
        else:
            students = f"{band.min_students:,}–{band.max_students:,} คน"
        rows.append([band.label, students])
    return rows


def _definitions():
    sections = []
    scheme = SizeScheme.objects.filter(is_default=True).first()
    if scheme is not None:
        sections.append(
            Section(
                title="ขนาดโรงเรียน",
                anchor="ch2-size",
                paragraphs=[
                    f"ขนาดโรงเรียนจำแนกตามจำนวนนักเรียนรวมทุกชั้น ตาม{scheme.name} "
                    "โรงเรียนที่ไม่มีนักเรียนในรอบข้อมูลแสดงแยกไว้ต่างหาก"
                ],
                tables=[
                    Table(
                        title=f"เกณฑ์ขนาดโรงเรียน ({scheme.name})",
                        head=[[("ขนาด", 1, 1), ("จำนวนนักเรียน", 1, 1)]],
                        rows=_band_rows(scheme),
                        label_columns=2,
                    )
                ],
            )
        )
    small = SizeScheme.objects.filter(code=SMALL_SCHOOL_SCHEME).order_by("-version").first()
    if small is not None:
        sections.append(
            Section(
                title="โรงเรียนขนาดเล็ก",
                anchor="ch2-small",
                paragraphs=[
                    "โรงเรียนขนาดเล็กคือโรงเรียนที่มีนักเรียนไม่เกิน 120 คน "
                    "จำแนกเป็นช่วงจำนวนนักเรียนเพื่อใช้วางแผนจัดสรรครูและงบประมาณ"
                ],
                tables=[
                    Table(
                        title=f"ช่วงจำนวนนักเรียน ({small.name})",
                        head=[[("ช่วง", 1, 1), ("จำนวนนักเรียน", 1, 1)]],
                        rows=_band_rows(small),
                        label_columns=2,
                    )
                ],
            )
        )
    sections.append(
        Section(
            title="ระดับที่เปิดสอนและชั้นเรียน",
            anchor="ch2-levels",
            paragraphs=[
                "ชั้นเรียนใช้อักษรย่อตามระบบจัดเก็บข้อมูลนักเรียนรายบุคคล (DMC): "
                "อ. = อนุบาล (ก่อนประถมศึกษา), ป. = ประถมศึกษา, ม. = มัธยมศึกษา; ช = ชาย, ญ = หญิง, "
                'ขีด "-" = ไม่มีนักเรียน'
            ],
            tables=[
                Table(
                    title="ระดับที่เปิดสอนและชั้นที่ครอบคลุม",
                    head=[[("ระดับที่เปิดสอน", 1, 1), ("ชั้น", 1, 1)]],
                    rows=[
                        [label, " ".join(School.GRADES_BY_LEVEL[School.Level(code)])]
                        for code, label in School.Level.choices
                    ],
                    label_columns=2,
                )
            ],
        )
    )
    return sections


def companion_publication(kind: str, academic_year: int) -> Publication | None:
    """The latest publication of ``kind`` (EMIS, B-OBEC) for the booklet's academic year, or None."""
    return statistics.publication_list(kind).filter(round__academic_year=academic_year).first()


def _source_line(source: statistics.Source) -> str:
    """What a table says about where it comes from: the round and the as-of date."""
    return f"ที่มา: {source.round_label} ข้อมูล ณ วันที่ {_be_date(source.as_of)}"


def _not_published(what: str, kind_label: str, year_be: int) -> str:
    return f"ยังไม่มีข้อมูล{what}ของปีการศึกษา {year_be} ที่เผยแพร่ ({kind_label}) จึงไม่มีตารางในส่วนนี้"


def _ratio_cells(row):
    return [
        row.students,
        row.teachers,
        row.rooms,
        row.students_per_teacher_text,
        row.students_per_room_text,
    ]


RATIO_HEAD = ["นักเรียน", "ครู", "ห้องเรียน", "นักเรียนต่อครู", "นักเรียนต่อห้องเรียน"]


def _ratio_sections(pub, year_be):
    title = "อัตราส่วนนักเรียนต่อครูและต่อห้องเรียน"
    if pub is None:
        return [
            Section(
                title=title,
                anchor="ch3-ratios",
                paragraphs=[_not_published("นักเรียน ครู และห้องเรียน", "EMIS", year_be)],
            )
        ]
    per_amphoe = statistics.ratios(pub, by="amphoe")
    per_school = statistics.ratios(pub, by="school")
    source = _source_line(per_amphoe.source)
    amphoe_table = Table(
        title="อัตราส่วนนักเรียนต่อครู ต่อห้องเรียน และครูต่อโรงเรียน จำแนกตามอำเภอ",
        head=[[(h, 1, 1) for h in ("อำเภอ", "โรงเรียน", *RATIO_HEAD, "ครูต่อโรงเรียน")]],
        rows=[[r.label, r.schools, *_ratio_cells(r), r.teachers_per_school_text] for r in per_amphoe.rows],
        foot=[
            "รวม",
            per_amphoe.totals.schools,
            *_ratio_cells(per_amphoe.totals),
            per_amphoe.totals.teachers_per_school_text,
        ],
        note=f"{per_amphoe.note} {source}",
    )
    school_table = Table(
        title="อัตราส่วนนักเรียนต่อครูและต่อห้องเรียน รายโรงเรียน",
        head=[[(h, 1, 1) for h in ("ที่", "รหัส", "โรงเรียน", "อำเภอ", *RATIO_HEAD)]],
        rows=[
            [i, r.key, r.label.removeprefix("โรงเรียน"), r.group, *_ratio_cells(r)]
            for i, r in enumerate(per_school.rows, start=1)
        ],
        foot=["", "", f"รวม {len(per_school.rows):,} โรง", "", *_ratio_cells(per_school.totals)],
        label_columns=4,
        note=source,
        wide=True,
    )
    return [
        Section(
            title=title,
            anchor="ch3-ratios",
            paragraphs=[
                f"นักเรียน ครู และห้องเรียนจาก {per_amphoe.source.round_label} ข้อมูล ณ วันที่ "
                f"{_be_date(per_amphoe.source.as_of)} ({per_amphoe.source.schools_included:,} จาก "
                f"{per_amphoe.source.schools_expected:,} โรงเรียนที่รับรองแล้ว)"
            ],
            tables=[amphoe_table],
            charts=[_chart("นักเรียนต่อครู จำแนกตามอำเภอ", charts.ratios_chart(per_amphoe))],
        ),
        Section(
            title="อัตราส่วนนักเรียนต่อครูและต่อห้องเรียน รายโรงเรียน",
            anchor="ch3-ratios-schools",
            tables=[school_table],
        ),
    ]


def _staff_sections(pub, year_be):
    title = "บุคลากรจำแนกตามตำแหน่ง"
    if pub is None:
        return [
            Section(title=title, anchor="ch3-staff", paragraphs=[_not_published("บุคลากร", "EMIS", year_be)])
        ]
    staff = statistics.staff_by_position(pub, by="amphoe")
    source = _source_line(staff.source)
    by_position = Table(
        title="บุคลากรทั้งเขตพื้นที่ จำแนกตามตำแหน่งและเพศ",
        head=[[(h, 1, 1) for h in ("ตำแหน่ง", "ชาย", "หญิง", "รวม")]],
        rows=[
            [c.label, m, f, m + f]
            for c, m, f in zip(staff.categories, staff.totals.male, staff.totals.female, strict=True)
        ],
        foot=["รวม", staff.totals.male_total, staff.totals.female_total, staff.totals.grand_total],
        note=source,
    )
    by_amphoe = Table(
        title="บุคลากร จำแนกตามอำเภอและตำแหน่ง",
        head=[[("อำเภอ", 1, 1)] + [(c.label, 1, 1) for c in staff.categories] + [("รวม", 1, 1)]],
        rows=[[r.label, *r.total, r.grand_total] for r in staff.rows],
        foot=["รวม", *staff.totals.total, staff.totals.grand_total],
        note=source,
        wide=len(staff.categories) > 6,
    )
    ranks = staff.ranks
    by_rank = Table(
        title="บุคลากร จำแนกตามตำแหน่งและวิทยฐานะ",
        head=[[("ตำแหน่ง", 1, 1)] + [(c.label, 1, 1) for c in ranks.columns] + [("รวม", 1, 1)]],
        rows=[[r.label, *r.counts, r.total] for r in ranks.rows],
        foot=["รวม", *ranks.totals, ranks.total],
        note=source,
    )
    return [
        Section(
            title=title,
            anchor="ch3-staff",
            paragraphs=[
                f"บุคลากรในสถานศึกษาจาก {staff.source.round_label} ข้อมูล ณ วันที่ {_be_date(staff.source.as_of)}"
            ],
            tables=[by_position, by_amphoe, by_rank],
            charts=[_chart("บุคลากรจำแนกตามตำแหน่ง", charts.staff_chart(staff))],
        )
    ]


def _building_sections(pub, year_be):
    title = "อาคารสิ่งก่อสร้างจำแนกตามประเภทและสภาพ"
    if pub is None:
        return [
            Section(
                title=title,
                anchor="ch3-buildings",
                paragraphs=[_not_published("อาคารสิ่งก่อสร้าง", "B-OBEC", year_be)],
            )
        ]
    buildings = statistics.buildings_by_type_condition(pub, by="amphoe")
    table = Table(
        title="อาคารสิ่งก่อสร้าง จำแนกตามอำเภอ ประเภท และสภาพ",
        head=[[("อำเภอ / ประเภท", 1, 1)] + [(c.label, 1, 1) for c in buildings.columns] + [("รวม", 1, 1)]],
        rows=[
            StrongRow([r.label, *r.counts, r.total]) if ":" not in r.key else [r.label, *r.counts, r.total]
            for r in buildings.rows
        ],
        foot=["รวม", *buildings.totals, buildings.total],
        note=f"นับเฉพาะอาคารที่ยังใช้งาน (ไม่รวมอาคารที่รื้อถอนแล้ว) {_source_line(buildings.source)}",
    )
    return [
        Section(
            title=title,
            anchor="ch3-buildings",
            paragraphs=[
                f"อาคารสิ่งก่อสร้างจาก {buildings.source.round_label} ข้อมูล ณ วันที่ "
                f"{_be_date(buildings.source.as_of)}"
            ],
            tables=[table],
            charts=[_chart("อาคารสิ่งก่อสร้างจำแนกตามอำเภอและสภาพ", charts.buildings_chart(buildings))],
        )
    ]


def _publication_line(pub, what):
    return (
        f"{pub.round.label}: {what} ข้อมูล ณ วันที่ {_be_date(pub.as_of)} รับรองแล้ว "
        f"{pub.schools_included:,} จาก {pub.schools_expected:,} โรงเรียน "
        f"เผยแพร่เมื่อ {_be_date(pub.published_at)}"
    )


def booklet_content(publication: Publication):
    """Everything the booklet of ``publication`` prints."""
    by_school = statistics.students_by_grade_sex(publication, by="school")
    grades = list(by_school.grades)
    grade_rows = {row.key: row for row in by_school.rows}
    schools = []
    for school in statistics.school_list(publication).rows:
        row = grade_rows.get(school.code)
        by_grade = {}
        if row is not None:
            by_grade = {g: [m, f] for g, m, f in zip(grades, row.male, row.female, strict=True)}
        schools.append(
            SchoolFigures(
                code=school.code,
                # The tables' column says โรงเรียน already.
                name=school.name.removeprefix("โรงเรียน"),
                amphoe=school.amphoe,
                level=school.level_label,
                size=school.size_label,
                band=school.small_band_label,
                by_grade=by_grade,
            )
        )
    sizes = statistics.schools_by_amphoe_level_size(publication)
    bands = statistics.small_school_bands(publication)
    district = statistics.students_by_grade_sex(publication, by="district")
    trend = statistics.student_trend(publication.round.kind)
    amphoe_order = [row.label for row in sizes.rows if ":" not in row.key]
    chart_sets = {
        "amphoe": [_chart("โรงเรียนจำแนกตามอำเภอและขนาด", charts.schools_by_size_chart(sizes))],
        "band": [_chart("โรงเรียนจำแนกตามช่วงจำนวนนักเรียน", charts.small_bands_chart(bands))],
        "grade": [_chart("นักเรียนจำแนกตามชั้นและเพศ", charts.students_by_grade_chart(district))],
    }
    if len(trend.points) > 1:
        chart_sets["grade"].append(_chart("จำนวนนักเรียนตามรอบที่เผยแพร่", charts.trend_chart(trend)))
    round_ = publication.round
    emis = companion_publication(Round.Kind.EMIS, round_.academic_year)
    bobec = companion_publication(Round.Kind.BOBEC, round_.academic_year)
    content = assemble(
        office_name=settings.DISTRICT["name_th"],
        office_short=settings.DISTRICT["short_name_th"],
        year_be=round_.academic_year,
        round_label=round_.label,
        as_of=publication.as_of,
        published_at=publication.published_at,
        is_generated=publication.is_generated,
        schools=schools,
        grades=grades,
        amphoe_order=amphoe_order,
        level_order=[str(label) for _, label in School.Level.choices],
        size_order=[c.label for c in sizes.columns],
        band_order=[c.label for c in bands.columns],
        definitions=_definitions(),
        charts=chart_sets,
        sources=[
            _publication_line(publication, "ข้อมูลนักเรียนรายบุคคล (DMC)"),
            _publication_line(emis, "ข้อมูลพื้นฐานโรงเรียน (EMIS): ครู บุคลากร และห้องเรียน")
            if emis
            else f"ข้อมูลพื้นฐานโรงเรียน (EMIS): ยังไม่มีการเผยแพร่ของปีการศึกษา {round_.academic_year}",
            _publication_line(bobec, "ข้อมูลอาคารสิ่งก่อสร้าง (B-OBEC)")
            if bobec
            else f"ข้อมูลอาคารสิ่งก่อสร้าง (B-OBEC): ยังไม่มีการเผยแพร่ของปีการศึกษา {round_.academic_year}",
            "ทะเบียนโรงเรียน: รหัสโรงเรียน ชื่อ อำเภอ และระดับที่เปิดสอน จากระบบทะเบียนโรงเรียนของเขตพื้นที่",
            "เกณฑ์ขนาดโรงเรียนและช่วงจำนวนนักเรียน: ตามบทที่ 2",
            f"จัดทำโดยระบบ AOC ของ{settings.DISTRICT['name_th']} จากข้อมูลที่เผยแพร่ข้างต้นเท่านั้น",
        ],
    )
    # Chapter 1 opens with the statistics' own amphoe × level × size table.
    content.context[1].tables = [_count_table(sizes, "อำเภอ / ระดับ")]
    # Chapter 3: EMIS and B-OBEC figures of the same year after the district-wide student tables,
    # before the tables per school.
    after = next(i for i, s in enumerate(content.basic) if s.anchor == "ch3-level") + 1
    year = round_.academic_year
    content.basic[after:after] = [
        *_ratio_sections(emis, year),
        *_staff_sections(emis, year),
        *_building_sections(bobec, year),
    ]
    used = [p.round.label for p in (emis, bobec) if p]
    if used:
        content.context[0].paragraphs.append(
            "ข้อมูลครู บุคลากร ห้องเรียน และอาคารสิ่งก่อสร้างในบทที่ 3 มาจาก " + " และ ".join(used)
        )
    return content


def _be_date(value):
    return format_date(value, long=True)
