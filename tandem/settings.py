"""Tandem's one settings module.

Everything that differs between deployments comes from an environment variable, read through
the small typed helpers in ``tandem.lib.env``. With no variables set this is a working
development setup on SQLite; ``TANDEM_ENV=production`` refuses to start without its secrets.
See docs/configuration.md for every variable.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from tandem.lib.env import (
    env_bool,
    env_choice,
    env_email_url,
    env_fernet_keys,
    env_int,
    env_json,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

TANDEM_ENV = env_choice("TANDEM_ENV", ("development", "production"), default="development")
PRODUCTION = TANDEM_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when TANDEM_ENV=production.")

_DEV_SECRET_KEY = "dev-only-insecure-secret-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", default="" if PRODUCTION else _DEV_SECRET_KEY)
if PRODUCTION and (not SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production."
    )
# A long key of few distinct characters ("x" * 50) is as guessable as a short one.
if PRODUCTION and (len(set(SECRET_KEY)) < 12 or SECRET_KEY.startswith("django-insecure-")):
    raise ImproperlyConfigured(
        "SECRET_KEY must be random: this one repeats a few characters. Make one with: "
        'python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's hosts in production.")
if PRODUCTION and any("*" in host for host in ALLOWED_HOSTS):
    # '*' would accept any Host header, and links in emails are built from it.
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's hosts, not '*'.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

# Keys for encrypting people's answers at rest (Fernet), newest first. Several keys allow
# rotation: everything is read with any of them and written with the first.
_dev_field_key = base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()
FIELD_ENCRYPTION_KEYS = env_fernet_keys(
    "FIELD_ENCRYPTION_KEYS", default=[] if PRODUCTION else [_dev_field_key]
)
if PRODUCTION and not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS must hold at least one Fernet key in production "
        '(make one with: python -c "from cryptography.fernet import Fernet; '
        'print(Fernet.generate_key().decode())").'
    )

# The public address every absolute link (emails, invites, feeds) is built from, and nothing
# else: a request's own host is never used, so links are right from the worker too. `make run`
# sets it from its HOST and PORT; production must name its https address.
SITE_URL = env_str("SITE_URL", default="" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
_site_url = urlsplit(SITE_URL)
_site_schemes = ("https",) if PRODUCTION else ("http", "https")
if not _site_url.netloc or _site_url.scheme not in _site_schemes:
    raise ImproperlyConfigured(
        "SITE_URL must be the site's public address, e.g. https://tandem.example.org"
        + (" (https in production)." if PRODUCTION else ".")
    )
SITE_NAME = "Tandem"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "tandem.lib",
    "tandem.accounts",
    "tandem.core",
    "tandem.assessments",
    "tandem.directory",
    "tandem.booking",
    "tandem.journal",
    "tandem.couples",
    "tandem.practice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "tandem.lib.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tandem.lib.middleware.SessionIdleRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "tandem.accounts.middleware.RequireMFAForStaffRolesMiddleware",
]

ROOT_URLCONF = "tandem.urls"
WSGI_APPLICATION = "tandem.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tandem.lib.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
# SQLite in WAL mode is the embedded default: readers never block the writer, and IMMEDIATE
# transactions take the write lock at BEGIN, so two writers queue instead of failing with
# "database is locked" half-way through. DATABASE_URL switches to PostgreSQL with psycopg's pool.
DATA_DIR = Path(env_str("TANDEM_DATA_DIR", default=str(BASE_DIR / "data")))
DATABASE_URL = env_str("DATABASE_URL", default="")
if DATABASE_URL:
    import dj_database_url

    _db = dj_database_url.parse(DATABASE_URL)
    if _db["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must name a PostgreSQL database (postgres://…).")
    _db["CONN_MAX_AGE"] = 0  # the pool keeps connections; Django must not as well
    _db["OPTIONS"] = {
        "pool": {
            "min_size": env_int("DATABASE_POOL_MIN", default=2, minimum=0),
            "max_size": env_int("DATABASE_POOL_MAX", default=10, minimum=1),
            "timeout": 10,
        }
    }
    DATABASES = {"default": _db}
else:
    if PRODUCTION:
        raise ImproperlyConfigured("DATABASE_URL must name a PostgreSQL database in production.")
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "tandem.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 10,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=10000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------
# Login lockouts, rate limits and used TOTP codes live in the cache, so production needs one
# that every process shares: counted per process, 3 workers let 3 times the limit through.
REDIS_URL = env_str("REDIS_URL", default="")
CACHE_BACKEND = env_choice(
    "CACHE_BACKEND",
    ("redis", "database", "local-memory"),
    default="redis" if REDIS_URL else "local-memory",
)
if CACHE_BACKEND == "redis" and not REDIS_URL:
    raise ImproperlyConfigured("CACHE_BACKEND=redis needs REDIS_URL (redis://host:6379/0).")
if PRODUCTION and CACHE_BACKEND == "local-memory":
    raise ImproperlyConfigured(
        "Production needs a cache that every process shares: set REDIS_URL, or "
        "CACHE_BACKEND=database and run manage.py createcachetable."
    )
if CACHE_BACKEND == "redis":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tandem",
        }
    }
elif CACHE_BACKEND == "database":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tandem_cache",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background tasks -------------------------------------------------------------------
# The database backend is the default everywhere: `make run` starts its worker beside the web
# server, production runs `manage.py db_worker` processes. Tests switch to the immediate backend.
TASKS = {
    "default": {
        "BACKEND": env_choice(
            "TASKS_BACKEND",
            (
                "django_tasks_db.DatabaseBackend",
                "django_tasks.backends.immediate.ImmediateBackend",
                "django_tasks.backends.dummy.DummyBackend",
            ),
            default="django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default", "email"],
    }
}

# --- Accounts and authentication --------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
    "tandem.accounts.backends.RolePermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "tandem.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # our subjects name the site themselves
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Five failed logins for one address in five minutes lock that address out for the rest of
# the window; changing email or MFA asks for the password again after five minutes.
_login_attempts = env_int("LOGIN_ATTEMPTS_LIMIT", default=5, minimum=1)
_login_window = env_int("LOGIN_ATTEMPTS_WINDOW_SECONDS", default=300, minimum=1)
ACCOUNT_RATE_LIMITS = {"login_failed": f"10/m/ip,{_login_attempts}/{_login_window}s/key"}
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_REAUTHENTICATION_REQUIRED = True
MFA_ADAPTER = "tandem.accounts.mfa_adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Tandem"
MFA_REAUTHENTICATION_REQUIRED = True

# Sessions end after inactivity: activity pushes the expiry forward (at most one session write
# a minute, by SessionIdleRefreshMiddleware, so a session ends within a minute of this age), none
# is remembered across browser restarts, and Django rotates the session key on login.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", default=30 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security headers -------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "tandem.core.views.csrf_failure"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=63072000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# No inline script or style anywhere: every script and stylesheet is a file under static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Email ------------------------------------------------------------------------------
# One variable, EMAIL_URL (smtp+tls://user:password@host:587). Without it development prints
# email to the console; production refuses to start, because on the console sign-in and
# booking links would end up in the logs and reach nobody.
_email = env_email_url("EMAIL_URL")
if _email is None and PRODUCTION:
    raise ImproperlyConfigured(
        "EMAIL_URL must name the mail server in production "
        "(for example smtp+tls://user:password@smtp.example.org:587)."
    )
if _email is None:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
    EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = 30  # a stalled mail server must not hold a worker for ever
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="Tandem <hello@tandem.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Tandem -----------------------------------------------------------------------------
# Where the quick-exit control sends a person: a neutral, busy site that gives nothing away.
QUICK_EXIT_URL = env_str("QUICK_EXIT_URL", default="https://www.bbc.co.uk/weather")

# Crisis and safety lines shown in every footer and at the top of a result that raises the
# safety flag. Override with HELPLINES as JSON: [{"region": …, "name": …, "phone": …, …}].
HELPLINES = env_json(
    "HELPLINES",
    default=[
        {
            "region": "UK",
            "name": "Emergency services",
            "phone": "999",
            "hours": "Always",
            "about": "If you are in danger now. If you cannot speak, press 55 when asked.",
        },
        {
            "region": "UK",
            "name": "Samaritans",
            "phone": "116 123",
            "hours": "Always, free",
            "about": "Someone to talk to about anything that is troubling you.",
        },
        {
            "region": "UK",
            "name": "National Domestic Abuse Helpline (Refuge)",
            "phone": "0808 2000 247",
            "hours": "Always, free",
            "about": "For anyone afraid of a partner or experiencing abuse.",
        },
        {
            "region": "US",
            "name": "Emergency services",
            "phone": "911",
            "hours": "Always",
            "about": "If you are in danger now.",
        },
        {
            "region": "US",
            "name": "988 Suicide & Crisis Lifeline",
            "phone": "988",
            "hours": "Always, call or text",
            "about": "Free, confidential support in a crisis.",
        },
        {
            "region": "US",
            "name": "National Domestic Violence Hotline",
            "phone": "1-800-799-7233",
            "hours": "Always, or text START to 88788",
            "about": "For anyone afraid of a partner or experiencing abuse.",
        },
    ],
)

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    # Django logs the path of refused requests; some paths hold an emailed link's token.
    "filters": {"redact_tokens": {"()": "tandem.lib.redaction.RedactTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
        "server": {
            "class": "logging.StreamHandler",
            "filters": ["redact_tokens"],
            "formatter": "django.server",
        },
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
    # runserver's own request lines, through the same filter.
    "loggers": {"django.server": {"handlers": ["server"], "level": "INFO", "propagate": False}},
}

# --- Journal ----------------------------------------------------------------------------
# Comment anti-spam: a form sent sooner than this after the page loaded is refused (people
# read first; bots post at once), and each address and IP may post a few comments per window.
JOURNAL_COMMENT_MIN_SECONDS = env_int("JOURNAL_COMMENT_MIN_SECONDS", default=3, minimum=0)
JOURNAL_COMMENT_RATE_LIMIT = env_int("JOURNAL_COMMENT_RATE_LIMIT", default=4, minimum=1)
JOURNAL_COMMENT_RATE_WINDOW_SECONDS = env_int(
    "JOURNAL_COMMENT_RATE_WINDOW_SECONDS", default=600, minimum=1
)
# More links than this in one comment marks it as spam; any link at all holds it for a person.
JOURNAL_COMMENT_MAX_LINKS = env_int("JOURNAL_COMMENT_MAX_LINKS", default=2, minimum=0)
JOURNAL_COMMENT_BANNED_WORDS = env_list(
    "JOURNAL_COMMENT_BANNED_WORDS",
    default=["viagra", "cialis", "casino", "crypto giveaway", "payday loan", "seo services"],
)
# How long the links in comment emails (delete my comment, stop reply emails) keep working.
JOURNAL_EMAIL_LINK_MAX_AGE_DAYS = env_int("JOURNAL_EMAIL_LINK_MAX_AGE_DAYS", default=90, minimum=1)
# --- End of journal ---------------------------------------------------------------------

# --- Booking ----------------------------------------------------------------------------
# Online sessions' rooms: "{room}" is replaced by an unguessable name per booking.
VIDEO_ROOM_URL_TEMPLATE = env_str(
    "VIDEO_ROOM_URL_TEMPLATE", default="https://meet.jit.si/tandem-{room}"
)
if "{room}" not in VIDEO_ROOM_URL_TEMPLATE:
    raise ImproperlyConfigured("VIDEO_ROOM_URL_TEMPLATE must contain {room}.")
# --- End of booking ---------------------------------------------------------------------

# --- Practice ---------------------------------------------------------------------------
# A scheduled measure not done this many days after it fell due is an alert on the
# caseload; its one reminder goes this many days after it was sent.
PRACTICE_OVERDUE_DAYS = env_int("PRACTICE_OVERDUE_DAYS", default=7, minimum=1)
PRACTICE_REMINDER_AFTER_DAYS = env_int("PRACTICE_REMINDER_AFTER_DAYS", default=3, minimum=1)
# --- End of practice --------------------------------------------------------------------

# --- Production: observability, shared storage, task recovery ---------------------------
# One JSON line per request (tandem.lib.observability) and JSON for every other log line in
# production; LOG_FORMAT=text gives plain lines. The request line names the route, never the
# path, and the user by id only.
MIDDLEWARE.insert(0, "tandem.lib.observability.RequestLogMiddleware")
LOG_FORMAT = env_choice("LOG_FORMAT", ("json", "text"), default="json" if PRODUCTION else "text")
# Every handler keeps the token redaction above and gains the request id.
LOGGING["filters"]["request_id"] = {"()": "tandem.lib.observability.RequestIdFilter"}
LOGGING["formatters"]["json"] = {"()": "tandem.lib.observability.JsonFormatter"}
for _handler in LOGGING["handlers"].values():
    _handler["filters"] = ["request_id", *_handler.get("filters", [])]
if LOG_FORMAT == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"
    LOGGING["handlers"]["server"]["formatter"] = "json"
# Development keeps its console quiet: runserver already prints each request.
LOGGING["loggers"]["tandem.request"] = {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"}

# /metrics answers only with "Authorization: Bearer <METRICS_TOKEN>"; unset, it is a 404.
METRICS_TOKEN = env_str("METRICS_TOKEN", default="")
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("METRICS_TOKEN must be at least 32 random characters.")

# Error reports to Sentry, personal data scrubbed first (tandem.lib.sentry), when a DSN is set.
SENTRY_DSN = env_str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from tandem.lib.sentry import init_sentry

    init_sentry(SENTRY_DSN, environment=TANDEM_ENV, release=env_str("SENTRY_RELEASE", default=""))

# How long a request waits for a pooled PostgreSQL connection before it gets the 503 page.
# Each connection is checked (an empty query) as it leaves the pool, so after PostgreSQL
# restarts no request is handed a dead connection: recovery needs no gunicorn restart.
if DATABASE_URL:
    _db["OPTIONS"]["pool"]["timeout"] = env_int("DATABASE_POOL_TIMEOUT", default=10, minimum=1)
    _db["CONN_HEALTH_CHECKS"] = True  # with the pool: psycopg's check_connection on each checkout

# A task claimed longer ago than this is taken to have lost its worker:
# `manage.py requeue_stalled_tasks` puts it back in the queue (see tandem.lib.outbox).
TASKS_STALLED_AFTER_SECONDS = env_int("TASKS_STALLED_AFTER_SECONDS", default=600, minimum=1)

# Uploads (therapist photos) must be on storage every web server shares once there are several:
# a shared folder (NFS, a mounted volume) through MEDIA_ROOT, or an S3-compatible bucket with
# django-storages, e.g. MEDIA_STORAGE_BACKEND=storages.backends.s3.S3Storage and
# MEDIA_STORAGE_OPTIONS={"bucket_name": "tandem-media", "endpoint_url": "https://…"}.
STORAGES["default"] = {
    "BACKEND": env_str(
        "MEDIA_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
    ),
    "OPTIONS": env_json("MEDIA_STORAGE_OPTIONS", default={}),
}
# Behind a reverse proxy every request comes from the proxy's address: allauth's per-address
# login limit must read the visitor's address from X-Forwarded-For, trusting this many proxies.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", default=0, minimum=0)
# --- End of production ------------------------------------------------------------------
