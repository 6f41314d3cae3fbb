from django.contrib import admin

from aoc.admin import AuditedAdminMixin, ReadOnlyAdmin
from datacollection.models import (
    Building,
    BuildingPhoto,
    LookupValue,
    ReminderLog,
    Round,
    Submission,
    SubmissionEvent,
    Upload,
)


@admin.register(LookupValue)
class LookupValueAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("list", "label", "code", "order", "is_active")
    list_filter = ("list", "is_active")
    search_fields = ("label", "code", "aliases")


# Rounds, submissions and uploads change through the portal's pages and services (with their workflow
# and audit), not in the admin.
@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ("slug", "label", "as_of", "deadline", "status")
    list_filter = ("kind", "status", "academic_year")


class EventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "actor", "from_status", "to_status", "comment")


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("round", "school", "status", "last_activity_at")
    list_filter = ("round", "status")
    search_fields = ("school__name_th", "school__code")
    inlines = [EventInline]


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    list_display = (
        "original_name",
        "submission",
        "status",
        "rows",
        "error_count",
        "warning_count",
        "created_at",
    )
    list_filter = ("status",)
    exclude = ("issues",)


@admin.register(Building)
class BuildingAdmin(ReadOnlyAdmin):
    list_display = ("submission", "building_type", "sequence", "year_built", "condition", "demolished_on")
    list_filter = ("submission__round", "building_type", "condition")
    search_fields = ("submission__school__name_th", "submission__school__code", "design_raw")


@admin.register(BuildingPhoto)
class BuildingPhotoAdmin(ReadOnlyAdmin):
    list_display = ("school", "building_uid", "caption", "created_at")
    search_fields = ("school__name_th", "school__code")


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    """Written only by the reminder pass (``datacollection.reminders``)."""

    list_display = ("sent_at", "submission", "reason", "channel", "recipient", "outcome")
    list_filter = ("reason", "channel", "outcome")
    search_fields = ("submission__school__name_th", "submission__school__code", "address")
    list_select_related = ("submission__round", "submission__school", "recipient")
