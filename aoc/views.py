from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from aoc import permissions
from aoc.audit import audit_log
from aoc.models import AuditLog, Notice
from datacollection import selectors as collection_selectors
from schools import selectors as school_selectors


def home(request):
    """The public home page: the district's key figures."""
    return render(request, "aoc/home.html", {"summary": school_selectors.district_summary()})


@permissions.require(permissions.is_staff_user)
def staff_home(request):
    """The landing page after login; what it offers follows from the user's role."""
    user = request.user
    my_schools = []
    if user.is_school_officer:
        my_schools = school_selectors.attach_sizes(
            school_selectors.with_enrolment(school_selectors.schools_for_user(user).select_related("amphoe"))
        )
    open_rounds = list(collection_selectors.open_rounds())
    return render(
        request,
        "aoc/staff_home.html",
        {
            "my_schools": my_schools,
            "summary": None if user.is_school_officer else school_selectors.district_summary(),
            "can_read_audit": permissions.can_read_audit(user),
            "can_manage_users": permissions.can_manage_users(user),
            "can_manage_registry": permissions.can_manage_registry(user),
            # A school officer's submissions in open rounds; district roles see each open round's progress.
            "my_submissions": collection_selectors.open_submissions_of(user)
            if user.is_school_officer
            else None,
            "open_rounds": None
            if user.is_school_officer
            else [(r, collection_selectors.round_completeness(r)) for r in open_rounds],
        },
    )


@permissions.require(permissions.is_staff_user)
def notice_list(request):
    notices = Notice.objects.filter(user=request.user)
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    return render(request, "aoc/notice_list.html", {"page": page})


@permissions.require(permissions.is_staff_user)
@require_POST
def notices_mark_read(request):
    Notice.objects.filter(user=request.user, read_at=None).update(read_at=timezone.now())
    return redirect("notice-list")


@permissions.require(permissions.can_read_audit)
@cache_control(private=True, no_store=True)
def audit_list(request):
    entries = AuditLog.objects.select_related("target_type")
    action = request.GET.get("action", "").strip()
    actor = request.GET.get("actor", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    if actor:
        entries = entries.filter(actor_repr__icontains=actor)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "aoc/audit_list.html",
        {"page": page, "action": action, "actor": actor, "query": query.urlencode()},
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page, with the change in the audit log like every other write."""

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_log(self.request.user, "aoc.user.password_changed", self.request.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        audit_log(form.user, "aoc.user.password_reset", form.user)
        return response
