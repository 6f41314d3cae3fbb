from django.contrib import admin

from aoc.admin import AuditedAdminMixin, ReadOnlyAdmin
from reports.models import Dataset, DatasetVersion, Publication


# Publications and dataset files are written by the services (publishing, the upload page) with their
# audit entries; the admin only shows them. Dataset descriptions may be edited here (audited).
@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ("round", "as_of", "published_at", "published_by", "schools_included", "schools_expected")
    list_filter = ("round__kind",)


class VersionInline(admin.TabularInline):
    model = DatasetVersion
    extra = 0
    can_delete = False
    fields = ("number", "filename", "file_format", "data_as_of", "publication", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dataset)
class DatasetAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "slug", "category")
    list_filter = ("category",)
    search_fields = ("title", "slug", "description")
    inlines = [VersionInline]

    def has_delete_permission(self, request, obj=None):
        return False
