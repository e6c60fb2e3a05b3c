"""Markedsplassen settings: one env-driven module.

With no environment variables set, this is a working development set-up on SQLite.
With DEBUG=0, a missing SECRET_KEY or ALLOWED_HOSTS stops start-up.
Every variable is listed in .env.example.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG=0")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "template_partials",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "ninja",  # serves the API docs' Swagger UI from its static files, not from a CDN
    "marketplace.core",
    "marketplace.accounts",
    "marketplace.catalogue",
    "marketplace.suppliers",
    "marketplace.calloffs",
    "marketplace.finops",
    "marketplace.cyber",
    "marketplace.privacy",
    "marketplace.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "marketplace.core.middleware.BokmaalFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "marketplace.accounts.middleware.ActiveOrganisationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "marketplace.accounts.context_processors.active_organisation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATA_DIR = Path(os.environ.get("MPS_DATA_DIR", BASE_DIR / "var"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    SQLITE_PATH = Path(os.environ.get("SQLITE_PATH", DATA_DIR / "db.sqlite3"))
    # SQLite creates the file but not its folder: a fresh checkout has no var/ (git ignores it)
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "marketplace.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lock-out after repeated failed log-ins (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("MPS_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("MPS_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# OIDC log-in (ID-porten style); off unless MPS_OIDC_ENABLED=1.
# Endpoints default to ID-porten's paths under the issuer; each can be set on its own.
# Only users whose oidc_subject matches the token's `sub` (or `pid`) may log in; no accounts are created.
OIDC_ENABLED = env_bool("MPS_OIDC_ENABLED", False)
OIDC_RP_CLIENT_ID = os.environ.get("MPS_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("MPS_OIDC_CLIENT_SECRET", "")
OIDC_OP_ISSUER = os.environ.get("MPS_OIDC_ISSUER", "").rstrip("/")
OIDC_OP_AUTHORIZATION_ENDPOINT = (
    os.environ.get("MPS_OIDC_AUTHORIZATION_ENDPOINT") or f"{OIDC_OP_ISSUER}/authorize"
)
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("MPS_OIDC_TOKEN_ENDPOINT") or f"{OIDC_OP_ISSUER}/token"
OIDC_OP_USER_ENDPOINT = os.environ.get("MPS_OIDC_USERINFO_ENDPOINT") or f"{OIDC_OP_ISSUER}/userinfo"
OIDC_OP_JWKS_ENDPOINT = os.environ.get("MPS_OIDC_JWKS_ENDPOINT") or f"{OIDC_OP_ISSUER}/jwks.json"
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = os.environ.get("MPS_OIDC_SCOPES", "openid profile")
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {
    "acr_values": os.environ.get("MPS_OIDC_ACR_VALUES", "idporten-loa-substantial")
}
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
if OIDC_ENABLED:
    if not (OIDC_OP_ISSUER and OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
        raise ImproperlyConfigured(
            "MPS_OIDC_ENABLED=1 needs MPS_OIDC_ISSUER, MPS_OIDC_CLIENT_ID and MPS_OIDC_CLIENT_SECRET"
        )
    AUTHENTICATION_BACKENDS.append("marketplace.accounts.oidc.OidcBackend")

# --- I18n / time ------------------------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norsk bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "mps_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("MPS_STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "frontend" / "build"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = DEBUG

# --- Uploads --------------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MPS_UPLOAD_MAX_BYTES = int(os.environ.get("MPS_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("MPS_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("MPS_BEHIND_PROXY", False) else None

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Background work ------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": os.environ.get("MPS_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Outbound network -----------------------------------------------------------------------
MPS_ALLOW_PRIVATE_TARGETS = env_bool("MPS_ALLOW_PRIVATE_TARGETS", False)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "markedsplassen@example.invalid")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Sealed offers: the master key (32 bytes, urlsafe base64) that wraps each call-off's data key.
# Generate one with: python -c "import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"
MPS_OFFER_MASTER_KEY = os.environ.get("MPS_OFFER_MASTER_KEY", "")
if not MPS_OFFER_MASTER_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("MPS_OFFER_MASTER_KEY must be set when DEBUG=0")
    MPS_OFFER_MASTER_KEY = (
        "ZGV2LW9ubHktb2ZmZXItbWFzdGVyLWtleS0zMmJ5dGU="  # dev only: b"dev-only-offer-master-key-32byte"
    )

# Extra closed days (ISO dates, comma-separated) that deadlines treat like public holidays, e.g. 2026-12-24.
MPS_EXTRA_CLOSED_DAYS = env_list("MPS_EXTRA_CLOSED_DAYS", [])

# --- ocds ---
# Open data (OCDS 1.1): ocid = <MPS_OCDS_PREFIX>-<call-off reference>; register a real prefix with the Open
# Contracting Partnership before publishing outside the platform. MPS_OCDS_BASE_URI makes package URIs absolute.
MPS_OCDS_PREFIX = os.environ.get("MPS_OCDS_PREFIX", "ocds-mps000")
MPS_OCDS_BASE_URI = os.environ.get("MPS_OCDS_BASE_URI", "http://127.0.0.1:8000")

# --- FinOps ---------------------------------------------------------------------------------
# Cost data is Parquet under DATA_DIR/finops; analyses run on DuckDB in-process or on PySpark.
MPS_ANALYTICS_BACKEND = os.environ.get("MPS_ANALYTICS_BACKEND", "duckdb")
if MPS_ANALYTICS_BACKEND not in {"duckdb", "pyspark"}:
    raise ImproperlyConfigured("MPS_ANALYTICS_BACKEND must be duckdb or pyspark")
MPS_DUCKDB_THREADS = int(os.environ.get("MPS_DUCKDB_THREADS", "2"))
MPS_DUCKDB_MEMORY_LIMIT = os.environ.get("MPS_DUCKDB_MEMORY_LIMIT", "4GB")
MPS_SPARK_MASTER = os.environ.get("MPS_SPARK_MASTER", "local[2]")
# Largest cost file accepted through the upload page (the command line has no limit).
MPS_FINOPS_UPLOAD_MAX_BYTES = int(os.environ.get("MPS_FINOPS_UPLOAD_MAX_BYTES", str(2 * 1024**3)))
# An import still running after this many minutes is taken as stopped (its worker died): `mps finops tick` fails it.
MPS_FINOPS_IMPORT_STALE_MINUTES = int(os.environ.get("MPS_FINOPS_IMPORT_STALE_MINUTES", "360"))

# --- CyberX scanner -------------------------------------------------------------------------
# Targets scanned at once; wall-clock seconds per target for all its checks (a check still running then becomes an
# ERROR result); seconds per connection or DNS query; days before an organisation's assets are scanned again.
MPS_CYBER_SCAN_CONCURRENCY = int(os.environ.get("MPS_CYBER_SCAN_CONCURRENCY", "16"))
MPS_CYBER_TARGET_TIMEOUT = float(os.environ.get("MPS_CYBER_TARGET_TIMEOUT", "60"))
MPS_CYBER_TIMEOUT = float(os.environ.get("MPS_CYBER_TIMEOUT", "5"))
MPS_CYBER_RESCAN_DAYS = int(os.environ.get("MPS_CYBER_RESCAN_DAYS", "7"))
# DNS resolvers for the scanner (comma-separated IPs; empty = the system resolver).
MPS_CYBER_NAMESERVERS = env_list("MPS_CYBER_NAMESERVERS", [])
# Fixed addresses for host names, like curl --resolve: "www.example.no=192.0.2.10,mail.example.no=192.0.2.11".
MPS_CYBER_RESOLVE = dict(item.split("=", 1) for item in env_list("MPS_CYBER_RESOLVE", []) if "=" in item)
