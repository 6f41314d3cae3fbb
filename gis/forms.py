"""Forms of the map pages: shape only. Whether a point lies in the province, and whether a file is a
photo, is decided by the services (``gis.services.check_location``, ``aoc.images.clean_photo``)."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gis.models import Proposal
from schools.models import School

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# "7.006543, 100.474321" as copied from a phone's map app, with or without a space, or a semicolon.
PAIR = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)\s*$")


def _number(value: str) -> Decimal:
    try:
        number = Decimal(value.translate(THAI_DIGITS).strip())
    except InvalidOperation:
        raise ValidationError(_("กรุณาใส่ตัวเลขทศนิยม เช่น 7.006543"), code="invalid") from None
    if not number.is_finite():
        raise ValidationError(_("กรุณาใส่ตัวเลขทศนิยม เช่น 7.006543"), code="invalid")
    return number


class LocationForm(forms.Form):
    latitude = forms.CharField(
        label=_("ละติจูด"),
        max_length=40,
        help_text=_("ประมาณ 6–8 ในจังหวัดสงขลา หรือวางพิกัดทั้งคู่ เช่น 7.006543, 100.474321"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}),
    )
    longitude = forms.CharField(
        label=_("ลองจิจูด"),
        max_length=40,
        required=False,
        help_text=_("ประมาณ 100–101 ในจังหวัดสงขลา"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}),
    )
    note = forms.CharField(
        label=_("หมายเหตุถึงเขตพื้นที่"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("เช่น ปักหมุดที่ประตูหน้าโรงเรียน"),
    )

    def clean(self):
        data = super().clean()
        latitude, longitude = data.get("latitude", ""), data.get("longitude", "")
        if latitude and not longitude:
            pair = PAIR.match(latitude.translate(THAI_DIGITS))
            if pair is None:
                self.add_error("longitude", _("กรุณาใส่ลองจิจูด"))
                return data
            latitude, longitude = pair.groups()
        if latitude:
            try:
                data["latitude"] = _number(latitude)
            except ValidationError as exc:
                self.add_error("latitude", exc)
            try:
                data["longitude"] = _number(longitude)
            except ValidationError as exc:
                self.add_error("longitude", exc)
        return data


class PhotoProposalForm(forms.Form):
    image = forms.FileField(
        label=_("ไฟล์รูป"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG หรือ WebP รูปใหญ่จะถูกย่อ และข้อมูลตำแหน่ง (GPS) ในไฟล์จะถูกลบออกให้อัตโนมัติ"),
    )
    caption = forms.CharField(
        label=_("คำบรรยายรูป"),
        max_length=200,
        help_text=_("เช่น อาคารเรียน 1 ด้านหน้า, กิจกรรมวันไหว้ครู"),
    )
    note = forms.CharField(
        label=_("หมายเหตุถึงเขตพื้นที่"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("ความเห็นถึงโรงเรียน"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("จำเป็นเมื่อไม่อนุมัติ: บอกโรงเรียนว่าต้องแก้อะไร"),
    )


class ProposalFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("สถานะ"), required=False)
    kind = forms.ChoiceField(label=_("เรื่อง"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("ทั้งหมด"))]
        self.fields["status"].choices = everything + list(Proposal.Status.choices)
        self.fields["kind"].choices = everything + list(Proposal.Kind.choices)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data.get(name) or "" for name in ("status", "kind")}


class MapFilterForm(forms.Form):
    """The filters of ``/api/v1/schools.geojson`` (and of the public map's links): codes only."""

    amphoe = forms.ChoiceField(label=_("อำเภอ"), required=False)
    level = forms.ChoiceField(label=_("ระดับที่เปิดสอน"), required=False)
    size = forms.ChoiceField(label=_("ขนาด"), required=False)

    def __init__(self, *args, amphoes, size_choices, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("ทั้งหมด"))]
        self.fields["amphoe"].choices = everything + [(a.dopa_code, a.name_th) for a in amphoes]
        self.fields["level"].choices = everything + list(School.Level.choices)
        self.fields["size"].choices = everything + list(size_choices)
        for name, field in self.fields.items():
            field.widget.attrs["data-filter"] = name  # the map's script filters on change
