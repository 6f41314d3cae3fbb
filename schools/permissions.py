"""Who may see and change what in the registry. One helper per object type loads and checks:
404 outside the user's scope, 403 when the role is too low."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from aoc.permissions import can_manage_registry
from schools.models import DataOfficer, School, SchoolPhoto
from schools.selectors import schools_for_user


def can_edit_school(user, school: School) -> bool:
    return can_manage_registry(user)


def can_manage_officers(user, school: School) -> bool:
    """District staff keep the whole register; a school officer keeps their own school's entries."""
    if can_manage_registry(user):
        return True
    return user.is_authenticated and user.is_school_officer and school.memberships.filter(user=user).exists()


def can_manage_photos(user, school: School) -> bool:
    return can_manage_registry(user)


def can_add_private_photos(user, school: School) -> bool:
    """Add a photo that is not public: district staff, and the school's own officers (their photos are
    published only when district staff approve them: gis.services.photo_propose)."""
    return can_manage_officers(user, school)


def get_school_for_user(user, code: str, *, write: bool = False) -> School:
    try:
        school = schools_for_user(user).select_related("amphoe", "branch_of").get(code=code)
    except School.DoesNotExist:
        raise Http404 from None
    if write and not can_edit_school(user, school):
        raise PermissionDenied
    return school


def get_officer_for_user(user, pk: int, *, write: bool = False) -> DataOfficer:
    try:
        officer = DataOfficer.objects.select_related("school").get(
            pk=pk, school__in=schools_for_user(user).values("pk")
        )
    except DataOfficer.DoesNotExist:
        raise Http404 from None
    if write and not can_manage_officers(user, officer.school):
        raise PermissionDenied
    return officer


def get_photo_for_user(user, pk: int, *, write: bool = False) -> SchoolPhoto:
    try:
        photo = SchoolPhoto.objects.select_related("school").get(
            pk=pk, school__in=schools_for_user(user).values("pk")
        )
    except SchoolPhoto.DoesNotExist:
        raise Http404 from None
    if write and not can_manage_photos(user, photo.school):
        raise PermissionDenied
    return photo
