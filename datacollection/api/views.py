"""The data-collection API. Reads start from the selectors (scoped to the user); writes call the same
services and workflow verbs as the pages.

Errors: a move the workflow does not allow is a 400 ``{"detail": message}``; a role that may not do
it a 403; a school outside the user's scope (or an unknown round or school) a 404; GET on a verb a 405.
No response carries student records. The summary of an upload lists the issues found in the file
(which may quote a value of the file), so it is shown only to those who may read the school's
records: its officers and district staff.
"""

import functools
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from aoc.renderers import CSVPaginationMixin, CSVRenderer
from datacollection import permissions, selectors, services, tasks, workflow
from datacollection.api import serializers as s
from datacollection.models import Round, Submission, Upload

log = logging.getLogger(__name__)

ROUND_SLUG = OpenApiParameter(
    "round_slug", str, OpenApiParameter.PATH, description="รหัสรอบ เช่น dmc-2569-2 (จาก /api/v1/rounds/)"
)
SCHOOL_CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="รหัสโรงเรียน 10 หลัก")
ERRORS = {
    400: OpenApiResponse(s.DetailSerializer, description="ทำรายการนี้ไม่ได้ในสถานะปัจจุบัน หรือข้อมูลที่ส่งไม่ครบ"),
    403: OpenApiResponse(s.DetailSerializer, description="บทบาทนี้ทำรายการนี้ไม่ได้"),
    404: OpenApiResponse(s.DetailSerializer, description="ไม่พบรอบหรือโรงเรียน หรืออยู่นอกขอบเขตของผู้ใช้"),
}


def _error(message: str, code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"detail": str(message)}, status=code)


def _verb_schema(summary: str, request=None):
    return extend_schema(
        summary=summary,
        parameters=[SCHOOL_CODE],
        request=request,
        responses={200: OpenApiResponse(s.SubmissionSerializer, description="สถานะใหม่"), **ERRORS},
    )


@extend_schema_view(
    list=extend_schema(
        summary="ปฏิทินรอบการเก็บข้อมูล (สาธารณะ)",
        parameters=[
            OpenApiParameter("kind", str, enum=Round.Kind.values, description="ประเภทข้อมูล"),
            OpenApiParameter("year", int, description="ปีการศึกษา (พ.ศ.)"),
        ],
    ),
    retrieve=extend_schema(summary="รอบการเก็บข้อมูล (สาธารณะ)"),
)
class RoundViewSet(CSVPaginationMixin, viewsets.ReadOnlyModelViewSet):
    """Rounds and their dates: public, no school data. ``?format=csv`` gives the whole calendar."""

    serializer_class = s.RoundSerializer
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    csv_filename = "rounds"
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"

    def get_queryset(self):
        try:
            year = int(self.request.query_params.get("year", ""))
        except ValueError:  # not a number ("", "²"): no filter
            year = None
        return selectors.round_list(kind=self.request.query_params.get("kind", ""), year=year)


