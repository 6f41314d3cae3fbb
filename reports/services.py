"""Writes of the reports app: publishing a round's results, and files of the downloads catalogue.

Publishing rule (decided here): a round of any kind (DMC, EMIS, B-OBEC) may be published once it is
closed (no longer taking data) and at least one of its submissions is accepted. The publication holds
the accepted submissions only; its coverage (schools accepted of schools expected) is stored and
printed beside every figure, so a round published with 120 of 127 schools says so. An open or
planned round, or one with nothing accepted, is refused with a Thai message. Publishing a round again
(after a reopened school was accepted anew) makes a new publication; the earlier one stays readable.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from aoc import public_cache
from aoc.audit import audit_log
from datacollection.models import LookupValue, Round, StudentRecord, Submission
from datacollection.selectors import (
    EMIS_TEACHING_CATEGORIES,
    building_counts,
    emis_staff,
    emis_students,
    round_completeness,
)
from reports import exports, permissions, statistics
from reports.models import (
    Dataset,
    DatasetVersion,
    Publication,
    PublishedBuildingCount,
    PublishedCategoryCount,
    PublishedClassroom,
    PublishedEnrolment,
    PublishedSchool,
    PublishedStaff,
    safe_filename,
)
from schools.models import EnrolmentFigure, SizeScheme
from schools.selectors import size_of

S = Submission.Status


def publication_check(round_: Round) -> list[str]:
    """Why ``round_`` cannot be published now (Thai messages); empty when it can."""
    problems = []
    if round_.status == Round.Status.OPEN:
        problems.append(_("รอบนี้ยังเปิดรับข้อมูลอยู่ ปิดรอบก่อนจึงจะเผยแพร่ได้"))
    elif round_.status == Round.Status.PLANNED:
        problems.append(_("รอบนี้ยังไม่เปิดรับข้อมูล จึงยังไม่มีข้อมูลให้เผยแพร่"))
    if not Submission.objects.filter(round=round_, status=S.ACCEPTED).exists():
        problems.append(_("ยังไม่มีโรงเรียนที่ได้รับการรับรองข้อมูลในรอบนี้"))
    return problems


def publication_create(round_: Round, *, actor, note: str = "", is_generated: bool = False) -> Publication:
    """Publish ``round_``'s accepted data in one step: the snapshot tables, the schools' enrolment
    figures (so sizes and the map use them), a new version of every published dataset (XLSX and CSV),
    and the audit entry, all in one transaction; public pages are dropped from the cache once it is
    committed. Raises ``PermissionDenied`` or ``ValidationError`` (Thai messages)."""
    written = []
    try:
        with transaction.atomic():
            return _publication_create(
                round_, actor=actor, note=note, is_generated=is_generated, written=written
            )
    except Exception:
        _forget_files(written)
        raise


def _publication_create(round_: Round, *, actor, note: str, is_generated: bool, written: list) -> Publication:
    if not permissions.can_publish(actor):
        raise PermissionDenied
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    problems = publication_check(round_)
    if problems:
        raise ValidationError(problems)
    publication = _build(round_, actor=actor, note=note, is_generated=is_generated)
    versions = _write_published_datasets(publication, actor=actor, written=written)
    audit_log(
        actor,
        "reports.publication.created",
        publication,
        {
            "round": round_.slug,
            "as_of": round_.as_of,
            "schools_included": publication.schools_included,
            "schools_expected": publication.schools_expected,
            "students": publication.students_total,
            "files": [v.get_absolute_url() for v in versions],
        },
    )
    transaction.on_commit(public_cache.public_pages_changed)
    return publication


def _build(round_: Round, *, actor, note: str, is_generated: bool) -> Publication:
    """The publication and its snapshot tables (by the round's kind)."""
    accepted = list(
        Submission.objects.filter(round=round_, status=S.ACCEPTED).select_related("school", "school__amphoe")
    )
    completeness = round_completeness(round_)
    publication = Publication.objects.create(
        round=round_,
        as_of=round_.as_of,
        published_by=actor if actor is not None and actor.is_authenticated else None,
        note=note,
        schools_expected=max(completeness.expected, len(accepted)),
        schools_included=len(accepted),
        is_generated=is_generated,
    )
    build = {Round.Kind.DMC: _build_dmc, Round.Kind.EMIS: _build_emis, Round.Kind.BOBEC: _build_bobec}
    build[round_.kind](publication, accepted)
    return publication


def _published_schools(
    publication: Publication, accepted: list, students: dict | None
) -> list[PublishedSchool]:
    """The accepted schools as they stand now, with their students (``students``: school id → (male,
    female)) and size; ``students`` None (B-OBEC, which counts no students) gives every school the size
    "no data"."""
    default_scheme = SizeScheme.objects.filter(is_default=True).first()
    small_scheme = SizeScheme.objects.filter(code="small-school-bands").order_by("-version").first()
    size_bands = list(default_scheme.bands.all()) if default_scheme else []
    small_bands = list(small_scheme.bands.all()) if small_scheme else []
    published = []
    for submission in accepted:
        school = submission.school
        male, female = students.get(school.pk, (0, 0)) if students is not None else (0, 0)
        total = male + female if students is not None else None
        size, band = size_of(total, size_bands), size_of(total, small_bands)
        published.append(
            PublishedSchool(
                publication=publication, school=school, code=school.code, name_th=school.name_th,
                amphoe=school.amphoe, level=school.level, size_code=size.code, size_label=size.label,
                small_band_code=band.code, small_band_label=band.label, students_male=male,
                students_female=female, students_total=male + female,
            )
        )  # fmt: skip
    PublishedSchool.objects.bulk_create(published)
    publication.students_total = sum(p.students_total for p in published)
    publication.save(update_fields=["students_total"])
    return published


def _build_dmc(publication: Publication, accepted: list) -> None:
    """DMC: students by grade and sex, disadvantaged and disabled students by type, the schools, and the
    schools' enrolment figures (so sizes and the map use them)."""
    round_ = publication.round
    school_ids = [s.school_id for s in accepted]
    # a submission's records are those of its current upload (the index on upload, row_number)
    records = StudentRecord.objects.filter(upload_id__in=[s.current_upload_id for s in accepted])

    # Students per school, grade and sex: one aggregate query.
    enrolment = defaultdict(int)
    for school_id, grade, sex, n in (
        records.exclude(sex="")
        .values("school_id", "grade", "sex")
        .annotate(n=Count("id"))
        .values_list("school_id", "grade", "sex", "n")
        .order_by()
    ):
        enrolment[(school_id, grade, sex)] += n
    PublishedEnrolment.objects.bulk_create(
        PublishedEnrolment(publication=publication, school_id=s, grade=g, sex=x, count=n)
        for (s, g, x), n in sorted(enrolment.items())
    )

    # Disadvantaged and disabled students per school and type: counts only.
    labels = {(v.list, v.code): v.label for v in LookupValue.objects.all()}
    category_rows = []
    for category in PublishedCategoryCount.Category.values:
        for school_id, code, n in (
            records.exclude(**{category: ""})
            .values("school_id", category)
            .annotate(n=Count("id"))
            .values_list("school_id", category, "n")
            .order_by()
        ):
            category_rows.append(
                PublishedCategoryCount(
                    publication=publication, school_id=school_id, category=category, code=code,
                    label=labels.get((category, code), code), count=n,
                )
            )  # fmt: skip
    PublishedCategoryCount.objects.bulk_create(category_rows)

    students = defaultdict(lambda: (0, 0))
    for (school_id, _grade, sex), n in enrolment.items():
        male, female = students[school_id]
        students[school_id] = (male + n, female) if sex == "M" else (male, female + n)
    published = _published_schools(publication, accepted, students)
    # The published totals become the schools' enrolment figures as of the round's date.
    EnrolmentFigure.objects.filter(
        school_id__in=school_ids, as_of=round_.as_of, source=EnrolmentFigure.Source.DMC
    ).delete()
    EnrolmentFigure.objects.bulk_create(
        EnrolmentFigure(
            school_id=p.school_id, as_of=round_.as_of, students=p.students_total,
            source=EnrolmentFigure.Source.DMC,
        )
        for p in published
    )  # fmt: skip


UNLISTED_ORDER = 999  # a code no longer in its lookup list comes last, labelled with the code itself


def _lookup(list_name: str):
    """``label_and_order(code)`` for one lookup list: the label and position of a code, copied into the
    snapshot so that a later edit of the list does not rewrite a publication."""
    values = {
        v.code: (v.label, v.order)
        for v in LookupValue.objects.filter(list=list_name).only("code", "label", "order")
    }

    def label_and_order(code: str) -> tuple[str, int]:
        return values.get(code, (code, UNLISTED_ORDER))

    return label_and_order


def _build_emis(publication: Publication, accepted: list) -> None:
    """EMIS: staff per school, category, rank and sex; students and classrooms per school and grade, as
    the schools reported them (the ratios read both, from the same round and date)."""
    round_ = publication.round
    rows = list(emis_students(round_))
    PublishedClassroom.objects.bulk_create(
        PublishedClassroom(
            publication=publication, school_id=r["school_id"], grade=r["grade"], male=r["male"],
            female=r["female"], rooms=r["rooms"],
        )
        for r in rows
    )  # fmt: skip
    category_of = _lookup(LookupValue.List.EMIS_STAFF_CATEGORY)
    rank_of = _lookup(LookupValue.List.EMIS_RANK)
    staff = []
    for r in emis_staff(round_, by_rank=True):
        if not r["total"]:
            continue
        category_label, category_order = category_of(r["category"])
        staff.append(
            PublishedStaff(
                publication=publication, school_id=r["submission__school_id"], category=r["category"],
                category_label=category_label, category_order=category_order, rank=r["rank"],
                rank_label=rank_of(r["rank"])[0], is_teaching=r["category"] in EMIS_TEACHING_CATEGORIES,
                male=r["male"], female=r["female"],
            )
        )  # fmt: skip
    PublishedStaff.objects.bulk_create(staff)
    students = defaultdict(lambda: (0, 0))
    for r in rows:
        male, female = students[r["school_id"]]
        students[r["school_id"]] = (male + r["male"], female + r["female"])
    _published_schools(publication, accepted, students)


def _build_bobec(publication: Publication, accepted: list) -> None:
    """B-OBEC: standing buildings per school, type and condition (accepted submissions only)."""
    type_of = _lookup(LookupValue.List.BUILDING_TYPE)
    counts = []
    for r in building_counts(publication.round, level="school"):
        type_label, type_order = type_of(r["building_type"])
        counts.append(
            PublishedBuildingCount(
                publication=publication, school_id=r["school_id"], building_type=r["building_type"],
                type_label=type_label, type_order=type_order, condition=r["condition"], count=r["n"],
            )
        )  # fmt: skip
    PublishedBuildingCount.objects.bulk_create(counts)
    _published_schools(publication, accepted, None)


@dataclass
class PublicationPreview:
    """What publishing ``round_`` now would make public, and why it cannot be published yet."""

    round: Round
    problems: list[str]
    schools_expected: int = 0
    schools_included: int = 0
    students_total: int = 0
    missing: list = field(default_factory=list)  # schools expected but not accepted
    schools: object = None  # statistics.CountTable
    students: object = None  # statistics.GradeSexTable (per amphoe)
    disadvantaged: object = None  # statistics.CategoryTable
    disabled: object = None
    ratios: object = None  # statistics.RatioTable (EMIS)
    staff: object = None  # statistics.StaffTable (EMIS)
    buildings: object = None  # statistics.BuildingTable (B-OBEC)

    @property
    def can_publish(self) -> bool:
        return not self.problems


class _Rollback(Exception):
    pass


def publication_preview(round_: Round, *, actor) -> PublicationPreview:
    """Builds the publication in a transaction that is rolled back, and reads it with the same
    selectors as the public pages: the preview is exactly what would be public (no file is written,
    nothing stays)."""
    if not permissions.can_view_publishing(actor):
        raise PermissionDenied
    preview = PublicationPreview(round_, publication_check(round_))
    preview.missing = list(
        Submission.objects.filter(round=round_)
        .exclude(status=S.ACCEPTED)
        .select_related("school", "school__amphoe")
        .order_by("school__amphoe__dopa_code", "school__name_th")
    )
    if not Submission.objects.filter(round=round_, status=S.ACCEPTED).exists():
        return preview
    try:
        with transaction.atomic():
            publication = _build(round_, actor=None, note="", is_generated=False)
            preview.schools_expected = publication.schools_expected
            preview.schools_included = publication.schools_included
            preview.students_total = publication.students_total
            if round_.kind == Round.Kind.DMC:
                preview.schools = statistics.schools_by_amphoe_level_size(publication)
                preview.students = statistics.students_by_grade_sex(publication, by="amphoe")
                preview.disadvantaged = statistics.disadvantaged_by_type(publication)
                preview.disabled = statistics.disabled_by_type(publication)
            elif round_.kind == Round.Kind.EMIS:
                preview.ratios = statistics.ratios(publication, by="amphoe")
                preview.staff = statistics.staff_by_position(publication)
            else:
                preview.buildings = statistics.buildings_by_type_condition(publication)
            raise _Rollback
    except _Rollback:
        pass
    return preview


def _next_number(dataset: Dataset) -> int:
    return (dataset.versions.aggregate(n=Max("number"))["n"] or 0) + 1


def _add_file(
    dataset, number, *, content: bytes, filename: str, file_format: str, actor, written: list, **fields
):
    version = DatasetVersion(
        dataset=dataset,
        number=number,
        filename=safe_filename(filename),
        file_format=file_format,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        created_by=actor if actor is not None and actor.is_authenticated else None,
        **fields,
    )
    version.file.save(f"{version.filename}", ContentFile(content), save=False)
    written.append(version.file)
    version.save()
    return version


def _forget_files(written: list) -> None:
    """Files written by a write that was rolled back: no row, no file."""
    for fieldfile in written:
        fieldfile.storage.delete(fieldfile.name)


def _write_published_datasets(publication: Publication, *, actor, written: list) -> list[DatasetVersion]:
    """A new version of each published dataset: the tables as one XLSX (a sheet per table) and the
    first (most detailed) table as CSV."""
    versions = []
    stem = publication.round.slug
    for slug, (title, category, description, build) in exports.datasets_of(publication.kind).items():
        dataset, _created = Dataset.objects.get_or_create(
            slug=slug, defaults={"title": title, "category": category, "description": description}
        )
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        number = _next_number(dataset)
        tables = build(publication)
        common = {"data_as_of": publication.as_of, "publication": publication}
        versions.append(
            _add_file(
                dataset, number, content=exports.xlsx_bytes(tables), filename=f"{slug}_{stem}.xlsx",
                file_format=DatasetVersion.Format.XLSX, actor=actor, written=written, **common,
            )
        )  # fmt: skip
        versions.append(
            _add_file(
                dataset, number, content=exports.csv_bytes(tables[0]), filename=f"{slug}_{stem}.csv",
                file_format=DatasetVersion.Format.CSV, actor=actor, written=written, **common,
            )
        )  # fmt: skip
    return versions


FORMATS_BY_EXTENSION = {"xlsx": "xlsx", "csv": "csv", "pdf": "pdf", "json": "json"}


def dataset_version_upload(
    dataset: Dataset, *, actor, file, data_as_of=None, note: str = ""
) -> DatasetVersion:
    """District staff add a file as the next version of ``dataset``; older versions keep their addresses."""
    written = []
    try:
        with transaction.atomic():
            return _dataset_version_upload(
                dataset, actor=actor, file=file, data_as_of=data_as_of, note=note, written=written
            )
    except Exception:
        _forget_files(written)
        raise


def _dataset_version_upload(
    dataset: Dataset, *, actor, file, data_as_of, note: str, written: list
) -> DatasetVersion:
    if not permissions.can_publish(actor):
        raise PermissionDenied
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    content = file.read()
    if not content:
        raise ValidationError(_("ไฟล์ว่างเปล่า"))
    extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    version = _add_file(
        dataset,
        _next_number(dataset),
        content=content,
        filename=file.name,
        file_format=FORMATS_BY_EXTENSION.get(extension, DatasetVersion.Format.OTHER),
        actor=actor,
        written=written,
        data_as_of=data_as_of,
        note=note,
    )
    audit_log(
        actor,
        "reports.datasetversion.uploaded",
        version,
        {
            "dataset": dataset.slug,
            "number": version.number,
            "filename": version.filename,
            "size": version.size,
        },
    )
    transaction.on_commit(public_cache.public_pages_changed)
    return version


def dataset_file_add(
    slug: str,
    *,
    actor,
    content: bytes,
    filename: str,
    file_format: str,
    title: str = "",
    category: str = Dataset.Category.OTHER,
    description: str = "",
    data_as_of=None,
    publication: Publication | None = None,
    note: str = "",
) -> DatasetVersion:
    """Add generated ``content`` (e.g. the annual booklet's PDF) as the next version of dataset
    ``slug``, creating the dataset on first use; the file is public at once at its permanent address.
    For code that builds files (tasks, commands); people upload through ``dataset_version_upload``."""
    if not permissions.can_publish(actor):
        raise PermissionDenied
    written = []
    try:
        with transaction.atomic():
            dataset, _created = Dataset.objects.get_or_create(
                slug=slug, defaults={"title": title or slug, "category": category, "description": description}
            )
            dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
            version = _add_file(
                dataset, _next_number(dataset), content=content, filename=filename, file_format=file_format,
                actor=actor, written=written, data_as_of=data_as_of, publication=publication, note=note,
            )  # fmt: skip
            audit_log(
                actor,
                "reports.datasetversion.added",
                version,
                {"dataset": dataset.slug, "number": version.number, "filename": version.filename},
            )
            transaction.on_commit(public_cache.public_pages_changed)
            return version
    except Exception:
        _forget_files(written)
        raise
