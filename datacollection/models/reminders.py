"""Reminders sent to schools (and escalations to district staff) about a round's deadline."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderLog(models.Model):
    """One reminder for one submission, on one channel, to one person — and what became of it.

    The unique constraint is what makes a reminder go out once: a pass first claims its rows (an insert
    that skips rows already there, so two passes running at once cannot both claim the same one), then
    sends only the rows it claimed and records the outcome. An escalation is one message per district
    staff member listing all the late schools of a round, logged as one row per school it names."""

    class Reason(models.TextChoices):
        BEFORE_7D = "before_7d", _("เตือนล่วงหน้า 7 วัน")
        BEFORE_1D = "before_1d", _("เตือนล่วงหน้า 1 วัน")
        AFTER_1D = "after_1d", _("แจ้งเลยกำหนด")
        ESCALATION = "escalation", _("แจ้งเขตพื้นที่ (เลยกำหนด)")

    class Channel(models.TextChoices):
        EMAIL = "email", _("อีเมล")
        LINE = "line", _("LINE")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("กำลังส่ง")
        SENT = "sent", _("ส่งแล้ว")
        FAILED = "failed", _("ส่งไม่สำเร็จ")

    submission = models.ForeignKey(
        "datacollection.Submission", on_delete=models.CASCADE, related_name="reminders"
    )
    reason = models.CharField(_("เหตุผล"), max_length=20, choices=Reason.choices)
    channel = models.CharField(_("ช่องทาง"), max_length=10, choices=Channel.choices)
    # Kept like the audit log: a person who was reminded cannot be deleted out of the record.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้รับ"), on_delete=models.PROTECT, related_name="+"
    )
    # The e-mail address or LINE user id it went to, as it was then.
    address = models.CharField(_("ที่อยู่ผู้รับ"), max_length=254)
    sent_at = models.DateTimeField(_("เวลาส่ง"))
    outcome = models.CharField(_("ผล"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    detail = models.CharField(_("รายละเอียด"), max_length=500, blank=True)
    # The pass that claimed the row (see the class docstring).
    claim = models.CharField(max_length=32, db_index=True, editable=False)

    class Meta:
        verbose_name = _("การแจ้งเตือน")
        verbose_name_plural = _("การแจ้งเตือน")
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "reason", "channel", "recipient"], name="reminder_once_per_reason"
            )
        ]

    def __str__(self):
        return f"{self.submission_id} {self.reason} {self.channel} → {self.address}"
