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

from django.core.exceptions import ImproperlyConfigured

from tandem.lib.env import env_bool, env_choice, env_int, env_json, env_list, env_str

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

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's hosts in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

# Keys for encrypting people's answers at rest (Fernet), newest first. Several keys allow
# rotation: everything is read with any of them and written with the first.
_dev_field_key = base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()
FIELD_ENCRYPTION_KEYS = env_list(
    "FIELD_ENCRYPTION_KEYS", default=[] if PRODUCTION else [_dev_field_key]
)
if PRODUCTION and not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS must hold at least one Fernet key in production "
        '(make one with: python -c "from cryptography.fernet import Fernet; '
        'print(Fernet.generate_key().decode())").'
    )

SITE_URL = env_str("SITE_URL", default="http://127.0.0.1:8000")
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
REDIS_URL = env_str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tandem",
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
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Tandem] "
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
EMAIL_BACKEND = env_str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("EMAIL_PORT", default=25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
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
