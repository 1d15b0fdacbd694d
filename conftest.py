"""Suite-wide set-up: the PostgreSQL UTF-8 template and the browser-test environment."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must allow
# its ORM calls there (the live server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_sessionstart(session: pytest.Session) -> None:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.postgresql":
        from guanxi.testing.postgres import ensure_utf8_template

        ensure_utf8_template(db)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remove the throw-away upload directory of the test settings."""
    import shutil

    from django.conf import settings

    media = str(getattr(settings, "MEDIA_ROOT", ""))
    if "guanxi-test-media-" in media:
        shutil.rmtree(media, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_match_rules():
    """The duplicate-matching rules are cached outside the database, so a test's
    rolled-back save must not leave its rules to the next test."""
    from guanxi.integrations.match_rules import forget_cached_rules

    forget_cached_rules()
    yield
    forget_cached_rules()
