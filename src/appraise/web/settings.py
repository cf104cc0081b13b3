"""Django settings, read only from environment variables (docs/web.md lists them).

SQLite under ``APPRAISE_DATA_DIR`` (``./var``) unless ``DATABASE_URL`` names another database,
so that a fresh checkout runs with no set-up and CI can run the same suite on PostgreSQL.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
import zoneinfo
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP

from appraise.web.env import SettingsError, envbool, envchoice, envint, envstr, secret_key

WEB_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(envstr("APPRAISE_DATA_DIR", "var")).resolve()

# Off unless asked for: a 500 with DEBUG on shows settings and the environment to whoever caused
# it. `make demo`, the tests and mypy load appraise.web.settings_dev, which turns it on.
DEBUG = envbool("APPRAISE_DEBUG", False)
SECRET_KEY = secret_key(envstr("APPRAISE_SECRET_KEY", ""), debug=DEBUG)
ALLOWED_HOSTS = [
    h.strip() for h in envstr("APPRAISE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
# Served over HTTPS by a reverse proxy (docs/deploy.md): cookies only over TLS, HSTS, redirect.
HTTPS = envbool("APPRAISE_HTTPS", False)
# Behind a proxy that sets X-Forwarded-Proto and X-Forwarded-For (nginx as in deploy/nginx.conf).
# Never on when clients reach the server directly: they could claim HTTPS or any address.
BEHIND_PROXY = envbool("APPRAISE_BEHIND_PROXY", HTTPS)

_PAGES = importlib.util.find_spec("appraise.web.pages") is not None

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    # The database queue (django-tasks-db) of Django's task framework, django.tasks.
    "django_tasks_db",
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
    "appraise.web.ops",
    # The server-rendered pages live in their own package, written separately.
    *(["appraise.web.pages"] if _PAGES else []),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from the collected, hashed and compressed copies (no nginx rule needed);
    # with DEBUG on, runserver and the test server serve the source files instead.
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # What one request works out once (the person's teams): appraise.web.memo.
    "appraise.web.memo.RequestMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The functional core's messages in the language LocaleMiddleware chose.
    "appraise.web.language.CoreLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A NUL character in the address, query or form is a 400 before any view reads it
    # (PostgreSQL refuses such text deep in a query); after the language and the signed-in
    # person, which its page shows.
    "appraise.web.requestcheck.RefuseNulMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
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
            "builtins": ["appraise.web.pages.filters"],
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
            # Several requests (gunicorn's processes and threads) and the task worker write at once.
            # IMMEDIATE takes the write lock when a transaction begins, so a transaction that read
            # first never fails at its first write with "database is locked" (SQLite cannot wait
            # there); the busy timeout makes the others queue for the lock instead of failing. WAL
            # lets readers go on while one writes; synchronous=NORMAL is durable in WAL mode
            # except for the last commits on a power cut, never corrupt. mmap_size (1 GiB, of
            # address space, not memory) reads the file's pages in place instead of copying each
            # into SQLite's cache: the dashboard's read of 10,000 results, each past its ~4.5 KB
            # of data, takes 40 ms less CPU of its ~120 (docs/deploy.md).
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": envint("APPRAISE_SQLITE_TIMEOUT", 30),
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA mmap_size=1073741824;"
                ),
            },
            # The tests' database is a file too (in the temporary folder, one per run), so that
            # they meet the locking that production meets; an in-memory database shares one
            # connection between threads and never waits for a lock.
            "TEST": {
                "NAME": str(Path(tempfile.gettempdir()) / f"appraise-test-{os.getpid()}.sqlite3")
            },
        }
    }

# The pages' caches (docs/architecture.md, "The pages' cache"). Their keys carry the version of
# what they were built from, so nothing has to be invalidated; an old version just ages out.
# - default: the dashboards' charts and the menu's to-do counts, local memory in each process;
# - pages: whole pages kept per viewer (appraise.web.pagecache), in files under the data folder,
#   so that a reload answered by another gunicorn process is still kept.
# APPRAISE_CACHE_URL (redis://host:6379/0) puts both in Redis, shared by every server.
CACHE_URL = envstr("APPRAISE_CACHE_URL", "").strip()
PAGE_CACHE_DIR = Path(envstr("APPRAISE_PAGE_CACHE_DIR", str(DATA_DIR / "cache" / "pages")))
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError(
            f"APPRAISE_CACHE_URL={CACHE_URL!r} is not a Redis address "
            "(redis://host:port/db, rediss://... or unix://...)"
        )
    CACHES: dict[str, Any] = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": f"appraise-{alias}",
            "TIMEOUT": timeout,
        }
        for alias, timeout in (("default", 3600), ("pages", 60))
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "appraise-pages",
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": envint("APPRAISE_CACHE_ENTRIES", 2000)},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(PAGE_CACHE_DIR),
            "TIMEOUT": 60,
            "OPTIONS": {"MAX_ENTRIES": envint("APPRAISE_PAGE_CACHE_ENTRIES", 1000)},
        },
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "/login/"

# Checked whenever a password is set (org.services.user_create, createsuperuser, changepassword).
_VALIDATION = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS: list[dict[str, Any]] = [
    {"NAME": f"{_VALIDATION}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATION}.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": f"{_VALIDATION}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATION}.NumericPasswordValidator"},
]

# Sign-in throttling (django-axes): five wrong passwords for one user name from one address lock
# that pair for 15 minutes. Not the address alone: a contact center signs in from one NAT.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("APPRAISE_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("APPRAISE_LOGIN_LOCK_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "appraise.web.pages.views_misc.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
# Behind the proxy every request comes from 127.0.0.1; the proxy says who it was.
AXES_CLIENT_IP_CALLABLE = "appraise.web.ops.client.client_ip"

# With DEBUG off. Cookies: never readable by scripts (htmx sends the CSRF token from the page).
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a probe on the machine asks over plain HTTP
SECURE_HSTS_SECONDS = envint("APPRAISE_HSTS_SECONDS", 365 * 24 * 3600) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in envstr("APPRAISE_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# Content-Security-Policy (Django's own middleware, docs/deploy.md), in development too so that
# the tests see what production refuses: scripts only from our static files (htmx, ECharts,
# app.js; no inline handlers, no eval), style sheets only ours; style="" attributes are allowed
# because the templates and ECharts' tooltips size elements with them, and an attribute cannot
# run code.
SECURE_CSP: dict[str, Any] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

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
# Production serves the copies `collectstatic` wrote: names carry a hash of the content (so they
# are cached for a year) and each has a .gz beside it. DEBUG serves the source files as they are.
STORAGES: dict[str, Any] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploaded input files are kept in the database; this bounds one request's upload.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("APPRAISE_MAX_UPLOAD_MB", 200) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# The PDF 考核表: the company named in its header and the sign-off chain of its signature lines
# (the seeds' 当事人, 考核人, 部门经理 ...; APPRAISE_SIGNATURES separated by commas or 、).
APPRAISE_SCORECARD: dict[str, Any] = {
    "COMPANY_NAME": envstr("APPRAISE_COMPANY_NAME", envstr("APPRAISE_COMPANY", "")),
    "SIGNATURES": [
        r.strip()
        for r in envstr("APPRAISE_SIGNATURES", "当事人,考核人,部门经理")
        .replace("，", ",")
        .replace("、", ",")
        .split(",")
        if r.strip()
    ],
}

# Mail for notifications (docs/web.md): SMTP at APPRAISE_EMAIL_HOST; none is sent without a host.
# Django 6.1's MAILERS (the EMAIL_HOST family of settings is deprecated there).
APPRAISE_EMAIL_HOST = envstr("APPRAISE_EMAIL_HOST", "")
MAILERS: dict[str, Any] = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": APPRAISE_EMAIL_HOST or "localhost",
            "port": envint("APPRAISE_EMAIL_PORT", 25),
            "username": envstr("APPRAISE_EMAIL_USER", ""),
            "password": envstr("APPRAISE_EMAIL_PASSWORD", ""),
            "use_tls": envbool("APPRAISE_EMAIL_TLS", False),
            "timeout": 10,
        },
    }
}
DEFAULT_FROM_EMAIL = envstr("APPRAISE_EMAIL_FROM", "appraise@localhost")

# How background tasks run: "worker" (on the database queue of Django's task framework;
# `python -m appraise.web run_tasks` runs them; `make demo` and `make serve` start it) or "sync"
# (at once in the caller; the tests use this).
APPRAISE_TASKS = envchoice("APPRAISE_TASKS", "worker", ("worker", "sync"))
TASKS: dict[str, Any] = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}
# The uploaded files of a failed task are kept this long, to run it again (tasks.services).
APPRAISE_STAGED_KEEP_HOURS = envint("APPRAISE_STAGED_KEEP_HOURS", 48)
# /healthz counts a worker as gone when its last heartbeat is older than this, and the task it
# was running as failed.
APPRAISE_WORKER_STALE_SECONDS = envint("APPRAISE_WORKER_STALE_SECONDS", 60)

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
    # Several serializers have a field named "kind" with different choices; each set gets a
    # name of its own instead of a generated "Kind817Enum" (a warning that fails the schema test).
    "ENUM_NAME_OVERRIDES": {
        "CorrectionKindEnum": ["metric", "incident"],
        "PointsEntryKindEnum": "appraise.web.points.models.Kind",
        "LeaderboardKindEnum": ["day", "week", "month"],
    },
}

# Everything to stderr (journald or gunicorn's error log keeps it): a 500 is logged by
# django.request with its traceback, a sign-in lockout by axes.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("APPRAISE_LOG_LEVEL", "WARNING")},
}


def ensure_data_dir() -> None:
    """Create the SQLite folder; called by the commands that start Django, not on import."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
