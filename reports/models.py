"""Published statistics and the downloads catalogue.

A ``Publication`` freezes the accepted data of one round at the moment district staff publish it: the
snapshot tables below are filled then, from the round's accepted submissions, and every public page,
file and API response reads only them. A submission reopened after publishing changes nothing public
until the round is published again; an earlier publication stays readable, with its own figures.

Only counts are stored: no child, no name, no ID ever reaches these tables.
"""

import re

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aoc.storage import private_storage
from datacollection.models import Round
from schools.models import Amphoe, School


class Publication(models.Model):
    """One publishing of one round's accepted data. Of a kind's publications, the current one is the
    latest publication of the round with the latest as-of date (``statistics.current_publication``)."""

    round = models.ForeignKey(
        Round, verbose_name=_("รอบ"), on_delete=models.PROTECT, related_name="publications"
    )
    as_of = models.DateField(_("ข้อมูล ณ วันที่"))
    published_at = models.DateTimeField(_("เผยแพร่เมื่อ"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้เผยแพร่"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    note = models.TextField(_("หมายเหตุ"), blank=True)
    # Coverage: the schools expected to send (open during the round) and those whose accepted data
    # the publication holds.
    schools_expected = models.PositiveIntegerField(_("โรงเรียนที่ต้องส่ง"), default=0)
    schools_included = models.PositiveIntegerField(_("โรงเรียนที่รับรองแล้ว"), default=0)
    students_total = models.PositiveIntegerField(_("นักเรียนรวม"), default=0)
    # Data generated for the demo district, shown as such wherever it is read.
    is_generated = models.BooleanField(_("ข้อมูลตัวอย่าง (สร้างขึ้น)"), default=False)

    class Meta:
        verbose_name = _("การเผยแพร่ข้อมูล")
        verbose_name_plural = _("การเผยแพร่ข้อมูล")
        ordering = ["-as_of", "-published_at", "-id"]
        indexes = [models.Index(fields=["round", "-published_at"])]

    def __str__(self):
        return f"{self.round.label} · {self.published_at:%Y-%m-%d %H:%M}"

    @property
    def kind(self) -> str:
        return self.round.kind

    @property
    def is_complete(self) -> bool:
        return self.schools_included >= self.schools_expected


class PublishedSchool(models.Model):
    """A school as it stood in a publication: its place, level, size and student totals."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="schools")
    school = models.ForeignKey(School, verbose_name=_("โรงเรียน"), on_delete=models.PROTECT, related_name="+")
    # Copies of the registry at publishing time: a later rename or move does not rewrite history.
    code = models.CharField(_("รหัสโรงเรียน"), max_length=10)
    name_th = models.CharField(_("ชื่อโรงเรียน"), max_length=200)
    amphoe = models.ForeignKey(Amphoe, verbose_name=_("อำเภอ"), on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("ระดับที่เปิดสอน"), max_length=30, choices=School.Level.choices)
    size_code = models.CharField(_("ขนาด"), max_length=30)
    size_label = models.CharField(_("ขนาด"), max_length=100)
    small_band_code = models.CharField(_("ช่วงนักเรียน"), max_length=30)
    small_band_label = models.CharField(_("ช่วงนักเรียน"), max_length=100)
    students_male = models.PositiveIntegerField(_("ชาย"), default=0)
    students_female = models.PositiveIntegerField(_("หญิง"), default=0)
    students_total = models.PositiveIntegerField(_("รวม"), default=0)

    class Meta:
        verbose_name = _("โรงเรียนในข้อมูลที่เผยแพร่")
        verbose_name_plural = _("โรงเรียนในข้อมูลที่เผยแพร่")
        ordering = ["publication", "amphoe", "name_th"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "school"], name="publishedschool_unique")
        ]

    def __str__(self):
        return f"โรงเรียน{self.name_th}"


class PublishedEnrolment(models.Model):
    """Students of one school in one grade and of one sex, in a publication."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="enrolments")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("ชั้น"), max_length=10)
    sex = models.CharField(_("เพศ"), max_length=1, choices=[("M", _("ชาย")), ("F", _("หญิง"))])
    count = models.PositiveIntegerField(_("จำนวน"))

    class Meta:
        verbose_name = _("จำนวนนักเรียนตามชั้นและเพศ")
        verbose_name_plural = _("จำนวนนักเรียนตามชั้นและเพศ")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "school", "grade", "sex"], name="publishedenrolment_unique"
            )
        ]
        indexes = [models.Index(fields=["publication", "school"])]

    def __str__(self):
        return f"{self.grade} {self.sex}: {self.count}"


