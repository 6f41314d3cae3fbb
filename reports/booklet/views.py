"""The booklet pages: staff start builds and download every version; anyone downloads published ones."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aoc.forms import add_service_errors
from aoc.permissions import require
from reports.models import Booklet

from . import services
from .forms import BookletRequestForm
from .permissions import can_build_booklet, can_view_booklets, get_booklet_for_user, get_public_booklet


def _staff_list_context(request, form):
    booklets = list(Booklet.objects.select_related("publication__round", "built_by").order_by("-created_at"))
    return {
        "form": form,
        "booklets": booklets,
        "can_build": can_build_booklet(request.user),
    }


@require_http_methods(["GET"])
@require(can_view_booklets)
def booklet_list(request):
    form = BookletRequestForm() if can_build_booklet(request.user) else None
    return render(request, "reports/booklet_list.html", _staff_list_context(request, form))


@require_POST
@require(can_build_booklet)
def booklet_start(request):
    form = BookletRequestForm(request.POST)
    if form.is_valid():
        try:
            booklet = services.booklet_request(form.cleaned_data["publication"], actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("เริ่มจัดทำเอกสารปีการศึกษา %(year)s ฉบับที่ %(version)s แล้ว")
                % {"year": booklet.year, "version": booklet.version},
            )
            return redirect("booklets:list")
    return render(request, "reports/booklet_list.html", _staff_list_context(request, form), status=400)


@require_GET
@require(can_view_booklets)
def booklet_progress(request, pk):
    """The progress bar (htmx asks every second); once the build ends the page reloads."""
    booklet = get_booklet_for_user(request.user, pk)
    if booklet.is_finished:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "reports/partials/booklet_progress.html", {"booklet": booklet})


@require_GET
@require(can_view_booklets)
def booklet_download(request, pk):
    booklet = get_booklet_for_user(request.user, pk)
    if not booklet.is_public:  # built, with its file
        raise Http404
    return _file_response(booklet)


@require_GET
def public_booklet_list(request):
    booklets = Booklet.objects.filter(status=Booklet.Status.DONE).select_related("publication__round")
    return render(
        request, "reports/booklet_public.html", {"booklets": booklets.order_by("-year", "-version")}
    )


@require_GET
def public_booklet_download(request, year, version):
    booklet = Booklet.objects.filter(year=year, version=version).values_list("pk", flat=True).first()
    if booklet is None:
        raise Http404
    return _file_response(get_public_booklet(booklet))


def _file_response(booklet):
    try:
        handle = booklet.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=False,
        filename=booklet.filename,
        content_type="application/pdf",
    )
