"""Guanxi settings, driven by the environment.

Every value a deployment changes comes from an environment variable with a safe
development default; production sets ``GUANXI_ENV=production`` and must then supply
``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("GUANXI_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("GUANXI_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when GUANXI_ENV=production")
    SECRET_KEY = "dev-only-insecure-key-change-me-" + "x" * 32

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "guanxi.core",
    "guanxi.customers",
    "guanxi.sales",
    "guanxi.service",
    "guanxi.analytics",
    "guanxi.web",
    "guanxi.integrations",
]

MIDDLEWARE = [
    "guanxi.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "guanxi.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "guanxi.core.middleware.RestoreLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "guanxi.core.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "guanxi.config.urls"
WSGI_APPLICATION = "guanxi.config.wsgi.application"
ASGI_APPLICATION = "guanxi.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guanxi.web.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'guanxi.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL, a busy timeout and IMMEDIATE transactions let the web process and the task
    # worker share one SQLite file without "database is locked" errors.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # Tests create their database from a UTF-8 template so pg_trgm sees Chinese text.
    DATABASES["default"]["TEST"] = {
        "TEMPLATE": os.environ.get("GUANXI_PG_TEST_TEMPLATE", "guanxi_template_utf8")
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

# --- Authentication -------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["guanxi.core.auth.EmailBackend"]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
# Lock-out: this many failed logins for one account within the window blocks it.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "15"))
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "guanxi" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# --- Email ----------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "1025"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Guanxi <noreply@localhost>")

# --- Background work ------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Security -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
# How many reverse proxies stand in front of Guanxi (and append to X-Forwarded-For);
# the client address used for lock-outs, rate limits and the audit log is read past them.
TRUSTED_PROXY_HOPS = int(
    os.environ.get("TRUSTED_PROXY_HOPS", "1" if env_bool("BEHIND_TLS_PROXY", PRODUCTION) else "0")
)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", PRODUCTION) else None
)
# Content Security Policy: everything from our own origin, nothing inline but styles.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)
# Phone numbers without a country code are read as numbers of this region.
PHONE_DEFAULT_REGION = os.environ.get("PHONE_DEFAULT_REGION", "CN")
# Exports up to this many rows are written at once; larger ones in the background.
EXPORT_SYNC_LIMIT = int(os.environ.get("EXPORT_SYNC_LIMIT", "2000"))
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# A quote line discounted above this percentage needs a sales manager's approval.
QUOTE_DISCOUNT_LIMIT = float(os.environ.get("QUOTE_DISCOUNT_LIMIT", "10"))
# Where users and customers reach this Guanxi (links in e-mails to customers).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Public replies on tickets come from this address (empty: DEFAULT_FROM_EMAIL).
SERVICE_EMAIL = os.environ.get("SERVICE_EMAIL", "")
# Satisfaction surveys (docs/surveys.md): a ticket answered CSAT gets no new one for this
# many days; links take (and change) answers this long; NPS at most every N days per
# contact, to contacts with an order or ticket in the last M days, a batch per run; scores
# at or below these open a follow-up task.
SURVEY_CSAT_QUIET_DAYS = int(os.environ.get("SURVEY_CSAT_QUIET_DAYS", "30"))
SURVEY_OPEN_DAYS = int(os.environ.get("SURVEY_OPEN_DAYS", "30"))
SURVEY_NPS_INTERVAL_DAYS = int(os.environ.get("SURVEY_NPS_INTERVAL_DAYS", "90"))
SURVEY_NPS_RECENT_DAYS = int(os.environ.get("SURVEY_NPS_RECENT_DAYS", "90"))
SURVEY_NPS_BATCH = int(os.environ.get("SURVEY_NPS_BATCH", "200"))
SURVEY_LOW_CSAT = int(os.environ.get("SURVEY_LOW_CSAT", "2"))
SURVEY_LOW_NPS = int(os.environ.get("SURVEY_LOW_NPS", "6"))
# Field service (docs/field-service.md): a visit not done this many days after it was
# requested is overdue; a repair within this many days of a done visit is a repeat.
FIELD_VISIT_OVERDUE_DAYS = int(os.environ.get("FIELD_VISIT_OVERDUE_DAYS", "3"))
FIELD_REPEAT_DAYS = int(os.environ.get("FIELD_REPEAT_DAYS", "30"))
# Incoming e-mail (docs/inbound-email.md). The shared secret of POST /inbound/email/
# (empty: the endpoint answers 404); the address users copy (BCC) their mail to so it is
# logged on the contacts' timelines; the e-mail of the active user who owns contacts
# made from unknown senders (empty or unknown: the first active administrator); the
# largest message the endpoint accepts.
INBOUND_EMAIL_SECRET = os.environ.get("INBOUND_EMAIL_SECRET", "")
INBOUND_BCC_ADDRESS = os.environ.get("INBOUND_BCC_ADDRESS", "").strip().lower()
INBOUND_CONTACT_OWNER = os.environ.get("INBOUND_CONTACT_OWNER", "").strip().lower()
INBOUND_EMAIL_MAX_BYTES = int(os.environ.get("INBOUND_EMAIL_MAX_BYTES", str(25 * 1024 * 1024)))
# The currency reports are in; orders in other currencies convert at the dated rates.
BASE_CURRENCY = os.environ.get("BASE_CURRENCY", "CNY").upper()

# --- Logging: one JSON line per request with request id, user, status and duration ----
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}
