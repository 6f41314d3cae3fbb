import uuid

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aoc.forms import add_service_errors
from aoc.permissions import can_manage_registry, is_staff_user, require
from aoc.public_cache import cached_public_page
from reports import statistics as published_statistics
from schools import permissions, selectors, services
from schools.forms import (
    DataOfficerForm,
    DirectoryFilterForm,
    PhotoEditForm,
    PhotoForm,
    RegistryImportForm,
    SchoolForm,
)
from schools.models import School
from schools.resources import SchoolResource, import_schools, read_registry_file

PAGE_SIZE = 25


def _filtered_page(request, queryset_for):
    """Shared by the public directory and the staff registry: the filter form, one page of schools
    with their sizes, and the query string to keep when paging."""
    scheme = selectors.default_size_scheme()
    form = DirectoryFilterForm(request.GET or None, scheme=scheme)
    queryset = queryset_for(scheme=scheme, **form.filters())
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.attach_sizes(page.object_list, scheme)
    query = request.GET.copy()
    query.pop("page", None)
    return {"form": form, "page": page, "query": query.urlencode()}


# --- Public pages -----------------------------------------------------------------------------------


@cached_public_page
def directory(request):
    context = _filtered_page(request, selectors.school_directory)
    # htmx asks for the results only; a history restore (back button after a cache miss) needs the page.
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    template = "schools/partials/directory_results.html" if partial else "schools/directory.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@cached_public_page
def profile(request, code):
    school = get_object_or_404(
        selectors.with_enrolment(School.objects.select_related("amphoe", "branch_of")), code=code
    )
    [school] = selectors.attach_sizes([school])
    return render(
        request,
        "schools/profile.html",
        {
            "school": school,
            "photos": selectors.public_photos(school),
            "branches": school.branches.order_by("name_th"),
            "can_see_registry": selectors.schools_for_user(request.user).filter(pk=school.pk).exists(),
            "published_figures": published_statistics.school_figures(school.code),
        },
    )


# --- Staff: the registry ----------------------------------------------------------------------------


@require(is_staff_user)
def registry_list(request):
    def in_scope(**filters):
        return selectors.school_registry_list(user=request.user, **filters)

    context = _filtered_page(request, in_scope)
    context["can_manage_registry"] = can_manage_registry(request.user)
    return render(request, "schools/registry_list.html", context)


@require(is_staff_user)
def registry_detail(request, code):
    school = permissions.get_school_for_user(request.user, code)
    [school] = selectors.attach_sizes(
        selectors.with_enrolment(School.objects.filter(pk=school.pk).select_related("amphoe", "branch_of"))
    )
    return render(
        request,
        "schools/registry_detail.html",
        {
            "school": school,
            "officers": school.officers.select_related("user"),
            "photos": school.photos.all(),
            "enrolment": school.enrolment.all()[:10],
            "memberships": school.memberships.select_related("user"),
            "can_edit": permissions.can_edit_school(request.user, school),
            "can_manage_officers": permissions.can_manage_officers(request.user, school),
            "can_manage_photos": permissions.can_manage_photos(request.user, school),
        },
    )


@require(is_staff_user)
@require_http_methods(["GET", "POST"])
def school_edit(request, code):
    school = permissions.get_school_for_user(request.user, code, write=True)
    form = SchoolForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        try:
            services.school_update(school, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("บันทึกข้อมูลโรงเรียนแล้ว"))
            return redirect("schools:registry-detail", code=school.code)
    return render(request, "schools/school_form.html", {"school": school, "form": form})


