"""Django settings, read only from environment variables (docs/web.md lists them).

SQLite under ``APPRAISE_DATA_DIR`` (``./var``) unless ``DATABASE_URL`` names another database,
so that a fresh checkout runs with no set-up and CI can run the same suite on PostgreSQL.
"""

from __future__ import annotations

import importlib.util
import zoneinfo
from pathlib import Path
from typing import Any

import dj_database_url

from appraise.web.env import SettingsError, envbool, envchoice, envint, envstr

WEB_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(envstr("APPRAISE_DATA_DIR", "var")).resolve()

DEBUG = envbool("APPRAISE_DEBUG", True)
_DEV_KEY = "appraise-development-key-not-for-production"
SECRET_KEY = envstr("APPRAISE_SECRET_KEY", _DEV_KEY)
if not DEBUG and SECRET_KEY == _DEV_KEY:
    raise SettingsError("APPRAISE_SECRET_KEY must be set when APPRAISE_DEBUG is off")
ALLOWED_HOSTS = [
    h.strip() for h in envstr("APPRAISE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]

_PAGES = importlib.util.find_spec("appraise.web.pages") is not None

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "appraise.web.audit",
    "appraise.web.org",
    "appraise.web.schemes",
    "appraise.web.cycles",
    "appraise.web.evaluations",
    "appraise.web.appeals",
    "appraise.web.interviews",
    "appraise.web.followups",
    "appraise.web.tasks",
    "appraise.web.points",
    "appraise.web.qa",
    "appraise.web.api",
    "appraise.web.demo",
    # The server-rendered pages live in their own package, written separately.
    *(["appraise.web.pages"] if _PAGES else []),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "appraise.web.urls"
WSGI_APPLICATION = "appraise.web.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_DATABASE_URL = envstr("DATABASE_URL", "")
if _DATABASE_URL:
    try:
        DATABASES: dict[str, Any] = {
            "default": dict(dj_database_url.parse(_DATABASE_URL, conn_max_age=60))
        }
    except ValueError as exc:
        raise SettingsError(f"DATABASE_URL is not a database address: {exc}") from None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "appraise.sqlite3",
            # Several page requests and the task thread write at once; wait instead of failing.
            "OPTIONS": {"timeout": 20},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS: list[dict[str, str]] = []
LOGIN_URL = "/login/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [WEB_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = envstr("APPRAISE_TIME_ZONE", "Asia/Shanghai")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise SettingsError(f"APPRAISE_TIME_ZONE={TIME_ZONE!r} is not a time zone name") from None

STATIC_URL = "/static/"
STATICFILES_DIRS = [WEB_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"

# Uploaded input files are kept in the database; this bounds one request's upload.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("APPRAISE_MAX_UPLOAD_MB", 200) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# Mail for notifications (docs/web.md): SMTP at APPRAISE_EMAIL_HOST; none is sent without a host.
EMAIL_HOST = envstr("APPRAISE_EMAIL_HOST", "")
EMAIL_PORT = envint("APPRAISE_EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("APPRAISE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = envstr("APPRAISE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = envbool("APPRAISE_EMAIL_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = envstr("APPRAISE_EMAIL_FROM", "appraise@localhost")

# How background tasks run: "thread" (in the web process), "worker" (`python -m appraise.web
# run_tasks` picks them up) or "sync" (in the request; the tests use this).
APPRAISE_TASKS = envchoice("APPRAISE_TASKS", "thread", ("thread", "worker", "sync"))

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "appraise.web.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "appraise API",
    "DESCRIPTION": "Appraisal cycles, ratings, results, appeals and interviews (docs/web.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("APPRAISE_LOG_LEVEL", "WARNING")},
}


def ensure_data_dir() -> None:
    """Create the SQLite folder; called by the commands that start Django, not on import."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
