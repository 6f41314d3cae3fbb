from django import forms
from django.utils.translation import gettext_lazy as _

from schools import selectors
from schools.models import DataOfficer, School, SchoolPhoto
from schools.services import OFFICER_FIELDS, SCHOOL_EDITABLE_FIELDS


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("ค้นหา"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("ชื่อโรงเรียน หรือรหัส 10/8/6 หลัก"), "type": "search"}),
    )
    amphoe = forms.ChoiceField(label=_("อำเภอ"), required=False)
    level = forms.ChoiceField(label=_("ระดับที่เปิดสอน"), required=False)
    size = forms.ChoiceField(label=_("ขนาด"), required=False)

    def __init__(self, *args, scheme=None, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("ทั้งหมด"))]
        self.fields["amphoe"].choices = everything + [
            (a.dopa_code, a.name_th) for a in selectors.amphoe_list()
        ]
        self.fields["level"].choices = everything + list(School.Level.choices)
        self.fields["size"].choices = everything + selectors.size_choices(scheme)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data.get(name) or "" for name in ("q", "amphoe", "level", "size")}


class SchoolForm(forms.ModelForm):
    """Shape only; the identifiers' consistency is checked by the service."""

    website = forms.URLField(label=_("เว็บไซต์"), required=False, assume_scheme="https")

    class Meta:
        model = School
        fields = SCHOOL_EDITABLE_FIELDS
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "opened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch_of"].queryset = School.objects.exclude(pk=self.instance.pk).order_by("name_th")
        self.fields["branch_of"].empty_label = _("— ไม่ใช่สาขา —")

    def _post_clean(self):
        # Model validation runs in the service (it sees the whole record); keep the form to shape.
        pass


class DataOfficerForm(forms.ModelForm):
    class Meta:
        model = DataOfficer
        fields = OFFICER_FIELDS
        widgets = {
            "since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        # Only logins of this school may be linked to its register entries.
        self.fields["user"].queryset = self.fields["user"].queryset.filter(memberships__school=school)
        self.fields["user"].required = False
        self.fields["user"].empty_label = _("— ไม่ผูกกับบัญชีผู้ใช้ —")

    def _post_clean(self):
        pass


class PhotoForm(forms.ModelForm):
    class Meta:
        model = SchoolPhoto
        fields = ("image", "caption", "is_public")
        widgets = {"image": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})}


class PhotoEditForm(forms.ModelForm):
    class Meta:
        model = SchoolPhoto
        fields = ("caption", "order", "is_public")


class RegistryImportForm(forms.Form):
    file = forms.FileField(
        label=_("ไฟล์ทะเบียนโรงเรียน (CSV หรือ XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
