from django.contrib import admin
from django.db import models
from import_export.admin import ImportExportModelAdmin

from aoc.admin import AuditedAdminMixin
from schools.models import Amphoe, DataOfficer, EnrolmentFigure, Membership, School, SizeBand, SizeScheme
from schools.resources import SchoolResource


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ("school",)


@admin.register(School)
class SchoolAdmin(AuditedAdminMixin, ImportExportModelAdmin):
    resource_classes = [SchoolResource]
    list_display = ("code", "smis_code", "name_th", "level", "amphoe", "closed_on")
    list_filter = ("amphoe", "level")
    search_fields = ("code", "smis_code", "name_th", "name_en")
    readonly_fields = ("obec_code", "generated_fields")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    autocomplete_fields = ("branch_of",)
    # Photos are added on the staff pages, where they are checked, resized and stripped of metadata.


@admin.register(Amphoe)
class AmphoeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("dopa_code", "name_th", "name_en")


@admin.register(DataOfficer)
class DataOfficerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "full_name",
        "school",
        "position",
        "handles_dmc",
        "handles_emis",
        "handles_bobec",
        "until",
    )
    list_filter = ("handles_dmc", "handles_emis", "handles_bobec")
    search_fields = ("full_name", "school__name_th", "school__code")
    autocomplete_fields = ("school", "user")


@admin.register(Membership)
class MembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "school", "created_at")
    search_fields = ("user__username", "school__name_th", "school__code")
    autocomplete_fields = ("user", "school")


@admin.register(EnrolmentFigure)
class EnrolmentFigureAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("school", "as_of", "students", "source")
    list_filter = ("source",)
    search_fields = ("school__name_th", "school__code")


class SizeBandInline(admin.TabularInline):
    model = SizeBand
    extra = 0


@admin.register(SizeScheme)
class SizeSchemeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "version", "valid_from", "is_default")
    inlines = [SizeBandInline]