@extend_schema(parameters=[ROUND_SLUG])
@extend_schema_view(
    list=extend_schema(
        summary="สถานะการส่งข้อมูลของแต่ละโรงเรียนในรอบ",
        parameters=[
            OpenApiParameter("amphoe", str, description="รหัสอำเภอ (DOPA) เช่น 9011"),
            OpenApiParameter("status", str, enum=Submission.Status.values),
        ],
        responses={200: s.SubmissionSerializer(many=True), 404: ERRORS[404]},
    ),
    retrieve=extend_schema(
        summary="การส่งข้อมูลของโรงเรียนหนึ่ง",
        parameters=[SCHOOL_CODE],
        responses={200: s.SubmissionSerializer, 404: ERRORS[404]},
    ),
)
class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A round's submissions in the user's scope, and the workflow verbs on one of them."""

    serializer_class = s.SubmissionSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "code"
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Submission.objects.none()
        round_ = permissions.get_round(self.kwargs["round_slug"])
        query = self.request.query_params
        return selectors.submission_list(
            user=self.request.user,
            round_=round_,
            amphoe=query.get("amphoe", ""),
            status=query.get("status", ""),
        )

    def get_object(self) -> Submission:
        return permissions.get_submission_for_user(
            self.request.user, self.kwargs["round_slug"], self.kwargs["code"]
        )

    def _for_write(self) -> Submission:
        return permissions.get_submission_for_user(
            self.request.user, self.kwargs["round_slug"], self.kwargs["code"], write=True
        )

    # --- Upload -----------------------------------------------------------------------------------

    @extend_schema(
        summary="ส่งไฟล์ข้อมูลของโรงเรียน",
        description=(
            "ตรวจไฟล์และบันทึกทั้งหมดหรือไม่บันทึกเลย ไฟล์ขนาดเล็กตรวจทันทีและตอบผลการตรวจ (200) "
            "ไฟล์ขนาดใหญ่ตรวจในเบื้องหลังและตอบ 202 พร้อมที่อยู่สำหรับดูผล (GET /api/v1/uploads/{id}/) "
            "dry_run: ทดลองตรวจ ไม่บันทึกอะไรไว้"
        ),
        parameters=[SCHOOL_CODE],
        request={"multipart/form-data": s.UploadRequestSerializer},
        responses={
            200: OpenApiResponse(s.UploadSummarySerializer, description="ผลการตรวจ"),
            202: OpenApiResponse(s.UploadQueuedSerializer, description="กำลังตรวจในเบื้องหลัง"),
            **ERRORS,
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def upload(self, request, *args, **kwargs):
        submission = self._for_write()
        form = s.UploadRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        file, dry_run = form.validated_data["file"], form.validated_data["dry_run"]
        if not permissions.accepts_uploads(submission):
            return _error(_upload_refusal(submission))
        try:
            if dry_run:
                # Nothing is kept, so there is nothing to come back to: checked in this request.
                result = services.upload_check(submission, actor=request.user, file=file, name=file.name)
                return Response(result.as_dict())
            upload = services.upload_receive(submission, actor=request.user, file=file, name=file.name)
        except DjangoValidationError as exc:
            return _error(" ".join(exc.messages))
        if upload.size > settings.UPLOAD_INLINE_MAX_BYTES:
            transaction.on_commit(functools.partial(tasks.process_upload.delay, upload.pk))
            name = f"{request.resolver_match.namespace}:upload-detail".lstrip(":")
            url = request.build_absolute_uri(reverse(name, kwargs={"pk": upload.pk}))
            return Response(
                {"status": "processing", "upload": upload.pk, "url": url},
                status=status.HTTP_202_ACCEPTED,
                headers={"Location": url},
            )
        try:
            result = services.upload_process(upload.pk)
        except Exception:  # the upload is marked failed and the previous records are intact
            log.exception("Processing upload %s failed", upload.pk)
            return Response(
                {"detail": str(services.FAILED_MESSAGE), "upload": upload.pk},
                status=status.HTTP_500_INTERNAL_SERVER_ERROR,
            )
        return Response(result.as_dict())

    # --- Workflow verbs: the same functions as the pages -------------------------------------------

    def _verb(self, verb, request_serializer=None) -> Response:
        submission = self._for_write()
        data = {}
        if request_serializer is not None:
            form = request_serializer(data=self.request.data)
            form.is_valid(raise_exception=True)
            data = form.validated_data
        try:
            verb(submission, actor=self.request.user, **data)
        except workflow.WorkflowError as exc:
            return _error(str(exc))
        return Response(s.SubmissionSerializer(submission).data)

    @_verb_schema("ยืนยันส่งข้อมูล (เจ้าหน้าที่ข้อมูลของโรงเรียน)")
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        return self._verb(workflow.submission_submit)

    @_verb_schema("ถอนการยืนยัน (เจ้าหน้าที่ข้อมูลของโรงเรียน ก่อนกำหนดส่ง)")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        return self._verb(workflow.submission_withdraw)

    @_verb_schema("ส่งกลับให้โรงเรียนแก้ไข (เขตพื้นที่ ต้องระบุสิ่งที่ต้องแก้)", s.ReturnRequestSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, *args, **kwargs):
        return self._verb(workflow.submission_return, s.ReturnRequestSerializer)

    @_verb_schema("รับรองข้อมูล (เขตพื้นที่)", s.AcceptRequestSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, *args, **kwargs):
        return self._verb(workflow.submission_accept, s.AcceptRequestSerializer)

    @_verb_schema("เปิดให้โรงเรียนแก้ไข (เขตพื้นที่ ต้องระบุเหตุผล)", s.ReopenRequestSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        return self._verb(workflow.submission_reopen, s.ReopenRequestSerializer)


def _upload_refusal(submission: Submission) -> str:
    if not submission.round.is_open:
        return _("รอบนี้ไม่ได้เปิดรับข้อมูล")
    return _("ส่งไฟล์ไม่ได้ในสถานะ “%(status)s”: ถอนการยืนยันก่อน หรือขอให้เขตพื้นที่เปิดให้แก้ไข") % {
        "status": submission.get_status_display()
    }


class UploadViewSet(viewsets.GenericViewSet):
    """The result of checking a file, for a client polling a large upload checked in the background."""

    serializer_class = s.UploadSummarySerializer
    permission_classes = [IsAuthenticated]
    queryset = Upload.objects.none()  # only for the schema: retrieve checks the scope itself
    lookup_value_regex = r"[0-9]+"

    @extend_schema(
        summary="ผลการตรวจไฟล์ที่ส่ง",
        responses={200: s.UploadSummarySerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def retrieve(self, request, *args, **kwargs):
        upload = get_object_or_404(
            Upload.objects.select_related("submission__round", "submission__school"), pk=kwargs["pk"]
        )
        submission = permissions.get_submission_for_user(
            request.user, upload.submission.round.slug, upload.submission.school.code
        )
        if not permissions.can_view_records(request.user, submission):
            raise PermissionDenied
        summary = services.upload_result(upload).as_dict()
        if upload.status == Upload.Status.PROCESSING:
            summary["progress"] = services.Progress.of(upload.pk)
        return Response(summary)
