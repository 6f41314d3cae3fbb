"""Writes of EMIS data from the web forms: one section of a submission at a time.

The template upload goes through the upload pipeline (``services.upload_receive``/``upload_process``)
and the workflow verbs through ``datacollection.workflow``; this module is only the form save."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aoc.audit import audit_log
from datacollection import workflow
from datacollection.kinds import emis
from datacollection.kinds.emis_kind import ensure_started, load_data, registry_values, write_data
from datacollection.models import EmisReport, Submission


@transaction.atomic
def emis_section_save(submission: Submission, *, actor, section: str, value) -> Submission:
    """Replace one section of the submission's draft data with ``value`` (the section's shape in
    ``EmisData``; for ``basic`` the proposed values, of which only those that differ from the registry
    are kept). The submission becomes a draft through the workflow; one audit entry with what changed."""
    if section not in emis.SECTIONS:
        raise ValueError(f"{section} is not an EMIS section")
    _validate_section(section, value)
    workflow.submission_mark_edited(submission, actor=actor, section=str(emis.SECTION_LABELS[section]))
    ensure_started(submission)
    before = load_data(submission)
    registry = registry_values(submission.school)
    if section == "basic":
        value = {name: text for name, text in value.items() if text and text != registry.get(name, "")}
    after = emis.EmisData(**{**{name: before.section(name) for name in emis.SECTIONS}, section: value})
    write_data(submission, after, (section,), registry=registry)
    audit_log(
        actor,
        "datacollection.emis.saved",
        submission,
        {
            "round": submission.round.slug,
            "school": submission.school.code,
            "section": section,
            "changes": _changes(section, before.section(section), value),
        },
    )
    return submission


@transaction.atomic
def emis_data_replace(submission: Submission, *, actor, data: emis.EmisData, note: str) -> Submission:
    """Replace all of the submission's draft data at once (the demo's generated data; a system import):
    the same workflow step as a form save, one audit entry saying what it was (``note``)."""
    workflow.submission_mark_edited(submission, actor=actor, section=note)
    EmisReport.objects.get_or_create(submission=submission)  # all of it is replaced: no prefill to keep
    written = write_data(submission, data, registry=registry_values(submission.school))
    audit_log(
        actor,
        "datacollection.emis.replaced",
        submission,
        {"round": submission.round.slug, "school": submission.school.code, "rows": written, "note": note},
    )
    return submission


def _validate_section(section: str, value) -> None:
    """The shape the models need (the forms check it first; this keeps other callers honest)."""
    errors = []
    if section == "basic":
        for name, text in value.items():
            if name not in emis.BASIC_FIELDS:
                errors.append(_("ไม่รู้จักรายการ %(name)s") % {"name": name})
                continue
            _stored, reason = emis.normalise_basic(name, text)
            if reason:
                errors.append(f"{emis.BASIC_LABELS[name]}: {reason}")
    elif section == "internet":
        for link in value:
            if link["speed_mbps"] < 0 or link["monthly_cost"] < 0:
                errors.append(_("ความเร็วและค่าใช้จ่ายต้องไม่ติดลบ"))
    else:
        for item in value.values():
            for name in emis.COUNTS[section]:
                count = item.get(name, 0)
                if not isinstance(count, int) or count < 0:
                    errors.append(_("จำนวนต้องเป็นจำนวนเต็มที่ไม่ติดลบ"))
    if errors:
        raise ValidationError(errors)


def _changes(section: str, before, after) -> dict:
    """What a save changed, for the audit entry: ``{item: [old, new]}``."""
    if section == "internet":
        return {"links": [_jsonable(before), _jsonable(after)]} if before != after else {}
    keys = list(before) + [key for key in after if key not in before]
    return {
        _key_text(key): [_jsonable(before.get(key)), _jsonable(after.get(key))]
        for key in keys
        if before.get(key) != after.get(key)
    }


def _key_text(key) -> str:
    return "/".join(key) if isinstance(key, tuple) else str(key)


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, int | str) or value is None:
        return value
    return str(value)
