"""Logging in: e-mail login, lock-out after repeated failures, inactive accounts."""

import pytest
from django.urls import reverse

from guanxi.core.models import LoginAttempt
from guanxi.testing.users import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def post_login(client, email, password):
    return client.post(reverse("web:login"), {"username": email, "password": password})


def test_login_with_email_case_insensitive_redirects_home(client):
    make_user(email="wang.fang@example.test")
    response = post_login(client, "Wang.Fang@Example.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_wrong_password_is_refused_and_counted(client):
    user = make_user()
    response = post_login(client, user.email, "nope")
    assert response.status_code == 200
    assert "Wrong email or password." in response.content.decode()
    assert LoginAttempt.objects.filter(email=user.email).count() == 1


def test_five_failures_lock_the_account_even_with_the_right_password(client, settings):
    user = make_user()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        post_login(client, user.email, "wrong")
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 200
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_older_than_the_window_do_not_lock(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    user = make_user()
    old = timezone.now() - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES + 1)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        LoginAttempt.objects.create(email=user.email, created_at=old)
    assert post_login(client, user.email, PASSWORD).status_code == 302


def test_inactive_user_cannot_log_in(client):
    user = make_user(is_active=False)
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_pages_require_login(client):
    response = client.get(reverse("core:user_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_security_headers_are_set(client):
    response = client.get(reverse("web:login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert len(response["X-Request-ID"]) == 32


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_password_reset_mails_a_working_link(client, mailoutbox):
    user = make_user()
    client.post(reverse("web:password_reset"), {"email": user.email})
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password/reset/" in line)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "a-New-pass-9876", "new_password2": "a-New-pass-9876"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-New-pass-9876")
