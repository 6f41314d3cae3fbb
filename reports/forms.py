from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import Dataset

# Files a district office publishes: tables, documents, data.
MAX_DATASET_FILE_BYTES = 50 * 1024 * 1024
ALLOWED_EXTENSIONS = ("xlsx", "csv", "pdf", "json", "ods", "zip")


class PublishForm(forms.Form):
    note = forms.CharField(
        label=_("หมายเหตุ (ถ้ามี)"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class DatasetUploadForm(forms.Form):
    dataset = forms.ModelChoiceField(
        label=_("ชุดข้อมูล"), queryset=Dataset.objects.order_by("category", "title")
    )
    file = forms.FileField(label=_("ไฟล์"), help_text=_("XLSX, CSV, PDF, JSON, ODS หรือ ZIP ไม่เกิน 50 MB"))
    data_as_of = forms.DateField(
        label=_("ข้อมูล ณ วันที่"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("หมายเหตุ"), required=False, max_length=300)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in ALLOWED_EXTENSIONS:
            raise forms.ValidationError(_("รับเฉพาะไฟล์ XLSX, CSV, PDF, JSON, ODS หรือ ZIP"))
        if upload.size > MAX_DATASET_FILE_BYTES:
            raise forms.ValidationError(_("ไฟล์ใหญ่เกิน 50 MB"))
        return upload
