"""EMIS school information (DOMAIN.md "EMIS"): the draft data of one school's submission to an EMIS round.

Every row belongs to one submission; the school changes them in the web forms or by uploading the
template (``datacollection.kinds.emis_kind``), and they are locked with the submission once district
staff accept it. Codes (staff categories, academic ranks, sources of funds, link types, providers,
M-OBEC equipment codes) are ``LookupValue`` codes, kept as editable lookup tables."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollection.models import Submission


class EmisReport(models.Model):
    """One per EMIS submission once its data exist: where the first values came from."""

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="emis_report")
    # The school's last accepted EMIS submission the draft started from, and the DMC submission of the
    # same as-of date whose records gave the first student counts (either may be absent).
    prefilled_from = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dmc_source = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ข้อมูล EMIS ของโรงเรียน")
        verbose_name_plural = _("ข้อมูล EMIS ของโรงเรียน")

    def __str__(self):
        return str(self.submission)


class EmisRegistryChange(models.Model):
    """A change to the school registry the school proposes (ข้อมูลพื้นฐาน); written to ``schools.School``
    only when district staff accept the submission."""

    class Field(models.TextChoices):
        NAME_EN = "name_en", _("ชื่อโรงเรียน (อังกฤษ)")
        ADDRESS = "address", _("ที่อยู่")
        TAMBON = "tambon", _("ตำบล")
        POSTCODE = "postcode", _("รหัสไปรษณีย์")
        PHONE = "phone", _("โทรศัพท์")
        EMAIL = "email", _("อีเมล")
        WEBSITE = "website", _("เว็บไซต์")
        PRINCIPAL_NAME = "principal_name", _("ผู้อำนวยการโรงเรียน")
        FOUNDED_ON = "founded_on", _("วันก่อตั้ง")
        QUALITY_NETWORK = "quality_network", _("เครือข่ายพัฒนาคุณภาพการศึกษา")
        LATITUDE = "latitude", _("ละติจูด")
        LONGITUDE = "longitude", _("ลองจิจูด")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="emis_registry_changes")
    field = models.CharField(_("รายการ"), max_length=20, choices=Field.choices)
    value = models.CharField(_("ค่าที่ขอแก้ไข"), max_length=300, blank=True)
    # The registry's value when the school proposed the change (what district staff see as "old").
    previous = models.CharField(_("ค่าเดิมในทะเบียน"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ข้อมูลพื้นฐานที่ขอแก้ไข")
        verbose_name_plural = _("ข้อมูลพื้นฐานที่ขอแก้ไข")
        ordering = ["submission", "id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "field"], name="emis_change_one_per_field")
        ]

    def __str__(self):
        return f"{self.get_field_display()}: {self.previous} → {self.value}"


class EmisStudentCount(models.Model):
    """Students of one grade by sex, with the number of rooms (ห้องเรียน)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="emis_students")
    grade = models.CharField(_("ชั้น"), max_length=8)
    male = models.PositiveIntegerField(_("ชาย"), default=0)
    female = models.PositiveIntegerField(_("หญิง"), default=0)
    rooms = models.PositiveIntegerField(_("ห้องเรียน"), default=0)
    explanation = models.TextField(_("คำชี้แจง"), blank=True)

    class Meta:
        verbose_name = _("จำนวนนักเรียน (EMIS)")
        verbose_name_plural = _("จำนวนนักเรียน (EMIS)")
        ordering = ["submission", "id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "grade"], name="emis_students_one_per_grade")
        ]

    def __str__(self):
        return f"{self.grade}: {self.total}"

    @property
    def total(self) -> int:
        return self.male + self.female


class EmisStaffCount(models.Model):
    """Staff of one category (ผู้อำนวยการ … ลูกจ้างชั่วคราว) and academic rank (วิทยฐานะ) by sex."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="emis_staff")
    category = models.CharField(_("ประเภทบุคลากร"), max_length=40)  # LookupValue emis_staff_category
    rank = models.CharField(_("วิทยฐานะ"), max_length=40)  # LookupValue emis_rank
    male = models.PositiveIntegerField(_("ชาย"), default=0)
    female = models.PositiveIntegerField(_("หญิง"), default=0)
    explanation = models.TextField(_("คำชี้แจง"), blank=True)

    class Meta:
        verbose_name = _("จำนวนบุคลากร (EMIS)")
        verbose_name_plural = _("จำนวนบุคลากร (EMIS)")
        ordering = ["submission", "id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "category", "rank"], name="emis_staff_one_per_rank")
        ]

    def __str__(self):
        return f"{self.category}/{self.rank}: {self.total}"

    @property
    def total(self) -> int:
        return self.male + self.female


class EmisComputer(models.Model):
    """Computers by use and source of funds, working and broken."""

    class Use(models.TextChoices):
        TEACHING = "teaching", _("เพื่อการเรียนการสอน")
        ADMINISTRATION = "administration", _("เพื่อการบริหาร")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="emis_computers")
    use = models.CharField(_("การใช้งาน"), max_length=20, choices=Use.choices)
    funding = models.CharField(_("แหล่งงบประมาณ"), max_length=40)  # LookupValue emis_funding
    working = models.PositiveIntegerField(_("ใช้งานได้"), default=0)
    broken = models.PositiveIntegerField(_("ชำรุด"), default=0)

    class Meta:
        verbose_name = _("คอมพิวเตอร์ (EMIS)")
        verbose_name_plural = _("คอมพิวเตอร์ (EMIS)")
        ordering = ["submission", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "use", "funding"], name="emis_computers_one_per_source"
            )
        ]

    def __str__(self):
        return f"{self.use}/{self.funding}: {self.working}+{self.broken}"


class EmisInternetLink(models.Model):
    """One internet link of the school."""

    class Status(models.TextChoices):
        WORKING = "working", _("ใช้งานได้")
        BROKEN = "broken", _("ใช้งานไม่ได้")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="emis_internet")
    provider = models.CharField(_("ผู้ให้บริการ"), max_length=40)  # LookupValue emis_isp
    link_type = models.CharField(_("ประเภทการเชื่อมต่อ"), max_length=40)  # LookupValue emis_link_type
    speed_mbps = models.PositiveIntegerField(_("ความเร็ว (Mbps)"), default=0)
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.WORKING)
    monthly_cost = models.DecimalField(_("ค่าใช้จ่ายต่อเดือน (บาท)"), max_digits=10, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("อินเทอร์เน็ต (EMIS)")
        verbose_name_plural = _("อินเทอร์เน็ต (EMIS)")
        ordering = ["submission", "id"]

    def __str__(self):
        return f"{self.provider} {self.link_type} {self.speed_mbps} Mbps"


class EmisEquipment(models.Model):
    """Equipment of one M-OBEC code (e.g. 22029 จานรับสัญญาณดาวเทียม), working and broken."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="emis_equipment")
    code = models.CharField(_("รหัสครุภัณฑ์"), max_length=40)  # LookupValue emis_equipment
    working = models.PositiveIntegerField(_("ใช้งานได้"), default=0)
    broken = models.PositiveIntegerField(_("ชำรุด"), default=0)

    class Meta:
        verbose_name = _("ครุภัณฑ์ (EMIS)")
        verbose_name_plural = _("ครุภัณฑ์ (EMIS)")
        ordering = ["submission", "id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "code"], name="emis_equipment_one_per_code")
        ]

    def __str__(self):
        return f"{self.code}: {self.working}+{self.broken}"
