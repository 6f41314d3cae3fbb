"""Shapes of the data-collection API. Output serializers carry no personal data (no student records);
input serializers check the shape only, the services decide the rest."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from datacollection.models import Round, Submission, Upload


class RoundSerializer(serializers.ModelSerializer):
    """A round of the calendar: public, no school data."""

    class Meta:
        model = Round
        fields = ["slug", "kind", "academic_year", "number", "label", "as_of", "opens_on", "deadline",
                  "closes_on", "status"]  # fmt: skip
        read_only_fields = fields


class CurrentUploadSerializer(serializers.ModelSerializer):
    """What the portal found in the file whose records are the submission's: counts only."""

    class Meta:
        model = Upload
        fields = ["id", "rows", "error_count", "warning_count", "created_at", "finished_at"]
        read_only_fields = fields


class SubmissionSerializer(serializers.ModelSerializer):
    """One school's submission to a round and its place in the workflow."""

    school_code = serializers.CharField(source="school.code", read_only=True)
    school_name = serializers.CharField(source="school.name_th", read_only=True)
    amphoe = serializers.CharField(source="school.amphoe.name_th", read_only=True)
    amphoe_code = serializers.CharField(source="school.amphoe.dopa_code", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    current_upload = CurrentUploadSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Submission
        fields = ["school_code", "school_name", "amphoe", "amphoe_code", "status", "status_display",
                  "last_activity_at", "submitted_at", "accepted_at", "current_upload"]  # fmt: skip
        read_only_fields = fields


# --- Uploads --------------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.BINARY)
class _BinaryFileField(serializers.FileField):
    """A file sent as multipart/form-data (documented as binary, not as a URL)."""


class UploadRequestSerializer(serializers.Serializer):
    file = _BinaryFileField(help_text="ไฟล์ข้อมูลของโรงเรียน (.csv หรือ .xlsx)")
    dry_run = serializers.BooleanField(
        default=False, help_text="ทดลองตรวจเท่านั้น: รายงานผลโดยไม่บันทึกอะไรไว้ (ไม่มีไฟล์ ไม่มีข้อมูล)"
    )


class IssueSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="แถวในไฟล์ (0 = ทั้งไฟล์)")
    column = serializers.CharField(allow_blank=True)
    code = serializers.CharField()
    message = serializers.CharField()
    value = serializers.CharField(allow_blank=True, required=False)
    severity = serializers.ChoiceField(choices=["error", "warning"])


class ProgressSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    percent = serializers.IntegerField()


class UploadSummarySerializer(serializers.Serializer):
    """The summary of a processed file: the same JSON as ``manage.py import_submission --json``."""

    status = serializers.ChoiceField(choices=["imported", "rejected", "valid", "failed", "processing"])
    rows = serializers.IntegerField()
    imported = serializers.IntegerField()
    errors = IssueSerializer(many=True)
    warnings = IssueSerializer(many=True)
    error_count = serializers.IntegerField()
    warning_count = serializers.IntegerField()
    upload = serializers.IntegerField(allow_null=True, help_text="ไม่มี (null) เมื่อเป็นการทดลองตรวจ")
    progress = ProgressSerializer(required=False, allow_null=True, help_text="ระหว่างตรวจในเบื้องหลัง")


class UploadQueuedSerializer(serializers.Serializer):
    """A large file is checked in the background: poll ``url`` for the summary."""

    status = serializers.ChoiceField(choices=["processing"])
    upload = serializers.IntegerField()
    url = serializers.URLField(help_text="ที่อยู่สำหรับดูผลการตรวจ (GET)")


# --- Workflow verbs -------------------------------------------------------------------------------


class ReturnRequestSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, help_text="สิ่งที่โรงเรียนต้องแก้ไข (ต้องระบุ)")


class AcceptRequestSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, required=False, default="")


class ReopenRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="เหตุผลที่เปิดให้แก้ไข (ต้องระบุ)")


class DetailSerializer(serializers.Serializer):
    """An error: what went wrong, for the user."""

    detail = serializers.CharField()
