import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Right
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aoc import thaidate

school_code_validator = RegexValidator(r"^\d{10}$", _("รหัสโรงเรียนต้องเป็นตัวเลข 10 หลัก เช่น 1090550174"))
smis_code_validator = RegexValidator(r"^\d{8}$", _("รหัส SMIS ต้องเป็นตัวเลข 8 หลัก เช่น 90020001"))
area_code_validator = RegexValidator(r"^\d{4}$", _("รหัสเขตพื้นที่ต้องเป็นตัวเลข 4 หลัก เช่น 9002"))
dopa_code_validator = RegexValidator(r"^\d{4}$", _("รหัสอำเภอ (กรมการปกครอง) ต้องเป็นตัวเลข 4 หลัก"))
postcode_validator = RegexValidator(r"^\d{5}$", _("รหัสไปรษณีย์ต้องเป็นตัวเลข 5 หลัก"))

# The fields a school's record may carry that the public may see (profile, directory, API).
PUBLIC_FIELDS = (
    "code", "smis_code", "obec_code", "name_th", "name_en", "level", "amphoe", "tambon",
    "address", "postcode", "phone", "email", "website", "principal_name", "latitude",
    "longitude", "founded_on", "quality_network", "opened_on", "closed_on", "branch_of",
)  # fmt: skip


