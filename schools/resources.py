"""Import and export of the school registry (CSV and XLSX) with django-import-export.

Used by the admin and by the staff import page alike. An import validates every row, then writes all
of them or none (``rollback_on_validation_errors``), and leaves one summary entry in the audit log.
"""

import io

import tablib
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from aoc.audit import audit_log
from aoc.permissions import can_manage_registry
from aoc.public_cache import public_pages_changed
from aoc.text import normalise_thai
from schools.models import Amphoe, School
from schools.services import validate_school


class LevelWidget(widgets.Widget):
    """Levels are written in files as EMIS writes them (``อนุบาล-ประถมศึกษา``); codes are accepted too."""

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return ""
        for code, label in School.Level.choices:
            if value in (code, str(label)):
                return code
        raise ValueError(
            _('ระดับที่เปิดสอน "%(value)s" ไม่รู้จัก ใช้ได้: %(choices)s')
            % {"value": value, "choices": ", ".join(str(label) for _code, label in School.Level.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        return str(School.Level(value).label) if value else ""


class CodeForeignKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key written as the related row's code; an unknown code is a clear row error."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(str(value).strip() if value is not None else value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(_('ไม่พบรหัส "%(value)s" ในทะเบียน') % {"value": value}) from None


class SchoolResource(resources.ModelResource):
    code = fields.Field(attribute="code", column_name="school_code")
    amphoe = fields.Field(
        attribute="amphoe", column_name="amphoe_code", widget=CodeForeignKeyWidget(Amphoe, field="dopa_code")
    )
    level = fields.Field(attribute="level", column_name="level", widget=LevelWidget())
    branch_of = fields.Field(
        attribute="branch_of", column_name="branch_of", widget=CodeForeignKeyWidget(School, field="code")
    )

    class Meta:
        model = School
        import_id_fields = ("code",)
        fields = (
            "code", "smis_code", "area_code", "name_th", "name_en", "level", "amphoe", "tambon", "address",
            "postcode", "phone", "email", "website", "principal_name", "latitude", "longitude", "founded_on",
            "quality_network", "opened_on", "closed_on", "branch_of",
        )  # fmt: skip
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def before_import_row(self, row, **kwargs):
        for key, value in row.items():
            if isinstance(value, str):
                row[key] = normalise_thai(value)

    def import_instance(self, instance, row, **kwargs):
        """A value a file brings in is no longer generated demo data (as in ``services.school_update``)."""
        before = {name: getattr(instance, name, None) for name in instance.generated_fields}
        super().import_instance(instance, row, **kwargs)
        instance.generated_fields = [
            name for name in instance.generated_fields if getattr(instance, name, None) == before[name]
        ]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            validate_school(instance)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if field not in errors:
                    errors[field] = messages
        if errors:
            raise ValidationError(errors)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        totals = {key: value for key, value in result.totals.items() if value}
        audit_log(
            kwargs.get("user"),
            "schools.registry.imported",
            None,
            {"rows": len(dataset), "totals": totals, "file": kwargs.get("file_name", "")},
        )
        transaction.on_commit(public_pages_changed)


def read_registry_file(upload) -> tablib.Dataset:
    """Read an uploaded CSV (UTF-8, UTF-8 with BOM or Windows-874) or XLSX file into a dataset, or raise
    ``ValidationError`` with a message a school officer can act on."""
    if upload.size > settings.REGISTRY_IMPORT_MAX_BYTES:
        raise ValidationError(
            _("ไฟล์ใหญ่เกินไป ขนาดสูงสุดคือ %(max)d MB") % {"max": settings.REGISTRY_IMPORT_MAX_BYTES // 1_048_576}
        )
    content = upload.read()
    name = (upload.name or "").lower()
    if not content:
        raise ValidationError(_("ไฟล์ว่างเปล่า"))
    if content[:4] == b"PK\x03\x04" or name.endswith(".xlsx"):
        try:
            return tablib.Dataset().load(io.BytesIO(content), format="xlsx")
        except Exception as exc:  # openpyxl raises many kinds of errors for a broken workbook
            raise ValidationError(_("เปิดไฟล์ Excel ไม่ได้ กรุณาบันทึกเป็น .xlsx หรือ .csv แล้วลองใหม่")) from exc
    for encoding in ("utf-8-sig", "cp874"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("อ่านไฟล์ไม่ได้ กรุณาบันทึกเป็น CSV (UTF-8) หรือ .xlsx"))
    if "\x00" in text:
        raise ValidationError(_("ไฟล์นี้ไม่ใช่ไฟล์ CSV หรือ Excel"))
    try:
        return tablib.Dataset().load(text, format="csv")
    except Exception as exc:
        raise ValidationError(_("อ่านไฟล์ CSV ไม่ได้: ตรวจสอบว่าทุกแถวมีจำนวนคอลัมน์เท่ากัน")) from exc


def import_schools(dataset, *, actor, dry_run: bool, file_name: str = ""):
    """Validate every row of ``dataset`` and, unless ``dry_run`` or any row is wrong, write them all."""
    if not can_manage_registry(actor):
        raise PermissionDenied
    return SchoolResource().import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
        user=actor,
        file_name=file_name,
    )
