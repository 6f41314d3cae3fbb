"""Who may do what with booklets."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from reports.models import Booklet


def can_build_booklet(user) -> bool:
    """Start a build: administrators, district staff and the director (ผอ.สพป.)."""
    return user.is_authenticated and (
        user.is_admin or user.role in (user.Role.DISTRICT_STAFF, user.Role.DIRECTOR)
    )


def can_view_booklets(user) -> bool:
    """The list of every version, failed builds included: district roles, not school officers."""
    return user.is_authenticated and (
        user.is_admin or user.role in (user.Role.DISTRICT_STAFF, user.Role.DIRECTOR, user.Role.ICT_STAFF)
    )


def get_booklet_for_user(user, pk) -> Booklet:
    """404 for an unknown booklet; 403 for someone who may not see the staff list."""
    booklet = get_object_or_404(Booklet.objects.select_related("publication__round", "built_by"), pk=pk)
    if not can_view_booklets(user):
        raise PermissionDenied
    return booklet


def get_public_booklet(pk) -> Booklet:
    """A booklet anyone may download: built, from published data; anything else is 404."""
    booklet = get_object_or_404(Booklet.objects.select_related("publication__round"), pk=pk)
    if not booklet.is_public:
        raise Http404
    return booklet
