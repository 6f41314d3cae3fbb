"""Pages of the school map: the public map and a school's popup, the staff chase board on a map, and the
updates a school proposes (location, photos) with their review by district staff.

Every staff view follows the same steps: the access helper (404 outside the user's scope, 403 for a role
that may not), a form for the shape of the input, the service, then a redirect with a message."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aoc.forms import add_service_errors
from aoc.permissions import is_staff_user, require
from aoc.public_cache import cached_public_page
from datacollection.models import Submission
from gis import permissions, selectors, services
from gis.forms import LocationForm, MapFilterForm, PhotoProposalForm, ProposalFilterForm, ReviewForm
from gis.models import Proposal
from schools import selectors as school_selectors
from schools.models import School

PAGE_SIZE = 25

# Marker colours. Each category also has its text label in the legend and the popup, so that colour is
# never the only sign.
LEVEL_COLOURS = {
    School.Level.KINDER_PRIMARY: "#1f5fa8",
    School.Level.KINDER_LOWER_SECONDARY: "#0f7a6e",
    School.Level.PRIMARY: "#c26a00",
    School.Level.PRIMARY_LOWER_SECONDARY: "#7b3fc4",
}
SIZE_PALETTE = ("#2e9e6b", "#1f5fa8", "#7b3fc4", "#c0266d", "#c26a00", "#0f7a6e", "#5b6675")
NO_SIZE_COLOURS = {school_selectors.NO_STUDENTS: "#6b7280", school_selectors.NO_DATA: "#a3acb9"}
STATUS_COLOURS = {
    Submission.Status.NOT_STARTED: "#8a94a3",
    Submission.Status.DRAFT: "#1f5fa8",
    Submission.Status.SUBMITTED: "#d99a00",
    Submission.Status.RETURNED: "#c2410c",
    Submission.Status.ACCEPTED: "#1e8e3e",
}


def _tiles() -> dict:
    """The tile server from ``LEAFLET_CONFIG["TILES"]``: a URL, or django-leaflet's list of
    ``(name, url, options)``. Only the tiles come from outside the portal."""
    tiles = settings.LEAFLET_CONFIG.get("TILES") or ""
    options = {}
    if isinstance(tiles, list | tuple) and tiles:
        first = tiles[0]
        url = first[1] if isinstance(first, list | tuple) else first
        options = dict(first[2]) if isinstance(first, list | tuple) and len(first) > 2 else {}
    else:
        url = str(tiles)
    attribution = options.get("attribution", "")
    if not attribution and "openstreetmap.org" in url:
        attribution = (
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
        )
    return {"url": url, "attribution": attribution, "subdomains": options.get("subdomains", "abc")}


def _base_config() -> dict:
    leaflet = settings.LEAFLET_CONFIG
    south, west, north, east = settings.PROVINCE_BOUNDS
    return {
        "tiles": _tiles(),
        "center": list(leaflet.get("DEFAULT_CENTER", ((south + north) / 2, (west + east) / 2))),
        "zoom": leaflet.get("DEFAULT_ZOOM", 10),
        "minZoom": leaflet.get("MIN_ZOOM", 5),
        "maxZoom": leaflet.get("MAX_ZOOM", 18),
        "bounds": [[south, west], [north, east]],
        "text": {
            "tilesFailed": _(
                "โหลดภาพแผนที่พื้นหลังไม่ได้ (อาจไม่มีอินเทอร์เน็ตหรือเครื่องแม่ข่ายแผนที่ไม่ตอบ) "
                "ยังค้นหา กรอง และดูรายชื่อโรงเรียนได้ตามปกติ"
            ),
            "loading": _("กำลังโหลดข้อมูลโรงเรียน…"),
            "loadFailed": _("โหลดข้อมูลโรงเรียนไม่สำเร็จ กรุณาลองใหม่อีกครั้ง"),
            "popupFailed": _("โหลดรายละเอียดไม่สำเร็จ"),
            "count": _("แสดง {shown} จาก {total} แห่ง"),
            "listLimited": _("แสดงรายชื่อ {n} แห่งแรก พิมพ์ชื่อหรือรหัสเพื่อค้นหา"),
            "noResults": _("ไม่พบโรงเรียนที่ตรงกับการค้นหา"),
            "noLocation": _("ยังไม่มีพิกัด"),
            "profile": _("ดูข้อมูลโรงเรียน"),
            "pause": _("หยุดเลื่อนรูป"),
            "play": _("เลื่อนรูปอัตโนมัติ"),
            "close": _("ปิด"),
            "closeNote": _("ปิดข้อความนี้"),
        },
    }


def _category(value, label, colour, **extra) -> dict:
    return {"value": value, "label": str(label), "colour": colour, **extra}


# --- The public map ---------------------------------------------------------------------------------


@require_GET
@cached_public_page
def school_map(request):
    """Every open school on a map, clustered, coloured by level or size, with filters and a search box.
    The list and the search work from the data alone, without the map tiles."""
    scheme = school_selectors.default_size_scheme()
    amphoes = list(school_selectors.amphoe_list())
    sizes = school_selectors.size_choices(scheme)
    form = MapFilterForm(request.GET or None, amphoes=amphoes, size_choices=sizes)
    initial = form.cleaned_data if form.is_bound and form.is_valid() else {}
    band_codes = [code for code, _label in sizes if code not in NO_SIZE_COLOURS]
    colour_by = request.GET.get("colour", "level")
    config = _base_config() | {
        "mode": "public",
        "dataUrl": reverse("api:schools-geojson"),
        "popupUrl": reverse("gis:popup", kwargs={"code": "0"})[:-2] + "{code}/",
        "colourBy": colour_by if colour_by in ("level", "size") else "level",
        "colourModes": [
            {
                "key": "level",
                "property": "level",
                "label": _("ระดับที่เปิดสอน"),
                "categories": [
                    _category(value, label, LEVEL_COLOURS[value]) for value, label in School.Level.choices
                ],
            },
            {
                "key": "size",
                "property": "size",
                "label": _("ขนาดโรงเรียน"),
                "categories": [
                    _category(
                        code,
                        label,
                        NO_SIZE_COLOURS.get(code) or SIZE_PALETTE[band_codes.index(code) % len(SIZE_PALETTE)],
                    )
                    for code, label in sizes
                ],
            },
        ],
        "filters": [
            {"name": "amphoe", "property": "amphoe", "value": initial.get("amphoe", "")},
            {"name": "level", "property": "level", "value": initial.get("level", "")},
            {"name": "size", "property": "size", "value": initial.get("size", "")},
        ],
        "search": ["name", "name_en", "code", "smis_code", "obec_code"],
        "query": request.GET.get("q", "")[:100],
    }
    context = {
        "form": form,
        "config": config,
        "colour_modes": config["colourModes"],
        "colour_by": config["colourBy"],
        "is_staff": is_staff_user(request.user),
        "can_review": permissions.can_review(request.user),
    }
    if context["can_review"]:
        context["pending"] = selectors.pending_count(user=request.user)
    return render(request, "gis/map.html", context)


@require_GET
@cached_public_page
def school_popup(request, code):
    """The popup of one open school (an HTML fragment): public facts, its latest enrolment figure with
    date and source, and a slideshow of its public photos."""
    queryset = school_selectors.with_enrolment(school_selectors.open_schools().select_related("amphoe"))
    school = get_object_or_404(queryset, code=code)
    [school] = school_selectors.attach_sizes([school])
    return render(
        request,
        "gis/partials/popup.html",
        {"school": school, "photos": list(school_selectors.public_photos(school))},
    )


# --- Staff: the chase board on a map -----------------------------------------------------------------


@require_GET
@require(is_staff_user)
def staff_map(request):
    """The schools of an open round on a map, coloured by the state of their submission; late schools
    stand out. The round is chosen among the open ones (nearest deadline first)."""
    rounds = list(selectors.chase_rounds())
    slug = request.GET.get("round", "")
    round_ = next((r for r in rounds if r.slug == slug), None) if slug else (rounds[0] if rounds else None)
    if slug and round_ is None:
        raise Http404
    context = {"rounds": rounds, "round": round_, "can_review": permissions.can_review(request.user)}
    if round_ is not None:
        amphoes = list(school_selectors.amphoe_list())
        context["config"] = _base_config() | {
            "mode": "chase",
            "dataUrl": reverse("gis:staff-map-data", kwargs={"slug": round_.slug}),
            "popupUrl": None,
            "colourBy": "status",
            "colourModes": [
                {
                    "key": "status",
                    "property": "status",
                    "label": _("สถานะการส่งข้อมูล"),
                    "categories": [
                        _category(value, label, STATUS_COLOURS[value])
                        for value, label in Submission.Status.choices
                    ],
                }
            ],
            "filters": [
                {"name": "amphoe", "property": "amphoe", "value": ""},
                {"name": "status", "property": "status", "value": ""},
                {"name": "overdue", "property": "overdue", "value": "", "boolean": True},
            ],
            "search": ["name", "code"],
            "query": "",
            "text": _base_config()["text"]
            | {
                "overdue": _("เลยกำหนดส่ง"),
                "notExpected": _("ปิด/ยุบรวม ไม่นับ"),
                "lastActivity": _("ความเคลื่อนไหวล่าสุด"),
                "open": _("เปิดหน้าการส่งข้อมูล"),
            },
        }
        context["amphoes"] = amphoes
        context["statuses"] = Submission.Status.choices
    return render(request, "gis/staff_map.html", context)


@require_GET
@require(is_staff_user)
@cache_control(private=True, no_store=True)
def staff_map_data(request, slug):
    """The chase board of one open round as GeoJSON, in the user's scope (not public, not cached)."""
    round_ = next((r for r in selectors.chase_rounds() if r.slug == slug), None)
    if round_ is None:
        raise Http404
    features = []
    for submission in selectors.chase_board(user=request.user, round_=round_):
        school = submission.school
        geometry = None
        if school.has_location:
            geometry = {"type": "Point", "coordinates": [float(school.longitude), float(school.latitude)]}
        features.append(
            {
                "type": "Feature",
                "id": school.code,
                "geometry": geometry,
                "properties": {
                    "code": school.code,
                    "name": school.name_th,
                    "amphoe": school.amphoe.dopa_code,
                    "amphoe_name": school.amphoe.name_th,
                    "status": submission.status,
                    "status_label": submission.get_status_display(),
                    "overdue": submission.overdue,
                    "expected": submission.expected,
                    "last_activity_at": (
                        submission.last_activity_at.isoformat() if submission.last_activity_at else None
                    ),
                    "url": reverse(
                        "datacollection:submission-detail", kwargs={"slug": round_.slug, "code": school.code}
                    ),
                },
            }
        )
    return JsonResponse(
        {"type": "FeatureCollection", "features": features},
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )


