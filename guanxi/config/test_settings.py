"""Settings for the test suite: fast hashing, in-memory mail, immediate tasks."""

from guanxi.config.settings import *  # noqa: F403
from guanxi.config.settings import LOGGING

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LOGGING["root"]["level"] = "WARNING"

# Uploaded files go to a throw-away directory, never to var/media.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="guanxi-test-media-"))
