"""Who may do what with rounds and submissions. Used by views, templates (as flags), the API and the
services alike.

A ``user`` of None is the system itself: ``import_submission`` and the demo loader, trusted code run on
the server, never a web request (views always pass ``request.user``). It may act in any role, but the
rules about states and deadlines apply to it as to everyone."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from aoc.permissions import can_manage_registry
from datacollection.models import Round, Submission
from schools.models import School
from schools.selectors import schools_for_user

S = Submission.Status


def can_manage_rounds(user) -> bool:
    """Create, open and close rounds; verify submissions: district staff and administrators."""
    return user is None or can_manage_registry(user)


def is_officer_of(user, school) -> bool:
    if user is None:
        return True
    return user.is_authenticated and user.is_school_officer and school.memberships.filter(user=user).exists()


def can_act_for_school(user, submission: Submission) -> bool:
    """The school's own officers, and district staff on the school's behalf."""
    return is_officer_of(user, submission.school) or can_manage_rounds(user)


def accepts_uploads(submission: Submission) -> bool:
    """A new file may come in: the round is open and the submission is not submitted or accepted."""
    return submission.round.is_open and submission.status in (S.NOT_STARTED, S.DRAFT, S.RETURNED)


def can_upload(user, submission: Submission) -> bool:
    """``user=None`` is the system (``manage.py import_submission``): only the round and the state count."""
    return (user is None or can_act_for_school(user, submission)) and accepts_uploads(submission)


def can_edit_data(user, submission: Submission) -> bool:
    """Save a section of a form-edited kind (EMIS, B-OBEC) in the web forms: the school's own officers
    (district staff read the data and verify it), while the submission takes changes."""
    return is_officer_of(user, submission.school) and accepts_uploads(submission)


def can_submit(user, submission: Submission) -> bool:
    return is_officer_of(user, submission.school) and submission.status in (S.DRAFT, S.RETURNED)


def can_withdraw(user, submission: Submission) -> bool:
    return is_officer_of(user, submission.school) and submission.status == S.SUBMITTED


def can_verify(user, submission: Submission) -> bool:
    """Return or accept a submitted submission."""
    return can_manage_rounds(user) and submission.status == S.SUBMITTED


def can_reopen(user, submission: Submission) -> bool:
    return can_manage_rounds(user) and submission.status in (S.SUBMITTED, S.ACCEPTED)


def can_view_records(user, submission: Submission) -> bool:
    """Individual student records: the school's officers and district staff only (not the director,
    not ICT staff — they read aggregates)."""
    return is_officer_of(user, submission.school) or can_manage_rounds(user)


def can_view_chase_board(user) -> bool:
    """The chase board of every school: district roles (staff chase; the director and ICT staff, who
    run and read the rounds, see it read-only — it has no actions). Not school officers."""
    return user.is_authenticated and user.is_active and user.is_district_wide


def get_school_for_user(user, code: str) -> School:
    """A school in the user's scope (a school officer's own, any for district roles), else 404."""
    try:
        return schools_for_user(user).select_related("amphoe").get(code=code)
    except School.DoesNotExist:
        raise Http404 from None


def get_round(slug: str) -> Round:
    try:
        return Round.objects.get(slug=slug)
    except Round.DoesNotExist:
        raise Http404 from None


def get_submission_for_user(user, slug: str, code: str, *, write: bool = False) -> Submission:
    """404 outside the user's scope; 403 for ``write`` when the user cannot act for the school."""
    try:
        submission = Submission.objects.select_related(
            "round", "school", "school__amphoe", "current_upload"
        ).get(round__slug=slug, school__code=code, school__in=schools_for_user(user).values("pk"))
    except Submission.DoesNotExist:
        raise Http404 from None
    if write and not can_act_for_school(user, submission):
        raise PermissionDenied
    return submission


def can_view_movement(user, school) -> bool:
    """The movement watch's lists of one school's students (names, masked IDs): the school's officers
    and district staff; the director and ICT staff see the counts only."""
    return is_officer_of(user, school) or can_manage_rounds(user)


def can_follow_up(user, school) -> bool:
    """Write the follow-up of a child who left: the school's own officers (district staff read it)."""
    return user is not None and is_officer_of(user, school)