@require(is_staff_user)
@require_http_methods(["GET", "POST"])
def officer_form(request, code, pk=None):
    if pk is None:
        school = permissions.get_school_for_user(request.user, code)
        if not permissions.can_manage_officers(request.user, school):
            raise PermissionDenied
        officer = None
    else:
        officer = permissions.get_officer_for_user(request.user, pk, write=True)
        school = officer.school
        if school.code != code:
            raise Http404
    form = DataOfficerForm(request.POST or None, instance=officer, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            services.officer_save(school, actor=request.user, officer=officer, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("บันทึกทะเบียนเจ้าหน้าที่แล้ว"))
            return redirect("schools:registry-detail", code=school.code)
    return render(request, "schools/officer_form.html", {"school": school, "form": form, "officer": officer})


@require(is_staff_user)
@require_POST
def officer_delete(request, code, pk):
    officer = permissions.get_officer_for_user(request.user, pk, write=True)
    services.officer_delete(officer, actor=request.user)
    messages.success(request, _("ลบรายชื่อออกจากทะเบียนแล้ว"))
    return redirect("schools:registry-detail", code=officer.school.code)


@require(is_staff_user)
@require_http_methods(["GET", "POST"])
def photo_add(request, code):
    school = permissions.get_school_for_user(request.user, code)
    if not permissions.can_manage_photos(request.user, school):
        raise PermissionDenied
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.photo_add(
                school,
                actor=request.user,
                image=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
                is_public=form.cleaned_data["is_public"],
            )
        except ValidationError as exc:
            form.add_error("image", exc)
        else:
            messages.success(request, _("เพิ่มรูปแล้ว"))
            return redirect("schools:registry-detail", code=school.code)
    return render(request, "schools/photo_form.html", {"school": school, "form": form})


@require(is_staff_user)
@require_http_methods(["GET", "POST"])
def photo_edit(request, code, pk):
    photo = permissions.get_photo_for_user(request.user, pk, write=True)
    form = PhotoEditForm(request.POST or None, instance=photo)
    if request.method == "POST" and form.is_valid():
        services.photo_update(photo, actor=request.user, **form.cleaned_data)
        messages.success(request, _("บันทึกรูปแล้ว"))
        return redirect("schools:registry-detail", code=photo.school.code)
    return render(request, "schools/photo_form.html", {"school": photo.school, "form": form, "photo": photo})


@require(is_staff_user)
@require_POST
def photo_delete(request, code, pk):
    photo = permissions.get_photo_for_user(request.user, pk, write=True)
    services.photo_delete(photo, actor=request.user)
    messages.success(request, _("ลบรูปแล้ว"))
    return redirect("schools:registry-detail", code=photo.school.code)


# --- Staff: registry import and export --------------------------------------------------------------

IMPORT_CACHE_SECONDS = 60 * 60


@require(can_manage_registry)
@require_http_methods(["GET", "POST"])
def registry_import(request):
    """Step 1 uploads and validates every row (a dry run); step 2 writes them all, or none."""
    form = RegistryImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and "token" in request.POST:
        stored = cache.get(f"registry-import:{request.user.pk}:{request.POST['token']}")
        if stored is None:
            messages.error(request, _("ไฟล์ที่ตรวจสอบไว้หมดอายุแล้ว กรุณาอัปโหลดใหม่"))
            return redirect("schools:registry-import")
        name, content = stored
        dataset = read_registry_file(SimpleUploadedFile(name, content))
        result = import_schools(dataset, actor=request.user, dry_run=False, file_name=name)
        if result.has_errors() or result.has_validation_errors():
            context.update(result=result, file_name=name)
            messages.error(request, _("นำเข้าไม่สำเร็จ ไม่มีข้อมูลใดถูกบันทึก"))
        else:
            cache.delete(f"registry-import:{request.user.pk}:{request.POST['token']}")
            messages.success(
                request,
                _("นำเข้าแล้ว: เพิ่ม %(new)d แก้ไข %(update)d ไม่เปลี่ยน %(skip)d")
                % {
                    "new": result.totals["new"],
                    "update": result.totals["update"],
                    "skip": result.totals["skip"],
                },
            )
            return redirect("schools:registry-list")
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            dataset = read_registry_file(upload)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            result = import_schools(dataset, actor=request.user, dry_run=True, file_name=upload.name)
            context.update(result=result, file_name=upload.name)
            if not (result.has_errors() or result.has_validation_errors()):
                token = uuid.uuid4().hex
                upload.seek(0)
                cache.set(
                    f"registry-import:{request.user.pk}:{token}",
                    (upload.name, upload.read()),
                    IMPORT_CACHE_SECONDS,
                )
                context["token"] = token
    return render(request, "schools/registry_import.html", context)


@require(is_staff_user)
def registry_export(request):
    file_format = request.GET.get("format", "xlsx")
    if file_format not in ("xlsx", "csv"):
        raise Http404
    queryset = (
        selectors.schools_for_user(request.user).select_related("amphoe", "branch_of").order_by("smis_code")
    )
    dataset = SchoolResource().export(queryset=queryset)
    stamp = timezone.localdate().isoformat()
    if file_format == "csv":
        body = "\ufeff" + dataset.csv  # with a BOM, so that Excel opens Thai text correctly
        content_type = "text/csv; charset=utf-8"
    else:
        body = dataset.xlsx
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="schools-{stamp}.{file_format}"'
    return response