# --- Updates a school proposes, and their review -----------------------------------------------------


@require_GET
@require(is_staff_user)
def school_updates(request, code):
    """A school's proposed locations and photos, with their state; the ways to propose new ones."""
    school = permissions.get_school_for_user(request.user, code)
    [school] = school_selectors.attach_sizes(
        school_selectors.with_enrolment(School.objects.filter(pk=school.pk).select_related("amphoe"))
    )
    proposals = selectors.proposal_list(user=request.user, school=school)
    return render(
        request,
        "gis/school_updates.html",
        {
            "school": school,
            "proposals": proposals,
            "can_propose": permissions.can_propose(request.user, school),
            "can_review": permissions.can_review(request.user),
            "public_photos": list(school_selectors.public_photos(school)),
        },
    )


@require_http_methods(["GET", "POST"])
@require(is_staff_user)
def location_propose(request, code):
    """Place a pin on the map (or type the coordinates); district staff review it before it is public."""
    school = permissions.get_school_for_user(request.user, code, propose=True)
    form = LocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.location_propose(
                school,
                actor=request.user,
                latitude=form.cleaned_data["latitude"],
                longitude=form.cleaned_data["longitude"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error("latitude", exc)
        except services.ProposalError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("ส่งพิกัดให้เขตพื้นที่ตรวจแล้ว พิกัดจะแสดงบนแผนที่เมื่อได้รับอนุมัติ"))
            return redirect("gis:proposal-detail", pk=proposal.pk)
    config = _base_config() | {
        "current": [float(school.latitude), float(school.longitude)] if school.has_location else None,
        "text": _base_config()["text"]
        | {
            "tilesFailed": _(
                "โหลดภาพแผนที่พื้นหลังไม่ได้ (อาจไม่มีอินเทอร์เน็ต) ยังแตะเพื่อปักหมุดในกรอบนี้ได้ "
                "หรือพิมพ์พิกัด เช่น จากแอปแผนที่ในโทรศัพท์"
            ),
            "outside": _("จุดนี้อยู่นอกกรอบพิกัดของจังหวัดสงขลา"),
            "swapped": _("ดูเหมือนใส่ละติจูดและลองจิจูดสลับกัน"),
            "current": _("ตำแหน่งในทะเบียนปัจจุบัน"),
            "proposed": _("ตำแหน่งที่เสนอ (ลากเพื่อปรับได้)"),
            "locating": _("กำลังหาตำแหน่งของเครื่อง…"),
            "locateFailed": _("หาตำแหน่งของเครื่องไม่ได้ กรุณาแตะบนแผนที่หรือพิมพ์พิกัดแทน"),
            "bounds": _("กรอบพิกัดที่รับได้ (จังหวัดสงขลา)"),
        },
    }
    pending = selectors.proposal_list(
        user=request.user, school=school, kind=Proposal.Kind.LOCATION, status=Proposal.Status.PENDING
    ).first()
    return render(
        request,
        "gis/location_form.html",
        {"school": school, "form": form, "config": config, "pending": pending},
    )


@require_http_methods(["GET", "POST"])
@require(is_staff_user)
def photo_propose(request, code):
    school = permissions.get_school_for_user(request.user, code, propose=True)
    form = PhotoProposalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.photo_propose(
                school,
                actor=request.user,
                image=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error("image", exc)
        else:
            messages.success(request, _("ส่งรูปให้เขตพื้นที่ตรวจแล้ว รูปจะเผยแพร่เมื่อได้รับอนุมัติ"))
            return redirect("gis:proposal-detail", pk=proposal.pk)
    return render(request, "gis/photo_form.html", {"school": school, "form": form})


@require_GET
@require(is_staff_user)
def proposal_list(request):
    """The review queue (pending first by default for reviewers), or a school officer's own proposals."""
    reviewer = permissions.can_review(request.user)
    data = request.GET.copy()
    if reviewer and "status" not in data:
        data["status"] = Proposal.Status.PENDING
    form = ProposalFilterForm(data)
    proposals = selectors.proposal_list(user=request.user, **form.filters())
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    query = data.copy()
    query.pop("page", None)
    return render(
        request,
        "gis/proposal_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "can_review": reviewer},
    )


@require_GET
@require(is_staff_user)
@cache_control(private=True, no_store=True)
def proposal_detail(request, pk):
    proposal = permissions.get_proposal_for_user(request.user, pk)
    return _detail(request, proposal)


def _detail(request, proposal, review_form=None, status=200):
    can_review = permissions.can_review(request.user) and proposal.is_pending
    config = None
    if proposal.kind == Proposal.Kind.LOCATION:
        config = _base_config() | {
            "current": (
                [float(proposal.previous_latitude), float(proposal.previous_longitude)]
                if proposal.has_previous_location
                else None
            ),
            "proposed": [float(proposal.latitude), float(proposal.longitude)],
            "readonly": True,
            "text": _base_config()["text"]
            | {
                "current": _("ตำแหน่งเดิมในทะเบียน"),
                "proposed": _("ตำแหน่งที่เสนอ"),
                "bounds": "",
                "tilesFailed": _(
                    "โหลดภาพแผนที่พื้นหลังไม่ได้ (อาจไม่มีอินเทอร์เน็ต) จุดบนกรอบนี้ยังแสดงตำแหน่งเดิมและตำแหน่งที่เสนอ"
                ),
            },
        }
    return render(
        request,
        "gis/proposal_detail.html",
        {
            "proposal": proposal,
            "school": proposal.school,
            "events": selectors.proposal_history(proposal),
            "can_review": can_review,
            "review_form": review_form or ReviewForm(),
            "config": config,
        },
        status=status,
    )


def _decide(request, pk, verb, success_message):
    proposal = permissions.get_proposal_for_user(request.user, pk, review=True)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            verb(proposal, actor=request.user, comment=form.cleaned_data["comment"])
        except services.ProposalError as exc:
            form.add_error("comment", str(exc))
        except ValidationError as exc:  # the registry refused the change (e.g. the bounds changed)
            add_service_errors(form, exc)
        else:
            messages.success(request, success_message)
            return redirect("gis:proposal-detail", pk=proposal.pk)
    proposal = permissions.get_proposal_for_user(request.user, pk)
    return _detail(request, proposal, review_form=form, status=400)


@require_POST
@require(is_staff_user)
def proposal_approve(request, pk):
    return _decide(request, pk, services.proposal_approve, _("อนุมัติแล้ว ข้อมูลบนแผนที่และหน้าโรงเรียนเปลี่ยนตามแล้ว"))


@require_POST
@require(is_staff_user)
def proposal_reject(request, pk):
    return _decide(request, pk, services.proposal_reject, _("บันทึกว่าไม่อนุมัติแล้ว และแจ้งโรงเรียนพร้อมเหตุผลแล้ว"))
