"""Booklets: request a build (a new version), build it (the task and ``build_booklet`` call this)."""

import datetime
import logging
import tempfile
import traceback
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from aoc.audit import audit_log
from reports.models import Booklet, Publication

from . import render
from .permissions import can_build_booklet
from .sources import booklet_content

logger = logging.getLogger(__name__)

# Progress shown on the page: (percent, stage) when each step starts; the layout moves from LAYOUT_FROM
# to LAYOUT_TO part by part (render.write_booklet).
STAGE_DATA = (5, "กำลังรวบรวมข้อมูลจากการเผยแพร่")
STAGE_LAYOUT = (10, "กำลังจัดหน้า")
LAYOUT_FROM, LAYOUT_TO = 10, 95
STAGE_SAVE = (97, "กำลังบันทึกไฟล์")


@transaction.atomic
def booklet_request(publication: Publication, *, actor) -> Booklet:
    """Queue a new version of the booklet of ``publication``'s academic year."""
    if not can_build_booklet(actor):
        raise PermissionDenied
    # Two clicks at once on the same data wait for each other here; the version number is also unique
    # per year in the database.
    publication = (
        Publication.objects.select_for_update(of=("self",)).select_related("round").get(pk=publication.pk)
    )
    year = publication.round.academic_year
    list(Booklet.objects.select_for_update().filter(year=year).values_list("pk", flat=True))
    _give_up_stale(publication)
    if Booklet.objects.filter(
        publication=publication, status__in=[Booklet.Status.QUEUED, Booklet.Status.RUNNING]
    ).exists():
        raise ValidationError("เอกสารของข้อมูลชุดนี้กำลังจัดทำอยู่ รอให้เสร็จก่อนสั่งใหม่")
    version = (Booklet.objects.filter(year=year).aggregate(n=Max("version"))["n"] or 0) + 1
    booklet = Booklet.objects.create(year=year, publication=publication, version=version, built_by=actor)
    audit_log(
        actor,
        "reports.booklet.requested",
        booklet,
        {"year": year, "version": version, "publication": publication.pk, "round": publication.round.slug},
    )
    from reports.tasks import booklet_build  # the task module imports this one

    transaction.on_commit(lambda: booklet_build.delay(booklet.pk))
    return booklet


def _give_up_stale(publication: Publication) -> None:
    """A build still queued or running long after it started was lost (the broker dropped its task, the
    worker died): mark it failed, so that it no longer blocks a new build of the same data."""
    cutoff = timezone.now() - datetime.timedelta(minutes=settings.BOOKLET_STALE_MINUTES)
    stale = Booklet.objects.filter(publication=publication).filter(
        Q(status=Booklet.Status.QUEUED, created_at__lt=cutoff)
        | Q(status=Booklet.Status.RUNNING, started_at__lt=cutoff)
    )
    for booklet in stale:
        booklet.status = Booklet.Status.FAILED
        booklet.stage = "ไม่สำเร็จ"
        booklet.error = (
            f"ไม่เสร็จภายใน {settings.BOOKLET_STALE_MINUTES} นาที: งานหายจากคิวหรือเครื่องประมวลผลหยุดทำงาน"
        )
        booklet.finished_at = timezone.now()
        booklet.save(update_fields=["status", "stage", "error", "finished_at"])
        audit_log(None, "reports.booklet.abandoned", booklet, {"minutes": settings.BOOKLET_STALE_MINUTES})


def _set_progress(booklet_id, percent, stage):
    Booklet.objects.filter(pk=booklet_id).update(progress=percent, stage=stage)


def render_booklet(publication, target, *, report=lambda percent, stage: None) -> int:
    """Lay out and write the booklet of ``publication`` to ``target`` (a path or binary file), reporting
    progress as (percent, stage). Returns the number of pages."""
    report(*STAGE_DATA)
    content = booklet_content(publication)
    report(*STAGE_LAYOUT)

    def parts_done(done, total):
        percent = LAYOUT_FROM + (LAYOUT_TO - LAYOUT_FROM) * done // total
        report(percent, f"กำลังจัดหน้า (ส่วนที่ {done} จาก {total})")

    return render.write_booklet(content, target, report=parts_done)


def booklet_build(booklet_id: int) -> Booklet:
    """Build a queued booklet. Safe to run twice: a booklet already built or failed is left alone; one
    left "running" by a worker that died is built again."""
    with transaction.atomic():
        booklet = Booklet.objects.select_for_update().select_related("publication__round").get(pk=booklet_id)
        if booklet.is_finished:
            return booklet
        booklet.status = Booklet.Status.RUNNING
        booklet.started_at = timezone.now()
        booklet.progress, booklet.stage = 1, "เริ่มจัดทำ"
        booklet.save(update_fields=["status", "started_at", "progress", "stage"])

    def report(percent, stage):
        _set_progress(booklet.pk, percent, stage)

    try:
        with tempfile.TemporaryDirectory(prefix="booklet-") as tmp:
            path = Path(tmp) / booklet.filename
            pages = render_booklet(booklet.publication, path, report=report)
            report(*STAGE_SAVE)
            with path.open("rb") as handle, transaction.atomic():
                booklet = Booklet.objects.select_for_update().get(pk=booklet.pk)
                booklet.file.save(booklet.filename, File(handle), save=False)
                booklet.pages = pages
                booklet.size = path.stat().st_size
                booklet.status = Booklet.Status.DONE
                booklet.progress, booklet.stage = 100, "เสร็จแล้ว"
                booklet.finished_at = timezone.now()
                booklet.save()
                audit_log(
                    None,
                    "reports.booklet.built",
                    booklet,
                    {"pages": pages, "size": booklet.size, "seconds": _seconds(booklet)},
                )
    except Exception as error:
        logger.exception("booklet %s failed", booklet.pk)
        Booklet.objects.filter(pk=booklet.pk).update(
            status=Booklet.Status.FAILED,
            error=f"{type(error).__name__}: {error}\n\n{traceback.format_exc(limit=5)}",
            stage="ไม่สำเร็จ",
            finished_at=timezone.now(),
        )
        booklet.refresh_from_db()
        audit_log(None, "reports.booklet.failed", booklet, {"error": f"{type(error).__name__}: {error}"})
    return booklet


def _seconds(booklet):
    return round((booklet.finished_at - booklet.started_at).total_seconds(), 1)
