"""Forms of the data-collection pages: they check the shape of what was sent, the services do the rest."""

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aoc import thaidate
from datacollection.models import LeaverFollowUp, Round, Submission
from schools import selectors as school_selectors
from schools.models import School

GUIDE_MAX_BYTES = 20 * 1024 * 1024  # a round's guide (PDF); the guides the district publishes are a few MB
COMMENT_MAX_LENGTH = 2000


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PdfField(forms.FileField):
    """A PDF and nothing else (checked from its first bytes, not its name), up to ``GUIDE_MAX_BYTES``."""

    widget = forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"})

    def clean(self, data, initial=None):
        data = super().clean(data, initial)
        if not data or data is initial or not hasattr(data, "read"):
            return data
        if data.size > GUIDE_MAX_BYTES:
            raise forms.ValidationError(
                gettext("ไฟล์คู่มือใหญ่เกินไป ขนาดสูงสุดคือ %(max)d MB") % {"max": GUIDE_MAX_BYTES // 1_048_576}
            )
        data.seek(0)
        head = data.read(5)
        data.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("รับเฉพาะไฟล์ PDF: บันทึกคู่มือเป็น PDF แล้วเลือกไฟล์ใหม่"))
        return data


class RoundForm(forms.Form):
    """Create a round (every field) or change one (``editing=True``: only its dates, label and guide —
    kind, year and number make its identity, and its schools were fixed when it opened)."""

    kind = forms.ChoiceField(label=_("ประเภทข้อมูล"), choices=Round.Kind.choices, initial=Round.Kind.DMC)
    academic_year = forms.IntegerField(
        label=_("ปีการศึกษา (พ.ศ.)"), min_value=2500, max_value=2700, help_text=_("เช่น 2568")
    )
    number = forms.IntegerField(label=_("รอบที่"), min_value=1, max_value=9, help_text=_("DMC มี 3 รอบต่อปี"))
    label = forms.CharField(
        label=_("ชื่อรอบ"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("เช่น DMC รอบที่ 1 ปีการศึกษา 2568 (ข้อมูล ณ 10 มิ.ย.)")}),
    )
    as_of = forms.DateField(label=_("ข้อมูล ณ วันที่"), widget=_date_widget())
    opens_on = forms.DateField(label=_("วันเปิดรับข้อมูล"), widget=_date_widget())
    deadline = forms.DateField(
        label=_("กำหนดส่งของโรงเรียน"),
        widget=_date_widget(),
        help_text=_("โรงเรียนที่ยืนยันส่งภายในวันนี้ (ถึงเวลา 23:59 น.) นับว่าส่งตรงเวลา"),
    )
    closes_on = forms.DateField(label=_("วันปิดรอบ"), widget=_date_widget())
    guide = PdfField(
        label=_("คู่มือ/แนวทาง (PDF)"),
        required=False,
    )
    target_schools = forms.ModelMultipleChoiceField(
        label=_("โรงเรียนเป้าหมาย"),
        queryset=School.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("เริ่มต้นเลือกทุกโรงเรียนที่เปิดสอน ไม่เลือกเลย = ทุกโรงเรียนที่เปิดสอนในวันเปิดรับข้อมูล"),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.fields["guide"].help_text = gettext(
            "ไม่บังคับ เฉพาะไฟล์ PDF ขนาดไม่เกิน %(max)d MB ทุกคนดาวน์โหลดได้จากหน้าปฏิทินรอบ"
        ) % {"max": GUIDE_MAX_BYTES // 1_048_576}
        if editing:
            for name in ("kind", "academic_year", "number", "target_schools"):
                del self.fields[name]
            return
        self.fields["target_schools"].queryset = School.objects.select_related("amphoe").order_by(
            "amphoe__dopa_code", "name_th"
        )
        if not self.is_bound:
            self.initial.setdefault("academic_year", thaidate.academic_year(timezone.localdate()))
            self.initial.setdefault(
                "target_schools", list(school_selectors.open_schools().values_list("pk", flat=True))
            )

    def service_fields(self) -> dict:
        """The cleaned data as ``services.round_create`` / ``round_update`` take it."""
        data = dict(self.cleaned_data)
        guide = data.pop("guide", None)
        if guide is False:
            data["guide"] = ""  # "clear" was ticked
        elif isinstance(guide, UploadedFile):
            data["guide"] = guide  # otherwise the round keeps the guide it has
        if not self.editing and not data.get("target_schools"):
            data["target_schools"] = None  # the service's default: every school open on the opening day
        return data


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("ไฟล์ข้อมูลนักเรียน (CSV หรือ XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "ไฟล์ที่ส่งออกจากระบบ DMC: CSV (UTF-8 หรือ Windows-874/TIS-620) หรือ Excel .xlsx ขนาดไม่เกิน %(max)d MB"
        ) % {"max": settings.DMC_UPLOAD_MAX_BYTES // 1_048_576}


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("สิ่งที่โรงเรียนต้องแก้ไข"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AcceptForm(forms.Form):
    comment = forms.CharField(
        label=_("หมายเหตุถึงโรงเรียน (ไม่บังคับ)"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("เหตุผลที่เปิดให้แก้ไข"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SubmissionFilterForm(forms.Form):
    """Filters of a round's list of schools."""

    amphoe = forms.ChoiceField(label=_("อำเภอ"), required=False)
    status = forms.ChoiceField(label=_("สถานะ"), required=False)
    overdue = forms.BooleanField(label=_("เฉพาะที่เลยกำหนดส่ง"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("ทั้งหมด"))]
        self.fields["amphoe"].choices = everything + [
            (a.dopa_code, a.name_th) for a in school_selectors.amphoe_list()
        ]
        self.fields["status"].choices = everything + list(Submission.Status.choices)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {
            "amphoe": self.cleaned_data["amphoe"],
            "status": self.cleaned_data["status"],
            "overdue": self.cleaned_data["overdue"],
        }


class ChaseFilterForm(forms.Form):
    """Filters of the chase board (every open round)."""

    amphoe = forms.ChoiceField(label=_("อำเภอ"), required=False)
    kind = forms.ChoiceField(label=_("ประเภทข้อมูล"), required=False)
    status = forms.ChoiceField(label=_("สถานะ"), required=False)
    late = forms.BooleanField(label=_("เฉพาะที่เลยกำหนดส่ง"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("ทั้งหมด"))]
        self.fields["amphoe"].choices = everything + [
            (a.dopa_code, a.name_th) for a in school_selectors.amphoe_list()
        ]
        self.fields["kind"].choices = everything + list(Round.Kind.choices)
        self.fields["status"].choices = everything + list(Submission.Status.choices)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data[name] for name in ("amphoe", "kind", "status", "late")}


class RecordFilterForm(forms.Form):
    """Filters of a submission's student list."""

    grade = forms.ChoiceField(label=_("ชั้น"), required=False)
    q = forms.CharField(
        label=_("ค้นหา"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("ชื่อ นามสกุล หรือเลขประจำตัวนักเรียน")}),
    )

    def __init__(self, *args, grades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [("", _("ทุกชั้น"))] + [(g, g) for g in grades]

    def filters(self) -> dict:
        if not self.is_valid():
            return {"grade": "", "q": ""}
        return {"grade": self.cleaned_data["grade"], "q": self.cleaned_data["q"].strip()}


class FollowUpForm(forms.Form):
    """A school's note on a child who left (the movement watch)."""

    # The child's record in the earlier round: the page never carries the full ID.
    record = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("ผลการติดตาม"), choices=LeaverFollowUp.Outcome.choices)
    note = forms.CharField(label=_("หมายเหตุ"), max_length=500, required=False)
