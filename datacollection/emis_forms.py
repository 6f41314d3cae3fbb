"""The web forms of an EMIS submission: one form per section, a row of fields per item.

They check the shape of what was sent (whole numbers, codes from the lookup tables, a valid e-mail …);
``emis_services.emis_section_save`` stores it and ``kinds.emis.check_data`` judges the data as a whole."""

from django import forms
from django.utils.translation import gettext as _

from datacollection.kinds import emis
from datacollection.kinds.emis import EmisContext, EmisData
from datacollection.models import EmisInternetLink

EXTRA_LINK_ROWS = 2  # empty rows for new internet links
EXPLANATION_MAX_LENGTH = 1000


class EmisSectionForm(forms.Form):
    """Fields are named ``<row>-<field>``; ``rows`` lists them per item for the template."""

    def __init__(self, *args, section: str, ctx: EmisContext, data: EmisData, **kwargs):
        super().__init__(*args, **kwargs)
        self.section, self.ctx = section, ctx
        self.rows: list[dict] = []  # {key, label, names}
        if section == "basic":
            self._basic(data)
        elif section == "internet":
            self._internet(data)
        else:
            self._counts(data)

    # -- building ------------------------------------------------------------------------------------

    def _row(self, key, label, fields: dict) -> None:
        index = len(self.rows)
        names = []
        for name, field in fields.items():
            full = f"{index}-{name}"
            self.fields[full] = field
            names.append(full)
        self.rows.append({"key": key, "label": label, "names": names})

    def _basic(self, data: EmisData) -> None:
        for name in emis.BASIC_FIELDS:
            value = data.basic.get(name, self.ctx.registry.get(name, ""))
            field = forms.CharField(
                label=emis.BASIC_LABELS[name],
                required=False,
                max_length=emis.VALUE_MAX_LENGTH,
                initial=emis.format_basic(name, value),
            )
            self._row(name, emis.BASIC_LABELS[name], {"value": field})

    def _counts(self, data: EmisData) -> None:
        items = data.section(self.section)
        with_explanation = "explanation" in emis.HEADER[self.section]
        for key in emis.layout(self.section, data, self.ctx):
            item = items.get(key) or {}
            label = emis.item_label(self.section, key, self.ctx)
            fields = {}
            for name in emis.COUNTS[self.section]:
                fields[name] = forms.IntegerField(
                    label=f"{label}: {emis.HEADER[self.section][name]}",
                    min_value=0,
                    max_value=100_000,
                    required=False,
                    initial=item.get(name, 0),
                    widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
                )
            if with_explanation:
                fields["explanation"] = forms.CharField(
                    label=f"{label}: {_('คำชี้แจง')}",
                    required=False,
                    max_length=EXPLANATION_MAX_LENGTH,
                    initial=item.get("explanation", ""),
                )
            self._row(key, label, fields)

    def _internet(self, data: EmisData) -> None:
        providers = [("", "—"), *self.ctx.lookups.get("emis_isp", ())]
        types = [("", "—"), *self.ctx.lookups.get("emis_link_type", ())]
        for i, link in enumerate([*data.internet, *([{}] * EXTRA_LINK_ROWS)]):
            label = emis.item_label("internet", i, self.ctx)
            self._row(
                i,
                label,
                {
                    "provider": forms.ChoiceField(
                        label=f"{label}: {_('ผู้ให้บริการ')}", choices=providers, required=False,
                        initial=link.get("provider", ""),
                    ),
                    "link_type": forms.ChoiceField(
                        label=f"{label}: {_('ประเภทการเชื่อมต่อ')}", choices=types, required=False,
                        initial=link.get("link_type", ""),
                    ),
                    "speed_mbps": forms.IntegerField(
                        label=f"{label}: {_('ความเร็ว (Mbps)')}", min_value=0, max_value=1_000_000,
                        required=False, initial=link.get("speed_mbps"),
                    ),
                    "status": forms.ChoiceField(
                        label=f"{label}: {_('สถานะ')}", choices=EmisInternetLink.Status.choices,
                        initial=link.get("status", EmisInternetLink.Status.WORKING),
                    ),
                    "monthly_cost": forms.DecimalField(
                        label=f"{label}: {_('ค่าใช้จ่ายต่อเดือน (บาท)')}", min_value=0, max_digits=10,
                        decimal_places=2, required=False, initial=link.get("monthly_cost"),
                    ),
                },
            )  # fmt: skip

    # -- cleaning ------------------------------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        if self.section == "basic":
            for row in self.rows:
                name = row["names"][0]
                if name in self.errors:
                    continue
                stored, reason = emis.normalise_basic(row["key"], cleaned.get(name) or "")
                if reason:
                    self.add_error(name, reason)
                else:
                    cleaned[name] = stored
        if self.section == "internet":
            for index in range(len(self.rows)):
                provider, link_type = (cleaned.get(f"{index}-provider"), cleaned.get(f"{index}-link_type"))
                if bool(provider) != bool(link_type):
                    self.add_error(
                        f"{index}-link_type" if provider else f"{index}-provider",
                        _("เลือกทั้งผู้ให้บริการและประเภทการเชื่อมต่อ (หรือว่างทั้งสองช่องเพื่อลบรายการนี้)"),
                    )
        return cleaned

    def section_value(self):
        """The cleaned data in the section's shape of ``EmisData``."""
        data = self.cleaned_data
        if self.section == "basic":
            return {row["key"]: data[row["names"][0]] for row in self.rows if data.get(row["names"][0])}
        if self.section == "internet":
            links = []
            for index, _row in enumerate(self.rows):
                if not data.get(f"{index}-provider"):
                    continue
                links.append(
                    {
                        "provider": data[f"{index}-provider"],
                        "link_type": data[f"{index}-link_type"],
                        "speed_mbps": data.get(f"{index}-speed_mbps") or 0,
                        "status": data[f"{index}-status"],
                        "monthly_cost": data.get(f"{index}-monthly_cost") or 0,
                    }
                )
            return links
        value = {}
        for index, row in enumerate(self.rows):
            item = {name: data.get(f"{index}-{name}") or 0 for name in emis.COUNTS[self.section]}
            if "explanation" in emis.HEADER[self.section]:
                item["explanation"] = (data.get(f"{index}-explanation") or "").strip()
            value[row["key"]] = item
        return value
