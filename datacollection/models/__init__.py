import datetime
import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aoc.storage import private_storage
from schools.models import School


class Round(models.Model):
    """A data-collection round: one kind of collection, one academic year, one number.

    Its dates are data (DOMAIN.md: the round-3 cut-off has moved between years)."""

    class Kind(models.TextChoices):
        DMC = "dmc", _("DMC ข้อมูลนักเรียนรายบุคคล")
        EMIS = "emis", _("EMIS ข้อมูลสารสนเทศโรงเรียน")
        BOBEC = "bobec", _("B-OBEC ข้อมูลสิ่งก่อสร้าง")

    class Status(models.TextChoices):
        PLANNED = "planned", _("ยังไม่เปิด")
        OPEN = "open", _("เปิดรับข้อมูล")
        CLOSED = "closed", _("ปิดรอบแล้ว")

    kind = models.CharField(_("ประเภทข้อมูล"), max_length=10, choices=Kind.choices)
    academic_year = models.PositiveSmallIntegerField(_("ปีการศึกษา (พ.ศ.)"))
    number = models.PositiveSmallIntegerField(_("รอบที่"))
    label = models.CharField(_("ชื่อรอบ"), max_length=200)
    slug = models.SlugField(_("รหัสรอบ"), max_length=40, unique=True, editable=False)
    as_of = models.DateField(_("ข้อมูล ณ วันที่"))
    opens_on = models.DateField(_("วันเปิดรับข้อมูล"))
    deadline = models.DateField(_("กำหนดส่งของโรงเรียน"))
    closes_on = models.DateField(_("วันปิดรอบ"))
    guide = models.FileField(_("คู่มือ/แนวทาง (PDF)"), upload_to="rounds/guides/", blank=True)
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    target_schools = models.ManyToManyField(
        School, verbose_name=_("โรงเรียนเป้าหมาย"), related_name="rounds", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("รอบการเก็บข้อมูล")
        verbose_name_plural = _("รอบการเก็บข้อมูล")
        ordering = ["-academic_year", "-number", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "academic_year", "number"], name="round_unique_number"),
            models.CheckConstraint(
                condition=models.Q(opens_on__lte=models.F("deadline")), name="round_opens_before_deadline"
            ),
            models.CheckConstraint(
                condition=models.Q(deadline__lte=models.F("closes_on")), name="round_deadline_before_close"
            ),
        ]

    def __str__(self):
        return self.label

    @staticmethod
    def make_slug(kind: str, academic_year: int, number: int) -> str:
        return f"{kind}-{academic_year}-{number}"

    @property
    def deadline_at(self) -> datetime.datetime:
        """The last moment a school is on time: the end of the deadline day, in the portal's time zone."""
        end = datetime.datetime.combine(self.deadline, datetime.time.max)
        return timezone.make_aware(end, timezone.get_default_timezone())

    def is_past_deadline(self, now=None) -> bool:
        return (now or timezone.now()) > self.deadline_at

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Submission(models.Model):
    """One school's submission to one round, and its place in the verification workflow
    (``datacollection.workflow``)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("ยังไม่ส่ง")
        DRAFT = "draft", _("ฉบับร่าง")
        SUBMITTED = "submitted", _("ยืนยันส่งแล้ว รอตรวจ")
        RETURNED = "returned", _("ส่งกลับให้แก้ไข")
        ACCEPTED = "accepted", _("รับรองแล้ว (ล็อก)")

    round = models.ForeignKey(
        Round, verbose_name=_("รอบ"), on_delete=models.PROTECT, related_name="submissions"
    )
    school = models.ForeignKey(
        School, verbose_name=_("โรงเรียน"), on_delete=models.PROTECT, related_name="submissions"
    )
    status = models.CharField(_("สถานะ"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    # The latest upload without blocking errors: its records are the submission's records.
    current_upload = models.ForeignKey(
        "Upload", verbose_name=_("ไฟล์ที่ใช้"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("ยืนยันส่งเมื่อ"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("รับรองเมื่อ"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("ความเคลื่อนไหวล่าสุด"), null=True, blank=True)
    # The first time the school submitted: the basis of the on-time rate.
    first_submitted_at = models.DateTimeField(_("ส่งครั้งแรกเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("การส่งข้อมูลของโรงเรียน")
        verbose_name_plural = _("การส่งข้อมูลของโรงเรียน")
        ordering = ["round", "school__name_th"]
        constraints = [models.UniqueConstraint(fields=["round", "school"], name="submission_one_per_school")]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self):
        return f"{self.round.slug} · {self.school}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.ACCEPTED


class SubmissionEvent(models.Model):
    """The history of a submission: every change of state, who made it and why."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=Submission.Status.choices)
    to_status = models.CharField(max_length=20, choices=Submission.Status.choices)
    comment = models.TextField(_("หมายเหตุ"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ประวัติการส่งข้อมูล")
        verbose_name_plural = _("ประวัติการส่งข้อมูล")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.submission}: {self.from_status} → {self.to_status}"


def upload_path(upload, filename):
    submission = upload.submission
    return f"uploads/{submission.round.slug}/{submission.school.code}/{upload.sha256[:16]}-{filename}"


def report_path(upload, filename):
    return f"reports/{upload.submission.round.slug}/{upload.submission.school.code}/{filename}"


class Upload(models.Model):
    """Every file a school sends is kept, with what the portal found in it."""

    class Status(models.TextChoices):
        PROCESSING = "processing", _("กำลังตรวจสอบ")
        VALID = "valid", _("ผ่านการตรวจสอบ")
        REJECTED = "rejected", _("มีข้อผิดพลาด ไม่ได้บันทึก")
        FAILED = "failed", _("ตรวจสอบไม่สำเร็จ")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="uploads")
    # Files hold personal data: kept in the private storage, never served as media.
    file = models.FileField(_("ไฟล์"), upload_to=upload_path, storage=private_storage)
    original_name = models.CharField(_("ชื่อไฟล์"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("ขนาด (ไบต์)"))
    file_format = models.CharField(_("รูปแบบไฟล์"), max_length=10, blank=True)
    encoding = models.CharField(_("การเข้ารหัส"), max_length=20, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("ผลการตรวจ"), max_length=12, choices=Status.choices, default=Status.PROCESSING
    )
    rows = models.PositiveIntegerField(_("จำนวนแถว"), default=0)
    error_count = models.PositiveIntegerField(_("ข้อผิดพลาด"), default=0)
    warning_count = models.PositiveIntegerField(_("คำเตือน"), default=0)
    # The issues found, as {"row", "column", "code", "message", "value", "severity"}; capped, the full
    # list is in the error report.
    issues = models.JSONField(default=list, blank=True)
    issues_truncated = models.BooleanField(default=False)
    headers = models.JSONField(_("หัวคอลัมน์ของไฟล์"), default=list, blank=True)
    report = models.FileField(_("รายงานข้อผิดพลาด"), upload_to=report_path, storage=private_storage, blank=True)

    class Meta:
        verbose_name = _("ไฟล์ที่ส่ง")
        verbose_name_plural = _("ไฟล์ที่ส่ง")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.original_name


class LookupValue(models.Model):
    """Code lists (disadvantage, disability, religion, blood group …) as editable lookup tables."""

    class List(models.TextChoices):
        DISADVANTAGE = "disadvantage", _("ความด้อยโอกาส")
        DISABILITY = "disability", _("ความพิการ")
        RELIGION = "religion", _("ศาสนา")
        BLOOD_GROUP = "blood_group", _("กลุ่มเลือด")
        EMIS_STAFF_CATEGORY = "emis_staff_category", _("EMIS: ประเภทบุคลากร")
        EMIS_RANK = "emis_rank", _("EMIS: วิทยฐานะ")
        EMIS_FUNDING = "emis_funding", _("EMIS: แหล่งงบประมาณ")
        EMIS_ISP = "emis_isp", _("EMIS: ผู้ให้บริการอินเทอร์เน็ต")
        EMIS_LINK_TYPE = "emis_link_type", _("EMIS: ประเภทการเชื่อมต่ออินเทอร์เน็ต")
        EMIS_EQUIPMENT = "emis_equipment", _("EMIS: ครุภัณฑ์ (รหัส M-OBEC)")
        BUILDING_TYPE = "building_type", _("ประเภทอาคารและสิ่งก่อสร้าง")

    list = models.CharField(_("รายการ"), max_length=20, choices=List.choices)
    code = models.SlugField(_("รหัส"), max_length=40)
    label = models.CharField(_("ชื่อ"), max_length=200)
    # Other spellings found in files (one per line), e.g. "พุทธ" for "ศาสนาพุทธ".
    aliases = models.TextField(_("คำที่ใช้แทนได้"), blank=True, help_text=_("บรรทัดละหนึ่งคำ"))
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    class Meta:
        verbose_name = _("รายการรหัส")
        verbose_name_plural = _("รายการรหัส")
        ordering = ["list", "order", "label"]
        constraints = [models.UniqueConstraint(fields=["list", "code"], name="lookup_unique_code")]

    def __str__(self):
        return f"{self.get_list_display()}: {self.label}"


class RowCellsField(models.TextField):
    """A list of cells, stored as JSON text (``text``, not ``jsonb``): loading it is a copy for the
    database, where ``jsonb`` parses every row (about a quarter of its work on a DMC file). Written by
    ``datacollection.storage`` (``copy_as_json``) and read whole."""

    copy_as_json = True

    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(value)

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False)

    def value_to_string(self, obj):  # serializers (dumpdata) write the JSON, not a Python repr
        return self.get_prep_value(self.value_from_object(obj))


