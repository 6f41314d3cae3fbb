from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aoc.audit import audit_log
from aoc.models import AuditLog, User
from aoc.public_cache import public_pages_changed


class AuditedAdminMixin:
    """Admin writes go to the audit log like every other write, with the fields that changed. They may
    change what the public sees (a school, an enrolment figure, a size scheme), so the cached public
    pages are dropped once they are committed; admin writes are rare, a fresh rendering is cheap."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(public_pages_changed)
        verb = "updated" if change else "created"
        changed = {
            name: str(form.cleaned_data.get(name)) for name in form.changed_data if "password" not in name
        }
        audit_log(
            request.user,
            f"{obj._meta.app_label}.{obj._meta.model_name}.{verb}",
            obj,
            {"changes": changed, "via": "admin"},
        )

    def delete_model(self, request, obj):
        transaction.on_commit(public_pages_changed)
        audit_log(
            request.user, f"{obj._meta.app_label}.{obj._meta.model_name}.deleted", obj, {"via": "admin"}
        )
        super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        transaction.on_commit(public_pages_changed)
        for obj in formset.new_objects:
            audit_log(
                request.user, f"{obj._meta.app_label}.{obj._meta.model_name}.created", obj, {"via": "admin"}
            )
        for obj, changed in formset.changed_objects:
            audit_log(
                request.user, f"{obj._meta.app_label}.{obj._meta.model_name}.updated", obj,
                {"changes": changed, "via": "admin"},
            )  # fmt: skip
        for obj in formset.deleted_objects:
            audit_log(
                request.user, f"{obj._meta.app_label}.{obj._meta.model_name}.deleted", obj, {"via": "admin"}
            )

    def delete_queryset(self, request, queryset):
        transaction.on_commit(public_pages_changed)
        for obj in queryset:
            audit_log(
                request.user, f"{obj._meta.app_label}.{obj._meta.model_name}.deleted", obj, {"via": "admin"}
            )
        super().delete_queryset(request, queryset)


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "email", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")
    fieldsets = (
        *BaseUserAdmin.fieldsets[:1],
        (_("ข้อมูลส่วนตัว"), {"fields": ("first_name", "last_name", "email", "phone", "line_user_id")}),
        (_("บทบาทและสิทธิ์"), {"fields": ("role", "is_active", "is_staff", "is_superuser")}),
        (_("วันที่สำคัญ"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "role", "email", "password1", "password2")}),
    )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # the new password was saved
            user = self.get_object(request, id)
            audit_log(request.user, "aoc.user.password_set", user, {"via": "admin"})
        return response

    def get_inlines(self, request, obj):
        from schools.admin import MembershipInline  # the school side owns memberships

        return [MembershipInline] if obj is not None and obj.is_school_officer else []


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that change only through the portal's services (with their rules and audit) or
    never: the admin shows them and changes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_repr", "action", "target_repr", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor_repr", "action", "target_repr", "target_id")
    date_hierarchy = "created_at"


admin.site.site_header = _("ผู้ดูแลระบบ AOC สพป.สงขลา เขต 2")
admin.site.site_title = _("ผู้ดูแลระบบ AOC")


PORTAL_APP_LABELS = {"aoc", "schools", "datacollection", "gis"}


def audit_third_party_admins(site=admin.site) -> None:
    """The admins that other packages register (groups, API tokens, axes's lock-out records: deleting
    one unlocks an account) write through the same audited hooks as the portal's own."""
    for model, model_admin in list(site._registry.items()):
        if (
            isinstance(model_admin, AuditedAdminMixin | ReadOnlyAdmin)
            or model._meta.app_label in PORTAL_APP_LABELS
        ):
            continue
        audited = type(f"Audited{type(model_admin).__name__}", (AuditedAdminMixin, type(model_admin)), {})
        site.unregister(model)
        site.register(model, audited)