class Amphoe(models.Model):
    """A district (อำเภอ) as the Department of Provincial Administration codes it, e.g. 9011 หาดใหญ่.

    Kept apart from the education area code: area 9002 and amphoe 9002 (สทิงพระ) share a shape."""

    dopa_code = models.CharField(
        _("รหัสอำเภอ (มท.)"), max_length=4, unique=True, validators=[dopa_code_validator]
    )
    name_th = models.CharField(_("ชื่ออำเภอ"), max_length=100)
    name_en = models.CharField(_("ชื่ออำเภอ (อังกฤษ)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("อำเภอ")
        verbose_name_plural = _("อำเภอ")
        ordering = ["dopa_code"]

    def __str__(self):
        return self.name_th


class School(models.Model):
    class Level(models.TextChoices):
        """Levels offered, as EMIS writes them."""

        KINDER_PRIMARY = "kinder_primary", _("อนุบาล-ประถมศึกษา")
        KINDER_LOWER_SECONDARY = "kinder_lower_secondary", _("อนุบาล-มัธยมศึกษาตอนต้น")
        PRIMARY = "primary", _("ประถมศึกษา")
        PRIMARY_LOWER_SECONDARY = "primary_lower_secondary", _("ประถมศึกษา-มัธยมศึกษาตอนต้น")

    # The grades (DMC codes) each level covers, in order.
    GRADES_BY_LEVEL = {
        Level.KINDER_PRIMARY: ("อ.1", "อ.2", "อ.3", "ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6"),
        Level.KINDER_LOWER_SECONDARY: (
            "อ.1", "อ.2", "อ.3", "ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6", "ม.1", "ม.2", "ม.3",
        ),
        Level.PRIMARY: ("ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6"),
        Level.PRIMARY_LOWER_SECONDARY: ("ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6", "ม.1", "ม.2", "ม.3"),
    }  # fmt: skip

    # Identifiers (DOMAIN.md): the 10-digit school code = affiliation (2) + province (2) + 6 digits;
    # its last 6 digits are the OBEC code. The 8-digit SMIS code is numbered on its own.
    code = models.CharField(
        _("รหัสโรงเรียน 10 หลัก"), max_length=10, unique=True, validators=[school_code_validator]
    )
    obec_code = models.GeneratedField(
        verbose_name=_("รหัส OBEC 6 หลัก"),
        expression=Right("code", 6),
        output_field=models.CharField(max_length=6),
        db_persist=True,
    )
    smis_code = models.CharField(
        _("รหัส SMIS 8 หลัก"), max_length=8, unique=True, validators=[smis_code_validator]
    )
    area_code = models.CharField(_("รหัสเขตพื้นที่"), max_length=4, validators=[area_code_validator])

    name_th = models.CharField(_("ชื่อโรงเรียน"), max_length=200, help_text=_('ไม่ต้องมีคำว่า "โรงเรียน" นำหน้า'))
    name_en = models.CharField(_("ชื่อโรงเรียน (อังกฤษ)"), max_length=200, blank=True)
    level = models.CharField(_("ระดับที่เปิดสอน"), max_length=30, choices=Level.choices)

    amphoe = models.ForeignKey(
        Amphoe, verbose_name=_("อำเภอ"), on_delete=models.PROTECT, related_name="schools"
    )
    tambon = models.CharField(_("ตำบล"), max_length=100, blank=True)
    address = models.CharField(_("ที่อยู่"), max_length=300, blank=True)
    postcode = models.CharField(_("รหัสไปรษณีย์"), max_length=5, blank=True, validators=[postcode_validator])
    phone = models.CharField(_("โทรศัพท์"), max_length=50, blank=True)
    email = models.EmailField(_("อีเมล"), blank=True)
    website = models.URLField(_("เว็บไซต์"), blank=True)
    principal_name = models.CharField(_("ผู้อำนวยการโรงเรียน"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("ละติจูด"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )  # fmt: skip
    longitude = models.DecimalField(
        _("ลองจิจูด"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )  # fmt: skip
    founded_on = models.DateField(_("วันก่อตั้ง"), null=True, blank=True)
    quality_network = models.CharField(_("เครือข่ายพัฒนาคุณภาพการศึกษา"), max_length=200, blank=True)

    # Schools merge and close: they are never deleted, only closed.
    opened_on = models.DateField(_("วันเปิด"), null=True, blank=True)
    closed_on = models.DateField(_("วันปิด/ยุบรวม"), null=True, blank=True)
    branch_of = models.ForeignKey(
        "self", verbose_name=_("เป็นสาขาของ"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="branches",
    )  # fmt: skip

    # Names of fields whose values were generated for the demo district, shown as such to users.
    generated_fields = models.JSONField(_("ข้อมูลที่สร้างขึ้นเพื่อสาธิต"), default=list, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("โรงเรียน")
        verbose_name_plural = _("โรงเรียน")
        ordering = ["name_th"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(opened_on__isnull=True)
                | models.Q(closed_on__gte=models.F("opened_on")),
                name="school_closed_after_opened",
            ),
            models.CheckConstraint(
                condition=~models.Q(branch_of=models.F("pk")), name="school_not_own_branch"
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"โรงเรียน{self.name_th}"

    def is_open_on(self, day) -> bool:
        return (self.opened_on is None or self.opened_on <= day) and (
            self.closed_on is None or self.closed_on > day
        )

    @property
    def is_open(self) -> bool:
        return self.is_open_on(timezone.localdate())

    @property
    def grades(self) -> tuple[str, ...]:
        return self.GRADES_BY_LEVEL.get(self.level, ())

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def is_generated(self, field: str) -> bool:
        return field in self.generated_fields


class Membership(models.Model):
    """A school data officer's login belongs to one or more schools; it sees only those."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้ใช้"), on_delete=models.CASCADE, related_name="memberships"
    )
    school = models.ForeignKey(
        School, verbose_name=_("โรงเรียน"), on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("สิทธิ์ดูแลโรงเรียน")
        verbose_name_plural = _("สิทธิ์ดูแลโรงเรียน")
        constraints = [models.UniqueConstraint(fields=["user", "school"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} – {self.school}"


class DataOfficer(models.Model):
    """ทะเบียนเจ้าหน้าที่งานข้อมูลสารสนเทศระดับโรงเรียน: the people a school names for its data work."""

    school = models.ForeignKey(
        School, verbose_name=_("โรงเรียน"), on_delete=models.CASCADE, related_name="officers"
    )
    full_name = models.CharField(_("ชื่อ-นามสกุล"), max_length=200)
    position = models.CharField(_("ตำแหน่ง"), max_length=100, blank=True)
    phone = models.CharField(_("โทรศัพท์"), max_length=50, blank=True)
    email = models.EmailField(_("อีเมล"), blank=True)
    line_id = models.CharField(_("LINE ID"), max_length=100, blank=True)
    handles_dmc = models.BooleanField(_("DMC"), default=False)
    handles_emis = models.BooleanField(_("EMIS"), default=False)
    handles_bobec = models.BooleanField(_("B-OBEC"), default=False)
    since = models.DateField(_("ปฏิบัติงานตั้งแต่"), null=True, blank=True)
    until = models.DateField(_("สิ้นสุดการปฏิบัติงาน"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("บัญชีผู้ใช้"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="officer_entries",
    )  # fmt: skip
    is_generated = models.BooleanField(_("ข้อมูลตัวอย่าง"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("เจ้าหน้าที่งานข้อมูลโรงเรียน")
        verbose_name_plural = _("ทะเบียนเจ้าหน้าที่งานข้อมูลโรงเรียน")
        ordering = ["school__name_th", "full_name"]

    def __str__(self):
        return self.full_name

    @property
    def systems(self) -> list[str]:
        return [
            label
            for flag, label in (
                (self.handles_dmc, "DMC"),
                (self.handles_emis, "EMIS"),
                (self.handles_bobec, "B-OBEC"),
            )
            if flag
        ]

    @property
    def is_current(self) -> bool:
        return self.until is None or self.until >= timezone.localdate()


def school_photo_path(photo, filename):
    """A random name: a photo that is not (yet) public is not found by guessing its URL."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"schools/{photo.school.code}/photos/{uuid.uuid4().hex}.{extension}"


class SchoolPhoto(models.Model):
    school = models.ForeignKey(
        School, verbose_name=_("โรงเรียน"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("รูปภาพ"), upload_to=school_photo_path)
    caption = models.CharField(_("คำบรรยาย"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    is_public = models.BooleanField(_("เผยแพร่"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("รูปภาพโรงเรียน")
        verbose_name_plural = _("รูปภาพโรงเรียน")
        ordering = ["school", "order", "id"]

    def __str__(self):
        return self.caption or f"{self.school} #{self.order}"


class EnrolmentFigure(models.Model):
    """A school's student total as of a date, from a named source. School size is computed from the
    latest figure; it is never typed in."""

    class Source(models.TextChoices):
        DEMO = "demo", _("ข้อมูลตัวอย่าง (สร้างขึ้น)")
        DMC = "dmc", _("DMC")
        EMIS = "emis", _("EMIS")

    school = models.ForeignKey(
        School, verbose_name=_("โรงเรียน"), on_delete=models.CASCADE, related_name="enrolment"
    )
    as_of = models.DateField(_("ข้อมูล ณ วันที่"))
    students = models.PositiveIntegerField(_("จำนวนนักเรียน"))
    source = models.CharField(_("แหล่งข้อมูล"), max_length=10, choices=Source.choices)

    class Meta:
        verbose_name = _("จำนวนนักเรียน")
        verbose_name_plural = _("จำนวนนักเรียน")
        ordering = ["school", "-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["school", "as_of", "source"], name="enrolment_unique_per_source")
        ]
        indexes = [models.Index(fields=["school", "-as_of"])]

    def __str__(self):
        return f"{self.school}: {self.students} ({thaidate.format_date(self.as_of)})"


class SizeScheme(models.Model):
    """A versioned way of sizing schools by enrolment (DOMAIN.md, "School size")."""

    code = models.SlugField(_("รหัส"), max_length=50)
    version = models.PositiveSmallIntegerField(_("ฉบับที่"), default=1)
    name = models.CharField(_("ชื่อเกณฑ์"), max_length=200)
    valid_from = models.DateField(_("ใช้ตั้งแต่"))
    is_default = models.BooleanField(_("ใช้เป็นเกณฑ์หลัก"), default=False)

    class Meta:
        verbose_name = _("เกณฑ์ขนาดโรงเรียน")
        verbose_name_plural = _("เกณฑ์ขนาดโรงเรียน")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="sizescheme_unique_version"),
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="sizescheme_one_default"
            ),
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"


class SizeBand(models.Model):
    scheme = models.ForeignKey(SizeScheme, on_delete=models.CASCADE, related_name="bands")
    code = models.SlugField(_("รหัส"), max_length=30)
    label = models.CharField(_("ชื่อขนาด"), max_length=100)
    min_students = models.PositiveIntegerField(_("นักเรียนตั้งแต่"))
    max_students = models.PositiveIntegerField(_("ถึง"), null=True, blank=True, help_text=_("ว่าง = ไม่จำกัด"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("ช่วงขนาดโรงเรียน")
        verbose_name_plural = _("ช่วงขนาดโรงเรียน")
        ordering = ["scheme", "order"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="sizeband_unique_code")]

    def __str__(self):
        return self.label

    def contains(self, students: int) -> bool:
        return students >= self.min_students and (self.max_students is None or students <= self.max_students)
