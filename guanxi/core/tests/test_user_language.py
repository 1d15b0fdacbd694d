"""The logged-in user's language holds for their request only: the thread gets its own
language back afterwards (the next request, task or test is not served in theirs)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def test_a_chinese_users_request_is_in_chinese_and_leaves_the_thread_as_it_was(client):
    client.force_login(make_user(role="administrator", language="zh-hans"))

    with translation.override("en"):
        page = client.get(reverse("web:home"))
        after = translation.get_language()

    assert page.headers["Content-Language"] == "zh-hans"
    assert after == "en"


def test_an_english_users_request_does_not_switch_a_chinese_thread(client):
    client.force_login(make_user(role="administrator", language="en"))

    with translation.override("zh-hans"):
        page = client.get(reverse("web:home"))
        after = translation.get_language()

    assert page.headers["Content-Language"] == "en"
    assert after == "zh-hans"
