from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schools.models import School


class LeaverFollowUp(models.Model):
    """A school's note on a child who left it between two DMC rounds and is in no school of the district
    (``datacollection.movement``): the "bring children back to school" follow-up. One per child, school
    and pair of rounds (``round`` is the later round of the pair); written by the school's officers."""

    class Outcome(models.TextChoices):
        MOVED_AWAY = "moved_away", _("ย้ายไปเรียนนอกเขตพื้นที่")
        RETURNED = "returned", _("กลับเข้าเรียนแล้ว")
        DROPPED_OUT = "dropped_out", _("ออกจากการศึกษา")
        UNREACHABLE = "unreachable", _("ยังติดต่อไม่ได้")
        OTHER = "other", _("อื่น ๆ")

    round = models.ForeignKey(
        "datacollection.Round", verbose_name=_("รอบ"), on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(School, verbose_name=_("โรงเรียน"), on_delete=models.PROTECT, related_name="+")
    national_id = models.TextField(_("เลขประจำตัวประชาชน"))
    outcome = models.CharField(_("ผลการติดตาม"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("หมายเหตุ"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("การติดตามนักเรียนที่ออกจากโรงเรียน")
        verbose_name_plural = _("การติดตามนักเรียนที่ออกจากโรงเรียน")
        constraints = [
            models.UniqueConstraint(fields=["round", "school", "national_id"], name="follow_up_one_per_child")
        ]

    def __str__(self):
        value = self.national_id  # masked, as in every list: this string goes into the audit log
        masked = f"{value[:1]}{'x' * 8}{value[-4:]}" if len(value) == 13 else value
        return f"{masked} · {self.get_outcome_display()}"