class PublishedCategoryCount(models.Model):
    """Disadvantaged or disabled students of one school and one type, in a publication: a count only.

    Stored exactly; small counts are suppressed when read (``statistics``), never here, so that a
    change of the rule needs no republishing."""

    class Category(models.TextChoices):
        DISADVANTAGE = "disadvantage", _("ความด้อยโอกาส")
        DISABILITY = "disability", _("ความพิการ")

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="category_counts")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("หมวด"), max_length=20, choices=Category.choices)
    code = models.SlugField(_("รหัสประเภท"), max_length=40)
    label = models.CharField(_("ประเภท"), max_length=200)
    count = models.PositiveIntegerField(_("จำนวน"))

    class Meta:
        verbose_name = _("จำนวนนักเรียนด้อยโอกาส/พิการ")
        verbose_name_plural = _("จำนวนนักเรียนด้อยโอกาส/พิการ")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "school", "category", "code"], name="publishedcategorycount_unique"
            )
        ]
        indexes = [models.Index(fields=["publication", "category"])]

    def __str__(self):
        return f"{self.label}: {self.count}"


class Dataset(models.Model):
    """An entry of the public downloads catalogue; its files are its versions."""

    class Category(models.TextChoices):
        STUDENTS = "students", _("นักเรียน")
        SCHOOLS = "schools", _("โรงเรียน")
        SPECIAL = "special", _("นักเรียนด้อยโอกาสและพิการ")
        STAFF = "staff", _("บุคลากร")
        BUILDINGS = "buildings", _("อาคารสถานที่")
        BOOKLET = "booklet", _("เอกสารสารสนเทศ")
        OTHER = "other", _("อื่น ๆ")

    slug = models.SlugField(_("รหัสชุดข้อมูล"), max_length=80, unique=True)
    title = models.CharField(_("ชื่อชุดข้อมูล"), max_length=200)
    category = models.CharField(_("หมวด"), max_length=20, choices=Category.choices, default=Category.OTHER)
    description = models.TextField(_("คำอธิบาย"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ชุดข้อมูลดาวน์โหลด")
        verbose_name_plural = _("ชุดข้อมูลดาวน์โหลด")
        ordering = ["category", "title"]

    def __str__(self):
        return self.title


def dataset_version_path(version, filename):
    return f"downloads/{version.dataset.slug}/v{version.number}/{filename}"


def safe_filename(name: str) -> str:
    """A file name safe in a URL path segment (ASCII letters, digits, dot, dash, underscore), keeping
    the extension: ``"ตาราง แก้ไข.csv"`` → ``"file.csv"``, ``"stats 2569.xlsx"`` → ``"stats-2569.xlsx"``."""
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-") or "file"
    extension = re.sub(r"[^A-Za-z0-9]+", "", extension).lower()
    return f"{stem[:100]}.{extension[:10]}" if extension else stem[:100]


class DatasetVersion(models.Model):
    """One file of one version of a dataset. Versions are numbered from 1 (a version may hold the same
    table as XLSX and as CSV); a file is never changed or removed, so its address
    ``/downloads/<dataset>/v<n>/<filename>`` keeps working after newer versions appear."""

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"
        PDF = "pdf", "PDF"
        JSON = "json", "JSON"
        OTHER = "other", _("อื่น ๆ")

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("ฉบับที่"))
    file = models.FileField(_("ไฟล์"), upload_to=dataset_version_path, storage=private_storage, max_length=300)
    filename = models.CharField(_("ชื่อไฟล์"), max_length=120)
    file_format = models.CharField(_("รูปแบบ"), max_length=10, choices=Format.choices)
    size = models.PositiveBigIntegerField(_("ขนาด (ไบต์)"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    data_as_of = models.DateField(_("ข้อมูล ณ วันที่"), null=True, blank=True)
    publication = models.ForeignKey(
        Publication, verbose_name=_("การเผยแพร่"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="dataset_versions",
    )  # fmt: skip
    note = models.CharField(_("หมายเหตุ"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ไฟล์ของชุดข้อมูล")
        verbose_name_plural = _("ไฟล์ของชุดข้อมูล")
        ordering = ["dataset", "-number"]
        # One version may hold the same table in several formats (XLSX and CSV), one file each.
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "number", "file_format"], name="datasetversion_unique_file"
            ),
            models.UniqueConstraint(
                fields=["dataset", "number", "filename"], name="datasetversion_unique_name"
            ),
        ]

    def __str__(self):
        return f"{self.dataset} v{self.number}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse(
            "reports:download-version",
            kwargs={"slug": self.dataset.slug, "number": self.number, "filename": self.filename},
        )
