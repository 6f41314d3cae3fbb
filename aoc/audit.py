"""Writing the audit log. Services call ``audit_log`` inside their transaction, so the entry and the
change it describes are committed together or not at all."""

import contextvars
import datetime
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models

from aoc.models import AuditLog

# The client address of the request being served, set by ``AuditContextMiddleware``.
_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_client_ip", default=None)


def audit_log(actor, action: str, target: models.Model | None = None, data: dict | None = None) -> AuditLog:
    """Record that ``actor`` did ``action`` (``app.entity.verb``) to ``target``."""
    actor = actor if actor is not None and actor.is_authenticated else None
    entry = AuditLog(
        actor=actor,
        actor_repr=(actor.get_username() if actor else "system"),
        action=action,
        data=_jsonable(data or {}),
        ip_address=_client_ip.get(),
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        entry.target_id = str(target.pk)
        entry.target_repr = str(target)[:300]
    entry.save()
    return entry


def changes(before: dict, after: dict) -> dict:
    """The fields whose values differ: ``{field: [old, new]}``."""
    return {field: [before.get(field), value] for field, value in after.items() if before.get(field) != value}


def snapshot(instance: models.Model, fields) -> dict:
    """The current values of ``fields`` of ``instance``, ready for ``changes``."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        values[name] = getattr(instance, field.attname)
    return _jsonable(values)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if hasattr(value, "name") and hasattr(value, "url"):  # a FieldFile
        return value.name or ""
    return value


class AuditContextMiddleware:
    """Makes the client address available to ``audit_log`` without passing requests to services."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)
