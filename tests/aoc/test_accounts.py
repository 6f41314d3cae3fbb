import re

import pytest
from django.core import mail
from django.urls import reverse

from aoc.models import AuditLog
from tests.factories import PASSWORD, UserFactory


@pytest.mark.django_db
def test_login_lands_on_the_staff_home(client):
    UserFactory(username="somsri")
    response = client.post(reverse("login"), {"username": "somsri", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("staff-home")


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_even_with_the_right_password(client, settings):
    UserFactory(username="somsri")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "somsri", "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": "somsri", "password": PASSWORD})
    assert response.status_code == 429
    assert "บัญชีถูกล็อกชั่วคราว" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_sends_a_working_link(client):
    user = UserFactory(username="somsri", email="somsri@example.org")
    client.post(reverse("password_reset"), {"email": "somsri@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "another-long-secret-9", "new_password2": "another-long-secret-9"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-secret-9")
    assert AuditLog.objects.filter(action="aoc.user.password_reset", target_id=str(user.pk)).exists()


@pytest.mark.django_db
def test_logout_is_a_post(client_for, district_staff):
    client = client_for(district_staff)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_changes_are_in_the_audit_log(client_for, district_staff, admin_user, officer_a):
    client = client_for(district_staff)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-secret-9",
            "new_password2": "another-long-secret-9",
        },
    )
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="aoc.user.password_changed", actor=district_staff).exists()

    url = reverse("admin:auth_user_password_change", args=[officer_a.pk])  # UserAdmin names it so
    response = client_for(admin_user).post(
        url, {"password1": "third-long-secret-9", "password2": "third-long-secret-9"}
    )
    assert response.status_code == 302
    assert AuditLog.objects.filter(
        action="aoc.user.password_set", actor=admin_user, target_id=str(officer_a.pk)
    ).exists()
