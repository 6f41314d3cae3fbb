import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in. What they may see and do follows from ``role`` (and, for school
    officers, from their school memberships: ``schools.Membership``)."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("ผู้ดูแลระบบ")
        DISTRICT_STAFF = "district_staff", _("เจ้าหน้าที่เขตพื้นที่")
        ICT_STAFF = "ict_staff", _("เจ้าหน้าที่กลุ่ม ICT")
        DIRECTOR = "director", _("ผู้อำนวยการเขตพื้นที่")
        SCHOOL_OFFICER = "school_officer", _("เจ้าหน้าที่ข้อมูลโรงเรียน")

    role = models.CharField(_("บทบาท"), max_length=20, choices=Role.choices, default=Role.SCHOOL_OFFICER)
    phone = models.CharField(_("โทรศัพท์"), max_length=30, blank=True)
    # Where LINE reminders go (the LINE Messaging API's user id of this person for the office's channel).
    line_user_id = models.CharField(
        _("LINE user ID"),
        max_length=33,
        blank=True,
        validators=[
            RegexValidator(r"^U[0-9a-f]{32}$", _("LINE user ID ขึ้นต้นด้วย U ตามด้วยตัวอักษร 0-9 a-f 32 ตัว"))
        ],
        help_text=_("สำหรับรับการแจ้งเตือนทาง LINE (ว่างไว้ = ไม่รับทาง LINE)"),
    )

    class Meta:
        verbose_name = _("ผู้ใช้")
        verbose_name_plural = _("ผู้ใช้")

    def __str__(self):
        return self.get_full_name() or self.username

    # Small facts about the role, used by permissions.py modules, views and templates alike.
    @property
    def is_district_wide(self) -> bool:
        """Reads every school of the district (not only their own)."""
        return self.role != self.Role.SCHOOL_OFFICER or self.is_superuser

    @property
    def is_school_officer(self) -> bool:
        return self.role == self.Role.SCHOOL_OFFICER and not self.is_superuser

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN or self.is_superuser


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log cannot be changed.")

    def delete(self):
        raise PermissionError("The audit log cannot be deleted.")


class AuditLog(models.Model):
    """One row per write made by a user (or by the system on a user's behalf).

    Rows are only ever inserted, by ``aoc.audit.audit_log``. The application offers no way to
    change or delete them, and on PostgreSQL a trigger refuses UPDATE and DELETE as well.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้กระทำ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as text too: the log must still read correctly after a user is renamed.
    actor_repr = models.CharField(_("ผู้กระทำ"), max_length=200, blank=True)
    action = models.CharField(_("การกระทำ"), max_length=100, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(_("รายการ"), max_length=300, blank=True)
    data = models.JSONField(_("รายละเอียด"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("ที่อยู่ IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("เวลา"), auto_now_add=True, db_index=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("บันทึกการใช้งาน")
        verbose_name_plural = _("บันทึกการใช้งาน")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log cannot be deleted.")


class Notice(models.Model):
    """An in-portal notice to one user (the e-mail's twin), e.g. "your submission was returned"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    title = models.CharField(_("เรื่อง"), max_length=200)
    body = models.TextField(_("รายละเอียด"), blank=True)
    url = models.CharField(_("ลิงก์"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("การแจ้งเตือน")
        verbose_name_plural = _("การแจ้งเตือน")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title


def news_attachment_path(item, filename: str) -> str:
    """A random folder per file: an attachment's address cannot be guessed before it is published, and
    moving it to a new folder makes an old address stop working (``aoc.services.news_unpublish``)."""
    return f"news/{uuid.uuid4().hex}/{filename}"


class NewsItem(models.Model):
    """A news item or announcement of the district office, written by district staff and shown on the
    public site once published. The body is plain text with a few marks (``aoc.markup``); it is never
    taken as HTML."""

    class Category(models.TextChoices):
        NEWS = "news", _("ข่าว")
        ANNOUNCEMENT = "announcement", _("ประกาศ")

    title = models.CharField(_("หัวข้อ"), max_length=200)
    body = models.TextField(_("เนื้อหา"), max_length=20_000)
    category = models.CharField(_("ประเภท"), max_length=20, choices=Category.choices, default=Category.NEWS)
    pinned = models.BooleanField(_("ปักหมุดไว้ด้านบน"), default=False)
    # Empty while a draft, or after it has been taken off the public site.
    published_at = models.DateTimeField(_("เผยแพร่เมื่อ"), null=True, blank=True, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้เขียน"), on_delete=models.PROTECT, related_name="+"
    )
    attachment = models.FileField(_("ไฟล์แนบ"), upload_to=news_attachment_path, blank=True, max_length=200)
    # The file's name as staff gave it: storage names drop Thai vowel and tone marks, so the link offers
    # this name for the download instead.
    attachment_name = models.CharField(_("ชื่อไฟล์แนบ"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ข่าวประชาสัมพันธ์")
        verbose_name_plural = _("ข่าวประชาสัมพันธ์")
        ordering = ["-pinned", "-published_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Feedback(models.Model):
    """One anonymous answer to the satisfaction form. Nothing about who sent it is kept: no account, no
    address (PDPA); the rate limit works on a keyed hash held briefly in the cache (``aoc.feedback``)."""

    # (field, label): the aspects rated 1–5, in the order the form and the results show them.
    ASPECTS = (
        ("ease", _("ความสะดวกในการใช้งานเว็บไซต์")),
        ("usefulness", _("ความเป็นประโยชน์ของข้อมูล")),
        ("accuracy", _("ความถูกต้องและทันสมัยของข้อมูล")),
        ("speed", _("ความรวดเร็วในการแสดงผล")),
        ("overall", _("ความพึงพอใจโดยรวม")),
    )

    ease = models.PositiveSmallIntegerField(_("ความสะดวกในการใช้งานเว็บไซต์"))
    usefulness = models.PositiveSmallIntegerField(_("ความเป็นประโยชน์ของข้อมูล"))
    accuracy = models.PositiveSmallIntegerField(_("ความถูกต้องและทันสมัยของข้อมูล"))
    speed = models.PositiveSmallIntegerField(_("ความรวดเร็วในการแสดงผล"))
    overall = models.PositiveSmallIntegerField(_("ความพึงพอใจโดยรวม"))
    comment = models.TextField(_("ข้อเสนอแนะ"), max_length=2000, blank=True)
    # The page of this site the answer is about (a path), if the visitor came from one.
    page = models.CharField(_("หน้าที่เกี่ยวข้อง"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("เวลา"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("แบบประเมินความพึงพอใจ")
        verbose_name_plural = _("แบบประเมินความพึงพอใจ")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{field}__gte": 1, f"{field}__lte": 5}),
                name=f"feedback_{field}_1_to_5",
            )
            for field in ("ease", "usefulness", "accuracy", "speed", "overall")
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} ({self.overall}/5)"
