"""The submission state machine at the service level: every verb, its rules and its records."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from aoc.models import AuditLog, Notice
from datacollection import samples, services, workflow
from datacollection.models import Round, Submission
from tests.factories import dmc_round

S = Submission.Status
AS_OF = datetime.date(2026, 11, 10)


@pytest.fixture
def round_(district_staff, school_a, school_b):
    return dmc_round(actor=district_staff, schools=[school_a, school_b], as_of=AS_OF)


@pytest.fixture
def draft(round_, school_a, officer_a):
    submission = Submission.objects.get(round=round_, school=school_a)
    students = samples.make_students(
        12, school_code=school_a.code, school_grades=school_a.grades, as_of=AS_OF
    )
    content = samples.csv_bytes(students, as_of=AS_OF)
    upload = services.upload_receive(
        submission, actor=officer_a, file=SimpleUploadedFile("a.csv", content), name="a.csv"
    )
    assert services.upload_process(upload.pk).status == "imported"
    submission.refresh_from_db()
    return submission


def _last_event(submission):
    return submission.events.order_by("-id").first()


@pytest.mark.django_db
def test_opening_a_round_gives_every_target_school_a_submission(round_, school_a, school_b):
    assert round_.slug == "dmc-2569-2"
    assert set(round_.submissions.values_list("school", "status")) == {
        (school_a.pk, S.NOT_STARTED),
        (school_b.pk, S.NOT_STARTED),
    }


@pytest.mark.django_db
def test_submit_is_recorded_and_tells_district_staff(draft, officer_a, district_staff):
    workflow.submission_submit(draft, actor=officer_a)
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED and draft.first_submitted_at
    event = _last_event(draft)
    assert (event.actor, event.from_status, event.to_status) == (officer_a, S.DRAFT, S.SUBMITTED)
    assert AuditLog.objects.filter(action="datacollection.submission.submitted", actor=officer_a).exists()
    assert Notice.objects.filter(user=district_staff).exists()


@pytest.mark.django_db
def test_cannot_submit_without_a_valid_upload(round_, school_a, officer_a):
    submission = Submission.objects.get(round=round_, school=school_a)
    with pytest.raises(workflow.WorkflowError):  # not started: nothing to confirm
        workflow.submission_submit(submission, actor=officer_a)


@pytest.mark.django_db
def test_return_needs_a_comment_and_tells_the_school(draft, officer_a, district_staff):
    workflow.submission_submit(draft, actor=officer_a)
    with pytest.raises(workflow.WorkflowError):
        workflow.submission_return(draft, actor=district_staff, comment="  ")
    workflow.submission_return(draft, actor=district_staff, comment="ชั้น ป.3 ขาด 2 คน")
    draft.refresh_from_db()
    assert draft.status == S.RETURNED
    assert _last_event(draft).comment == "ชั้น ป.3 ขาด 2 คน"
    notice = Notice.objects.get(user=officer_a)
    assert notice.body == "ชั้น ป.3 ขาด 2 คน"


@pytest.mark.django_db
def test_returned_submission_can_be_resubmitted_then_accepted_and_locked(draft, officer_a, district_staff):
    workflow.submission_submit(draft, actor=officer_a)
    workflow.submission_return(draft, actor=district_staff, comment="แก้ไข")
    workflow.submission_submit(draft, actor=officer_a)
    workflow.submission_accept(draft, actor=district_staff)
    draft.refresh_from_db()
    assert draft.status == S.ACCEPTED and draft.is_locked
    from datacollection.permissions import can_upload

    assert not can_upload(officer_a, draft)
    assert list(draft.events.values_list("to_status", flat=True)) == [
        S.DRAFT,
        S.SUBMITTED,
        S.RETURNED,
        S.SUBMITTED,
        S.ACCEPTED,
    ]


@pytest.mark.django_db
def test_school_may_withdraw_before_the_deadline_but_not_after(draft, officer_a):
    workflow.submission_submit(draft, actor=officer_a)
    workflow.submission_withdraw(draft, actor=officer_a)
    assert Submission.objects.get(pk=draft.pk).status == S.DRAFT
    workflow.submission_submit(draft, actor=officer_a)
    Round.objects.filter(pk=draft.round_id).update(deadline=datetime.date(2026, 11, 1))
    draft.round.refresh_from_db()
    with pytest.raises(workflow.WorkflowError):
        workflow.submission_withdraw(draft, actor=officer_a)
    assert Submission.objects.get(pk=draft.pk).status == S.SUBMITTED


@pytest.mark.django_db
def test_only_district_staff_reopen_and_only_with_a_reason(draft, officer_a, district_staff):
    workflow.submission_submit(draft, actor=officer_a)
    workflow.submission_accept(draft, actor=district_staff)
    with pytest.raises(PermissionDenied):
        workflow.submission_reopen(draft, actor=officer_a, reason="ขอแก้")
    with pytest.raises(workflow.WorkflowError):
        workflow.submission_reopen(draft, actor=district_staff, reason="")
    workflow.submission_reopen(draft, actor=district_staff, reason="พบข้อมูลซ้ำกับโรงเรียนอื่น")
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and draft.accepted_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["director", "ict_staff", "officer_b"])
def test_roles_outside_the_workflow_cannot_move_a_submission(request, draft, officer_a, persona):
    user = request.getfixturevalue(persona)
    for verb in (workflow.submission_submit, workflow.submission_withdraw):
        with pytest.raises(PermissionDenied):
            verb(draft, actor=user)
    workflow.submission_submit(draft, actor=officer_a)
    with pytest.raises(PermissionDenied):
        workflow.submission_accept(draft, actor=user)
    with pytest.raises(PermissionDenied):
        workflow.submission_return(draft, actor=user, comment="x")


@pytest.mark.django_db
def test_the_transition_map_refuses_moves_it_does_not_know(draft, district_staff):
    # A draft cannot be accepted without being submitted; the map, not only the permission, says no.
    with pytest.raises(workflow.WorkflowError):
        workflow._transition(draft, S.ACCEPTED, actor=district_staff, verb="accepted")
    assert Submission.objects.get(pk=draft.pk).status == S.DRAFT


@pytest.mark.django_db
def test_completeness_counts_only_open_schools_and_never_exceeds_100_percent(
    round_, draft, officer_a, school_b
):
    from datacollection.selectors import round_completeness

    school_b.closed_on = datetime.date(2025, 5, 16)
    school_b.save()
    workflow.submission_submit(draft, actor=officer_a)
    figures = round_completeness(round_)
    assert (figures.expected, figures.submitted, figures.on_time) == (1, 1, 1)
    assert figures.submitted_percent == 100.0
