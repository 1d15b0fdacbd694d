"""The logged-in user's language holds for their request only: the thread gets its own
language back afterwards (the next request, task or test is not served in theirs)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("user_language", "thread_language"), [("zh-hans", "en"), ("en", "zh-hans")]
)
def test_a_request_is_in_the_users_language_and_leaves_the_thread_as_it_was(
    client, user_language, thread_language
):
    client.force_login(make_user(role="administrator", language=user_language))

    with translation.override(thread_language):
        page = client.get(reverse("web:home"))
        after = translation.get_language()

    assert page.headers["Content-Language"] == user_language
    assert after == thread_language
