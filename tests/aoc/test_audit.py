import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from aoc.audit import audit_log
from aoc.models import AuditLog


@pytest.mark.django_db
def test_audit_rows_cannot_be_changed_or_deleted_by_the_application(district_staff):
    entry = audit_log(district_staff, "tests.thing.done", None, {"a": 1})
    entry.action = "tests.thing.undone"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).delete()
    assert AuditLog.objects.get(pk=entry.pk).action == "tests.thing.done"


@pytest.mark.django_db
def test_database_refuses_to_rewrite_the_audit_log(district_staff):
    entry = audit_log(district_staff, "tests.thing.done")
    for sql in (
        "UPDATE aoc_auditlog SET action = 'x' WHERE id = %s",
        "DELETE FROM aoc_auditlog WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert AuditLog.objects.filter(pk=entry.pk, action="tests.thing.done").exists()


@pytest.mark.django_db
def test_audit_log_page_is_read_only_in_admin(client_for, admin_user, district_staff):
    entry = audit_log(district_staff, "tests.thing.done")
    client = client_for(admin_user)
    assert client.get(f"/admin/aoc/auditlog/{entry.pk}/change/").status_code == 200  # view only
    assert client.post(f"/admin/aoc/auditlog/{entry.pk}/delete/").status_code == 403
    assert client.get("/admin/aoc/auditlog/add/").status_code == 403
    assert AuditLog.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_unlocking_an_account_in_the_admin_is_audited(client_for, admin_user):
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.create(
        username="somsri",
        ip_address="127.0.0.1",
        user_agent="test",
        failures_since_start=5,
        get_data="",
        post_data="",
    )
    response = client_for(admin_user).post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert AuditLog.objects.filter(action="axes.accessattempt.deleted", actor=admin_user).exists()
