import csv
import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aoc import permissions, selectors, services
from aoc.audit import audit_log
from aoc.forms import FeedbackForm, NewsForm, add_service_errors
from aoc.models import AuditLog, Feedback, NewsItem, Notice
from aoc.public_cache import cached_public_page
from datacollection import selectors as collection_selectors
from reports import statistics as published_statistics
from schools import selectors as school_selectors

HOME_NEWS = 5


@cached_public_page
def home(request):
    """The public home page: the district's key figures, the latest news, the ways into the data."""
    return render(
        request,
        "aoc/home.html",
        {
            "summary": school_selectors.district_summary(),
            "news": list(selectors.published_news()[:HOME_NEWS]),
            "open_rounds": list(collection_selectors.open_rounds()),
            "publication": published_statistics.current_publication(),
        },
    )


def healthz(request):
    """For load balancers and monitoring: ``ok`` when the database answers, 503 otherwise. Never cached."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    else:
        response = HttpResponse("ok\n", content_type="text/plain")
    add_never_cache_headers(response)
    return response


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
            "can_manage_news": permissions.can_manage_news(user),
            "can_read_feedback": permissions.can_read_feedback(user),
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


# --- News and announcements: public ---------------------------------------------------------------

NEWS_PAGE_SIZE = 15


@require_GET
@cached_public_page
def news_list(request):
    category = request.GET.get("category", "")
    if category not in NewsItem.Category.values:
        category = ""
    page = Paginator(selectors.published_news(category=category), NEWS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = f"category={category}" if category else ""
    return render(
        request,
        "aoc/news_list.html",
        {"page": page, "category": category, "categories": NewsItem.Category.choices, "query": query},
    )


@require_GET
@cached_public_page
def news_detail(request, pk):
    item = get_object_or_404(selectors.published_news(), pk=pk)
    return render(request, "aoc/news_detail.html", {"item": item})


# --- News and announcements: district staff -------------------------------------------------------


def _news_for_writer(user, pk) -> NewsItem:
    if not permissions.can_manage_news(user):
        raise PermissionDenied
    return get_object_or_404(NewsItem, pk=pk)


@require_GET
@permissions.require(permissions.can_manage_news)
def staff_news_list(request):
    page = Paginator(selectors.news_for_staff(), 30).get_page(request.GET.get("page"))
    return render(request, "aoc/staff_news_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@permissions.require(permissions.can_manage_news)
def staff_news_form(request, pk=None):
    item = _news_for_writer(request.user, pk) if pk is not None else None
    initial = (
        {"title": item.title, "body": item.body, "category": item.category, "pinned": item.pinned}
        if item
        else {}
    )
    form = NewsForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {name: data[name] for name in ("title", "body", "category", "pinned")}
        try:
            if item is None:
                item = services.news_create(
                    actor=request.user,
                    attachment=data["attachment"],
                    publish=request.POST.get("action") == "publish",
                    **fields,
                )
                messages.success(request, _("บันทึกข่าวแล้ว"))
            else:
                services.news_update(
                    item,
                    actor=request.user,
                    attachment=data["attachment"],
                    remove_attachment=data["remove_attachment"],
                    **fields,
                )
                messages.success(request, _("บันทึกการแก้ไขแล้ว"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("staff-news-list")
    return render(request, "aoc/staff_news_form.html", {"form": form, "item": item})


def _news_change(request, pk, service, done: str):
    """``service(item, actor=…)`` on a news item the user may write, then back to the list with ``done``
    (``%(title)s`` is the item's title) or the service's refusal as an error message."""
    item = _news_for_writer(request.user, pk)
    try:
        service(item, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done % {"title": item.title})
    return redirect("staff-news-list")


@require_POST
@permissions.require(permissions.can_manage_news)
def staff_news_publish(request, pk):
    return _news_change(request, pk, services.news_publish, _("เผยแพร่ “%(title)s” แล้ว"))


@require_POST
@permissions.require(permissions.can_manage_news)
def staff_news_unpublish(request, pk):
    return _news_change(request, pk, services.news_unpublish, _("นำ “%(title)s” ออกจากหน้าเว็บไซต์แล้ว"))


# --- The satisfaction survey ----------------------------------------------------------------------


def _client_address(request) -> str:
    """The visitor's address for the rate limit: the first of the headers the deployment names for it
    (``AXES_IP_HEADERS``, as for login lock-outs: behind the proxy, the one the proxy sets; else
    REMOTE_ADDR). Of a list (X-Forwarded-For) the last entry, the one the nearest proxy added."""
    for header in getattr(settings, "AXES_IPWARE_META_PRECEDENCE_ORDER", ["REMOTE_ADDR"]):
        value = request.META.get(header, "").split(",")[-1].strip()
        if value:
            return value
    return ""


@require_http_methods(["GET", "POST"])
def feedback_form(request):
    """Anonymous: a few 1–5 ratings and a comment. Not cached (it carries a CSRF token)."""
    form = FeedbackForm(request.POST or None, initial={"page": request.GET.get("about", "")[:300]})
    if request.method == "POST" and form.is_valid():
        if not form.is_bot:  # a filled honeypot is thanked like anyone else, and nothing is kept
            try:
                services.feedback_submit(
                    client_key=services.feedback_client_key(_client_address(request)),
                    page=form.cleaned_data["page"],
                    comment=form.cleaned_data["comment"],
                    **form.ratings(),
                )
            except services.TooManyAnswers as exc:
                form.add_error(None, exc)
                return render(request, "aoc/feedback_form.html", {"form": form}, status=429)
        return render(request, "aoc/feedback_thanks.html")
    return render(request, "aoc/feedback_form.html", {"form": form})


def _feedback_month(request) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        return None


@require_GET
@permissions.require(permissions.can_read_feedback)
@cache_control(private=True, no_store=True)
def feedback_results(request):
    month = _feedback_month(request)
    answers = selectors.feedback_list(month=month)
    comments = Paginator(answers.exclude(comment=""), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "aoc/feedback_results.html",
        {
            "month": month,
            "results": selectors.feedback_results(answers),
            "by_month": selectors.feedback_by_month(),
            "comments": comments,
            "query": f"month={month:%Y-%m}" if month else "",
        },
    )


def _spreadsheet_safe(text: str) -> str:
    """Text typed by anonymous visitors, made inert for spreadsheets: a cell that starts like a formula
    (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a leading apostrophe (OWASP, CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
@permissions.require(permissions.can_read_feedback)
@cache_control(private=True, no_store=True)
def feedback_export(request):
    """Every answer (of a month, if one is chosen) as CSV, UTF-8 with BOM so that Excel reads Thai."""
    month = _feedback_month(request)
    answers = selectors.feedback_list(month=month).order_by("created_at", "id")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"feedback-{month:%Y-%m}.csv" if month else "feedback.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    aspects = [field for field, _label in Feedback.ASPECTS]
    writer.writerow(
        [_("เวลา"), *[str(label) for _field, label in Feedback.ASPECTS], _("ข้อเสนอแนะ"), _("หน้าที่เกี่ยวข้อง")]
    )
    for answer in answers.iterator():
        created = timezone.localtime(answer.created_at)
        writer.writerow(
            [
                created.isoformat(timespec="minutes"),
                *[getattr(answer, f) for f in aspects],
                _spreadsheet_safe(answer.comment),
                _spreadsheet_safe(answer.page),
            ]
        )
    audit_log(
        request.user,
        "aoc.feedback.exported",
        None,
        {"month": f"{month:%Y-%m}" if month else "", "rows": answers.count()},
    )
    return response
