"""Forms of the B-OBEC pages: shape only. The rules of a building (years, rooms of a classroom building,
duplicates …) are the template's rules, applied by ``bobec_services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from datacollection.kinds.bobec import CONDITIONS
from datacollection.models import Building, LookupValue
from schools import selectors as school_selectors


def building_type_choices():
    items = LookupValue.objects.filter(list=LookupValue.List.BUILDING_TYPE, is_active=True)
    return [(item.code, item.label) for item in items.order_by("order", "label")]


class BuildingForm(forms.Form):
    building_type = forms.ChoiceField(label=_("ประเภทสิ่งก่อสร้าง"))
    sequence = forms.IntegerField(label=_("หลังที่"), min_value=1, max_value=999)
    design_raw = forms.CharField(
        label=_("แบบ"),
        max_length=200,
        required=False,
        help_text=_("ตามป้ายหรือแบบแปลน เช่น สปช.105/29, 108ล/30"),
    )
    rooms = forms.IntegerField(
        label=_("จำนวนห้องตามแบบ"), min_value=0, required=False, help_text=_("ต้องกรอกสำหรับอาคารเรียน")
    )
    year_built = forms.IntegerField(label=_("ปีที่สร้าง (พ.ศ.)"), help_text=_("ปี พ.ศ. 4 หลัก เช่น 2535"))
    condition = forms.ChoiceField(label=_("สภาพ"), choices=list(CONDITIONS.items()), widget=forms.RadioSelect)
    budget_source = forms.CharField(label=_("แหล่งงบประมาณ"), max_length=200, required=False)
    fiscal_year = forms.IntegerField(label=_("ปีงบประมาณ (พ.ศ.)"), required=False)
    budget_amount = forms.DecimalField(
        label=_("จำนวนเงิน (บาท)"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    note = forms.CharField(
        label=_("หมายเหตุ"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building_type"].choices = [("", "—"), *building_type_choices()]
        for name in ("sequence", "rooms", "year_built", "fiscal_year"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        self.fields["budget_amount"].widget.attrs["inputmode"] = "decimal"

    @staticmethod
    def initial_for(building: Building) -> dict:
        return {
            name: getattr(building, name)
            for name in (
                "building_type", "sequence", "design_raw", "rooms", "year_built", "condition",
                "budget_source", "fiscal_year", "budget_amount", "note",
            )
        }  # fmt: skip


class DemolishForm(forms.Form):
    # Text, read like a template cell: "15/03/2568", "15 มี.ค. 2568" or an ISO date.
    demolished_on = forms.CharField(
        label=_("วันที่รื้อถอน"), max_length=40, help_text=_("วัน/เดือน/ปี พ.ศ. เช่น 15/03/2568")
    )


class BuildingPhotoForm(forms.Form):
    # A plain file field: whether it is a photo of an accepted type and size is for aoc.images.clean_photo.
    image = forms.FileField(label=_("รูปถ่าย"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))
    caption = forms.CharField(label=_("คำบรรยาย"), max_length=200, required=False)


class BuildingOverviewFilterForm(forms.Form):
    amphoe = forms.ChoiceField(label=_("อำเภอ"), required=False)
    building_type = forms.ChoiceField(label=_("ประเภทสิ่งก่อสร้าง"), required=False)
    accepted_only = forms.BooleanField(label=_("เฉพาะโรงเรียนที่เขตรับรองแล้ว"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        amphoes = school_selectors.amphoe_list()
        self.fields["amphoe"].choices = [("", _("ทุกอำเภอ"))] + [(a.dopa_code, a.name_th) for a in amphoes]
        self.fields["building_type"].choices = [("", _("ทุกประเภท")), *building_type_choices()]

    def filters(self) -> dict:
        if not self.is_valid():
            return {"amphoe": "", "building_type": "", "accepted_only": False}
        return {
            "amphoe": self.cleaned_data["amphoe"],
            "building_type": self.cleaned_data["building_type"],
            "accepted_only": self.cleaned_data["accepted_only"],
        }
