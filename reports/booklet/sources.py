"""The booklet's figures, read from one publication through the statistics selectors: what the booklet
prints is what the public pages, the files and the API show for the same publication."""

from django.conf import settings
from django.utils.safestring import mark_safe

from aoc.thaidate import format_date
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
            f"{round_.label}: ข้อมูลนักเรียนรายบุคคล (DMC) ข้อมูล ณ วันที่ "
            f"{_be_date(publication.as_of)} รับรองแล้ว {publication.schools_included:,} จาก "
            f"{publication.schools_expected:,} โรงเรียน",
            "ทะเบียนโรงเรียน: รหัสโรงเรียน ชื่อ อำเภอ และระดับที่เปิดสอน จากระบบทะเบียนโรงเรียนของเขตพื้นที่",
            "เกณฑ์ขนาดโรงเรียนและช่วงจำนวนนักเรียน: ตามบทที่ 2",
            f"เผยแพร่เมื่อ {_be_date(publication.published_at)} "
            f"จัดทำโดยระบบ AOC ของ{settings.DISTRICT['name_th']}",
        ],
    )
    # Chapter 1 opens with the statistics' own amphoe × level × size table.
    content.context[1].tables = [_count_table(sizes, "อำเภอ / ระดับ")]
    return content


def _be_date(value):
    return format_date(value, long=True)
