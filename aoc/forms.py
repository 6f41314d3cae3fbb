from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from aoc.models import Feedback, NewsItem


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the form: under its field where the form has one,
    at the top otherwise. Forms check shape; services check the rules, and their messages land here."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- News and the satisfaction survey -------------------------------------------------------------

NEWS_ATTACHMENT_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "jpg", "jpeg", "png"]


class NewsForm(forms.Form):
    title = forms.CharField(label=_("หัวข้อ"), max_length=200)
    category = forms.ChoiceField(label=_("ประเภท"), choices=NewsItem.Category.choices)
    body = forms.CharField(
        label=_("เนื้อหา"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "ข้อความธรรมดา: เว้นบรรทัดเพื่อขึ้นย่อหน้าใหม่ ขึ้นต้นบรรทัดด้วย - เพื่อทำรายการ "
            "ขึ้นต้นด้วย ## เพื่อทำหัวข้อย่อย **ข้อความ** เพื่อทำตัวหนา ลิงก์ https://… จะคลิกได้เอง"
        ),
    )
    pinned = forms.BooleanField(label=_("ปักหมุดไว้ด้านบน"), required=False)
    attachment = forms.FileField(
        label=_("ไฟล์แนบ"),
        required=False,
        validators=[FileExtensionValidator(NEWS_ATTACHMENT_EXTENSIONS)],
    )
    remove_attachment = forms.BooleanField(label=_("ลบไฟล์แนบเดิม"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = _("PDF, Word, Excel หรือรูปภาพ ไม่เกิน %(size)s") % {
            "size": filesizeformat(settings.NEWS_ATTACHMENT_MAX_BYTES)
        }

    def clean_attachment(self):
        attachment = self.cleaned_data.get("attachment")
        if attachment and attachment.size > settings.NEWS_ATTACHMENT_MAX_BYTES:
            raise ValidationError(_("ไฟล์แนบมีขนาดใหญ่เกินไป"))
        return attachment


RATING_CHOICES = [(score, str(score)) for score in range(5, 0, -1)]


class FeedbackForm(forms.Form):
    """The public satisfaction survey. ``website`` is a honeypot: hidden from people, filled by bots."""

    comment = forms.CharField(
        label=_("ข้อเสนอแนะเพิ่มเติม (ถ้ามี)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("กรุณาอย่าใส่ชื่อ เลขประจำตัวประชาชน หรือข้อมูลส่วนบุคคลอื่น"),
    )
    page = forms.CharField(required=False, max_length=300, widget=forms.HiddenInput)
    website = forms.CharField(required=False, label=_("เว็บไซต์ (ไม่ต้องกรอก)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        aspects = {
            field: forms.TypedChoiceField(
                label=label, choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
            )
            for field, label in Feedback.ASPECTS
        }
        self.fields = aspects | self.fields

    def clean_page(self):
        page = self.cleaned_data["page"].strip()
        # A path of this site only, never an address elsewhere.
        return page if page.startswith("/") and not page.startswith("//") else ""

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def ratings(self) -> dict:
        return {field: self.cleaned_data[field] for field, _label in Feedback.ASPECTS}
