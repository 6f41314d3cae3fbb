"""Updates a school proposes for its place on the map: a new location (a pin) or a photo. District staff
approve or reject each one; only approved updates reach the registry and the public map.

The state machine (``gis.services``):

    pending ──approve──▶ approved      (location → schools.services.school_update;
       │                                photo    → the SchoolPhoto becomes public)
       └────reject───▶ rejected        (with a comment; a rejected photo is deleted)
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from schools.models import School, SchoolPhoto


class Proposal(models.Model):
    """ข้อเสนอปรับปรุงข้อมูลแผนที่: one location or one photo a school asks the district to publish."""

    class Kind(models.TextChoices):
        LOCATION = "location", _("พิกัดที่ตั้ง")
        PHOTO = "photo", _("รูปภาพ")

    class Status(models.TextChoices):
        PENDING = "pending", _("รอเขตพื้นที่ตรวจ")
        APPROVED = "approved", _("อนุมัติแล้ว")
        REJECTED = "rejected", _("ไม่อนุมัติ")

    school = models.ForeignKey(
        School, verbose_name=_("โรงเรียน"), on_delete=models.CASCADE, related_name="map_proposals"
    )
    kind = models.CharField(_("เรื่อง"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.PENDING)

    # A location: the point proposed, and the registry's point when it was proposed (for the reviewer).
    latitude = models.DecimalField(
        _("ละติจูด"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )  # fmt: skip
    longitude = models.DecimalField(
        _("ลองจิจูด"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )  # fmt: skip
    previous_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    previous_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    # A photo: kept as a SchoolPhoto that is not public until the proposal is approved. A rejected
    # photo is deleted (the proposal keeps its caption and the history).
    photo = models.ForeignKey(
        SchoolPhoto, verbose_name=_("รูปภาพ"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="proposals",
    )  # fmt: skip
    caption = models.CharField(_("คำบรรยาย"), max_length=200, blank=True)

    note = models.TextField(_("หมายเหตุจากโรงเรียน"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้เสนอ"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("เสนอเมื่อ"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้ตรวจ"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("ตรวจเมื่อ"), null=True, blank=True)
    review_comment = models.TextField(_("ความเห็นของเขตพื้นที่"), blank=True)

    class Meta:
        verbose_name = _("ข้อเสนอปรับปรุงแผนที่")
        verbose_name_plural = _("ข้อเสนอปรับปรุงแผนที่")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            # One location waits for review at a time: the reviewer never weighs two pins of one school.
            models.UniqueConstraint(
                fields=["school"],
                condition=models.Q(kind="location", status="pending"),
                name="proposal_one_pending_location",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="location")
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="proposal_location_has_point",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.school}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def has_previous_location(self) -> bool:
        return self.previous_latitude is not None and self.previous_longitude is not None


class ProposalEvent(models.Model):
    """The history of a proposal: who proposed it, who decided, when and why."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=10, choices=Proposal.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Proposal.Status.choices)
    comment = models.TextField(_("หมายเหตุ"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ประวัติข้อเสนอ")
        verbose_name_plural = _("ประวัติข้อเสนอ")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.proposal_id}: {self.from_status or '—'} → {self.to_status}"
