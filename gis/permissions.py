"""Who may propose, see and decide map updates. One helper per object type loads and checks: 404 outside
the user's scope (``schools.selectors.schools_for_user``), 403 when the role is too low."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from aoc.permissions import can_manage_registry
from gis.models import Proposal
from schools.models import School
from schools.selectors import schools_for_user


def is_officer_of(user, school: School) -> bool:
    return user.is_authenticated and user.is_school_officer and school.memberships.filter(user=user).exists()


def can_propose(user, school: School) -> bool:
    """A school's own data officers propose its location and photos; district staff may too."""
    return can_manage_registry(user) or is_officer_of(user, school)


def can_review(user) -> bool:
    """Approve or reject: the district staff who keep the registry (and administrators)."""
    return can_manage_registry(user)


def get_school_for_user(user, code: str, *, propose: bool = False) -> School:
    """The school of the updates pages: 404 outside the user's scope, 403 for ``propose`` when the user
    may only read (director, ICT staff)."""
    try:
        school = schools_for_user(user).select_related("amphoe").get(code=code)
    except School.DoesNotExist:
        raise Http404 from None
    if propose and not can_propose(user, school):
        raise PermissionDenied
    return school


def get_proposal_for_user(user, pk: int, *, review: bool = False) -> Proposal:
    """404 outside the user's scope; 403 for ``review`` unless the user reviews for the district."""
    try:
        proposal = Proposal.objects.select_related(
            "school", "school__amphoe", "photo", "proposed_by", "decided_by"
        ).get(pk=pk, school__in=schools_for_user(user).values("pk"))
    except Proposal.DoesNotExist:
        raise Http404 from None
    if review and not can_review(user):
        raise PermissionDenied
    return proposal