class StudentRecord(models.Model):
    """One student of one school in one round (DMC): the parsed fields and the raw row.

    Text columns are ``TextField``: values come from schools' files and are checked by the reader; a
    wrong value (a shifted row putting a name in the ID column) must reach the checks, not fail COPY.

    Personal data (PDPA): never public; national IDs are masked in lists; reading a list is logged.
    Rows are written by ``datacollection.storage`` with PostgreSQL COPY, never one query per row."""

    class IdKind(models.TextChoices):
        THAI = "thai", _("เลขประจำตัวประชาชน")
        GCODE = "gcode", _("G-Code")
        FOREIGN = "foreign", _("เลขประจำตัว (ขึ้นต้นด้วย 0)")

    class Sex(models.TextChoices):
        MALE = "M", _("ชาย")
        FEMALE = "F", _("หญิง")

    # Written in bulk by COPY, so every constraint and index costs on each of up to a million rows.
    # No foreign key is checked by the database (for ``upload``, its check at commit was a quarter of
    # the database's work on a file): records are written only by ``datacollection.storage``, with the
    # upload just created in the same transaction, and deleted with their upload (Django's cascade,
    # ``services``); ``round`` and ``school`` repeat the upload's submission for the set-based checks
    # across schools. The composite indexes below replace the single-column ones.
    upload = models.ForeignKey(
        Upload, on_delete=models.CASCADE, related_name="records", db_constraint=False, db_index=False
    )
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    row_number = models.PositiveIntegerField(_("แถวในไฟล์"))
    national_id = models.TextField(_("เลขประจำตัวประชาชน"))
    id_kind = models.CharField(max_length=8, choices=IdKind.choices, blank=True)
    grade = models.TextField(_("ชั้น"))
    room = models.TextField(_("ห้อง"), blank=True)
    student_number = models.TextField(_("เลขประจำตัวนักเรียน"), blank=True)
    sex = models.CharField(_("เพศ"), max_length=1, choices=Sex.choices, blank=True)
    prefix = models.TextField(_("คำนำหน้าชื่อ"), blank=True)
    first_name = models.TextField(_("ชื่อ"))
    last_name = models.TextField(_("นามสกุล"))
    birth_date = models.DateField(_("วันเกิด"), null=True)
    weight_kg = models.DecimalField(_("น้ำหนัก (กก.)"), max_digits=5, decimal_places=2, null=True)
    height_cm = models.DecimalField(_("ส่วนสูง (ซม.)"), max_digits=5, decimal_places=2, null=True)
    blood_group = models.TextField(_("กลุ่มเลือด"), blank=True)
    religion = models.TextField(_("ศาสนา"), blank=True)
    nationality = models.TextField(_("สัญชาติ"), blank=True)
    disadvantage = models.TextField(_("ความด้อยโอกาส"), blank=True)
    disability = models.TextField(_("ความพิการ"), blank=True)
    # The row's cells as the school wrote them, in the order of ``upload.headers`` (the headers are kept
    # once per upload, not repeated in every row). JSON kept as text: read whole, never queried inside.
    raw = RowCellsField(_("แถวตามไฟล์"), default=list)

    class Meta:
        verbose_name = _("ข้อมูลนักเรียนรายบุคคล")
        verbose_name_plural = _("ข้อมูลนักเรียนรายบุคคล")
        ordering = ["upload", "row_number"]
        indexes = [
            # A submission's records are those of its current upload: its pages, exports and the
            # publishing read them by upload, in the file's order.
            models.Index(fields=["upload", "row_number"]),
            # The ID checks across schools, and the movement watch's anti-joins between two rounds
            # (datacollection.movement): with the school, upload and grade in the index they read
            # only the two rounds' index entries (index-only scans), not the table.
            models.Index(
                fields=["round", "national_id", "school"],
                include=["upload", "grade"],
                name="record_round_national_id_idx",
            ),
        ]

    def __str__(self):
        return f"{self.prefix}{self.first_name} {self.last_name}"

    @property
    def masked_id(self) -> str:
        """``1xxxxxxxx0121``: enough to tell two students apart, not enough to use the ID."""
        value = self.national_id
        return f"{value[:1]}{'x' * 8}{value[-4:]}" if len(value) == 13 else value


from datacollection.models.bobec import Building, BuildingPhoto  # noqa: E402
from datacollection.models.emis import (  # noqa: E402  (the kinds' modules need the models above)
    EmisComputer,
    EmisEquipment,
    EmisInternetLink,
    EmisRegistryChange,
    EmisReport,
    EmisStaffCount,
    EmisStudentCount,
)
from datacollection.models.movement import LeaverFollowUp  # noqa: E402
from datacollection.models.reminders import ReminderLog  # noqa: E402

__all__ = [
    "Building",
    "BuildingPhoto",
    "EmisComputer",
    "EmisEquipment",
    "EmisInternetLink",
    "EmisRegistryChange",
    "EmisReport",
    "EmisStaffCount",
    "EmisStudentCount",
    "LeaverFollowUp",
    "LookupValue",
    "ReminderLog",
    "Round",
    "StudentRecord",
    "Submission",
    "SubmissionEvent",
    "Upload",
]
