"""B-OBEC: a school's buildings and constructions (อาคารและสิ่งก่อสร้าง, DOMAIN.md "B_OBEC").

Each submission holds the school's whole list as it stands in that round: the school starts from its
last accepted list (``bobec_services.buildings_start``) and edits it in the web form or replaces it
with a filled-in template. A building keeps its ``uid`` from round to round, so that its photos and its
history follow it. A demolished building stays in the list with its date and is not counted as standing.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollection.models import Submission, Upload
from schools.models import School


class Building(models.Model):
    class Condition(models.TextChoices):
        GOOD = "good", _("ดี")
        FAIR = "fair", _("พอใช้")
        POOR = "poor", _("ทรุดโทรม")

    submission = models.ForeignKey(
        Submission, verbose_name=_("การส่งข้อมูล"), on_delete=models.CASCADE, related_name="buildings"
    )
    # The template file the row came from; empty for rows carried over or edited in the web form.
    upload = models.ForeignKey(
        Upload, null=True, blank=True, on_delete=models.CASCADE, related_name="buildings"
    )
    uid = models.UUIDField(_("รหัสอ้างอิงอาคาร"), default=uuid.uuid4)
    # A code of the lookup list "building_type" (LookupValue.List.BUILDING_TYPE).
    building_type = models.CharField(_("ประเภทสิ่งก่อสร้าง"), max_length=40)
    sequence = models.PositiveSmallIntegerField(_("หลังที่"))
    design_raw = models.CharField(_("แบบ"), max_length=200, blank=True)
    # Derived from ``design_raw`` when it can be read (e.g. "สปช.105/29"), else empty.
    design_code = models.CharField(_("รหัสแบบ"), max_length=40, blank=True)
    rooms = models.PositiveSmallIntegerField(_("จำนวนห้องตามแบบ"), null=True, blank=True)
    year_built = models.PositiveSmallIntegerField(_("ปีที่สร้าง (พ.ศ.)"))
    condition = models.CharField(_("สภาพ"), max_length=8, choices=Condition.choices)
    budget_source = models.CharField(_("แหล่งงบประมาณ"), max_length=200, blank=True)
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"), null=True, blank=True)
    budget_amount = models.DecimalField(
        _("จำนวนเงิน (บาท)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    demolished_on = models.DateField(_("วันที่รื้อถอน"), null=True, blank=True)
    note = models.CharField(_("หมายเหตุ"), max_length=500, blank=True)
    row_number = models.PositiveIntegerField(_("แถวในไฟล์"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("อาคารและสิ่งก่อสร้าง")
        verbose_name_plural = _("อาคารและสิ่งก่อสร้าง")
        ordering = ["submission", "building_type", "sequence", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(sequence__gte=1), name="building_sequence_positive"),
            models.CheckConstraint(
                condition=models.Q(condition__in=["good", "fair", "poor"]), name="building_condition_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["submission", "building_type"]),
            models.Index(fields=["uid"]),
        ]

    def __str__(self):
        return f"{self.building_type} {self.sequence}"

    @property
    def is_standing(self) -> bool:
        return self.demolished_on is None


def building_photo_path(photo, filename):
    """A random name: a photo is not found by guessing its URL."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"buildings/{photo.school.code}/{uuid.uuid4().hex}.{extension}"


class BuildingPhoto(models.Model):
    """A photo of one building (``building_uid``), kept across rounds. Buildings are not personal data:
    the photos are in the public media storage, under unguessable names, with EXIF and GPS removed."""

    school = models.ForeignKey(
        School, verbose_name=_("โรงเรียน"), on_delete=models.CASCADE, related_name="building_photos"
    )
    building_uid = models.UUIDField(_("รหัสอ้างอิงอาคาร"))
    # The submission it was added to: it may be removed only while that submission is being edited.
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="building_photos")
    image = models.ImageField(_("รูปภาพ"), upload_to=building_photo_path)
    caption = models.CharField(_("คำบรรยาย"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("รูปอาคาร")
        verbose_name_plural = _("รูปอาคาร")
        ordering = ["school", "building_uid", "created_at", "id"]
        indexes = [models.Index(fields=["school", "building_uid"])]

    def __str__(self):
        return self.caption or f"{self.school.code} {self.building_uid}"
