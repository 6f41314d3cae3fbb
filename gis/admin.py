from django.contrib import admin

from aoc.admin import ReadOnlyAdmin
from gis.models import Proposal, ProposalEvent


class EventInline(admin.TabularInline):
    model = ProposalEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "actor", "from_status", "to_status", "comment")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    """Read-only: proposals are decided on the portal's pages (``gis.services``), with their history,
    audit and notices, never edited here."""

    list_display = ("school", "kind", "status", "proposed_by", "created_at", "decided_by", "decided_at")
    list_filter = ("kind", "status")
    search_fields = ("school__name_th", "school__code")
    inlines = [EventInline]
