"""Settings come from environment variables, with safe local defaults (SQLite, DEBUG off)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "planner",
    "planner.jobs",
    "planner.accounts",
    "planner.teamwork",
    "planner.lists",
    "planner.compose",
    "planner.api",
    "planner.webhooks",
    "planner.insights",
    "planner.reports",
]

MIDDLEWARE = [
    # First, so that every response gets Permissions-Policy and, unless it says how it may be
    # cached (static files), Cache-Control: private, no-store; the HTTPS redirect included.
    "planner.middleware.ResponseHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that may touch the database, so its 503 page still gets the policy.
    "csp.middleware.CSPMiddleware",
    # Database (or Redis) unreachable: a 503 page with Retry-After instead of a 500.
    "planner.middleware.ServiceUnavailableMiddleware",
    # A request body over its kind's limit: 413 before anything reads it (the CSRF check reads
    # request.POST). The limits: planner.middleware.body_limits.
    "planner.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "planner.middleware.FormErrorStatusMiddleware",
    # Last, as django-axes asks: turns a lockout flagged by its backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "planner.urls"
WSGI_APPLICATION = "planner.wsgi.application"

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
                "planner.context_processors.navigation",
            ],
        },
    },
]

# SQLite by default; DATABASE_URL (postgres://...) for PostgreSQL in CI and production.
# Persistent connections are checked before each request reuses them (conn_health_checks), so
# the app reconnects by itself after a database restart.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Whatever the database does or fails to do, no wait on it is unbounded: past a limit the
    # request gets the 503 page (planner.middleware) and the next request tries again.
    #
    # In the server (libpq `options`): statement_timeout cancels a statement that runs too long,
    # lock_timeout one that waits too long for a lock (shorter, so the log says which it was).
    # Two profiles, chosen by DB_TIMEOUT_PROFILE:
    #   web (default)  statement 5 s, lock 3 s. A page's queries take milliseconds (the
    #                  dashboard's 15 take 40 ms together at 100,000 tasks); a page that needs
    #                  more is a bug to fix. gunicorn's 30 s worker timeout is a backstop.
    #   worker         statement 300,000 ms (5 min), lock 30,000 ms (30 s): background jobs (the
    #                  worker process, `DB_TIMEOUT_PROFILE=worker python manage.py worker`) and
    #                  long commands (`migrate` on a large table, `seed_demo --tasks 100000`).
    # DB_STATEMENT_TIMEOUT_MS and DB_LOCK_TIMEOUT_MS override the profile's values (0: none).
    #
    # In the client: connect_timeout (DB_CONNECT_TIMEOUT, seconds) bounds connecting. A server
    # that keeps the connection open but never answers is ended only by planner.postgresql, the
    # ENGINE: each answer is awaited at most the statement timeout + 2 s, Django's check of a
    # reused connection ("SELECT 1") at most connect_timeout. TCP keepalives (a probe after 10 s
    # of silence, then every 5 s, dead after 3 unanswered) and tcp_user_timeout (sent data
    # unacknowledged for 10 s) notice a peer that vanished (host down, link cut) within ~25 s,
    # also on a connection idle between requests or under a job's long query.
    DB_TIMEOUT_PROFILES = {"web": (5_000, 3_000), "worker": (300_000, 30_000)}
    db_profile = os.environ.get("DB_TIMEOUT_PROFILE", "web")
    if db_profile not in DB_TIMEOUT_PROFILES:
        raise ImproperlyConfigured("DB_TIMEOUT_PROFILE must be 'web' or 'worker'.")
    statement_ms, lock_ms = DB_TIMEOUT_PROFILES[db_profile]
    statement_ms = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", statement_ms))
    lock_ms = int(os.environ.get("DB_LOCK_TIMEOUT_MS", lock_ms))
    connect_timeout = int(os.environ.get("DB_CONNECT_TIMEOUT", "3"))
    db_options = DATABASES["default"].setdefault("OPTIONS", {})
    # Options from DATABASE_URL (?options=...) come last, so they win.
    db_options["options"] = " ".join(
        filter(
            None,
            (
                f"-c statement_timeout={statement_ms} -c lock_timeout={lock_ms}",
                db_options.get("options"),
            ),
        )
    )
    for name, value in {
        "connect_timeout": connect_timeout,
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "tcp_user_timeout": 10_000,
    }.items():
        db_options.setdefault(name, value)
    DATABASES["default"].update(
        ENGINE="planner.postgresql",
        ANSWER_TIMEOUT=statement_ms / 1000 + 2 if statement_ms else None,
        HEALTH_CHECK_TIMEOUT=connect_timeout,
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the job worker share the file: write-ahead logging lets readers go on
    # while a job writes, IMMEDIATE transactions take the write lock up front (no deadlock
    # between two upgrading readers), and a writer waits up to 20 s for the lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and sessions: Redis when REDIS_URL is set (several app servers share them), otherwise
# the local-memory cache and sessions in the database.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "planner",
            # A Redis that does not answer fails the request quickly rather than hanging it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # cached_db: reads come from Redis, every write also goes to the database, so a Redis restart
    # or eviction logs nobody out (the pure "cache" engine would lose every session).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# django-axes checks for a lockout first and records every failure; allauth's backend logs
# people in, by username or by e-mail address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3  # a reset link works for three hours

# Accounts (django-allauth): sign-up, log-in, e-mail addresses, password reset, MFA.
ACCOUNT_ADAPTER = "planner.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "planner.accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# Nobody gets in (or joins a business) on an address they have not shown they read.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a link scanner opening the mail must not verify it
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
# Sign-up and reset answer the same whether or not the address has an account; the address's
# owner is told by e-mail instead.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # a reset for an unknown address mails nobody
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Campaign planner: "
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# allauth's limits, counted in the cache (Redis in production, so every server shares them).
# Failed passwords are django-axes's alone (5 per username and address, below): one mechanism;
# the adapter keeps allauth from counting them, so "login_failed" counts wrong MFA codes only.
ACCOUNT_RATE_LIMITS = {
    "signup": "5/10m/ip,20/d/ip",
    "login": "30/m/ip",
    "login_failed": "5/5m/key,20/m/ip",
    "reset_password": "10/h/ip,3/h/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key,5/d/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Campaign planner"
MFA_RECOVERY_CODE_COUNT = 10

# Failed logins (django-axes): 5 failures for one username from one IP address lock that
# combination for 15 minutes; a successful login clears the count. Failures are kept in the
# database, so every app server sees them.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout are refused without extending it: the page can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# "lena", "lena@example.com" and "LENA@example.com" are one account, so one counter.
AXES_USERNAME_CALLABLE = "planner.views.errors.lockout_username"
# Behind TRUSTED_PROXY_COUNT proxies the client address comes from X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "planner.views.errors.client_ip"
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_LOCKOUT_CALLABLE = "planner.views.errors.login_locked_out"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# In development static files are served from static/ directly, without collectstatic.
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded post images: checked in the form.
MAX_IMAGE_BYTES = 5 * 1024 * 1024
# Request bodies. planner.middleware.RequestBodyLimitMiddleware refuses (413) a body larger
# than its kind may be before reading any of it: an ad report 20 MB (ad_reports.MAX_BYTES), a
# business export 50 MB (BusinessImportForm.MAX_BYTES), a post with its image MAX_IMAGE_BYTES,
# each plus 64 KiB for the form around the file; every other request 1 MB (the login page too).
# Within those limits, Django's own:
# - an uploaded file over 2.5 MB (Django's default) is streamed to a temporary file instead of
#   memory, so a worker holds at most that much of an upload while receiving it;
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# - the form fields other than files (a post's text, the mapping step's choices) are at most
#   1 MB together, the same as the body limit of a form without a file;
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# - the mapping step of an ad-report import has a field for each campaign name nobody matched
#   yet, and a large account's report can name thousands: 10,000 fields (Django's default is
#   1,000), still far from a flood of fields that would cost time to parse;
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# - no form takes more than one file (the admin's neither): 10 at most (Django's default 100).
DATA_UPLOAD_MAX_NUMBER_FILES = 10

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Behind a TLS-terminating proxy in production.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe the app directly over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): the app's own files only. No inline script or style,
# no eval; JSON data travels in <script type="application/json"> (json_script), which is data,
# not script. Bootstrap's CSS draws its icons (select arrows, checkboxes) with data: SVGs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Background jobs (planner/jobs/): Django's Tasks API through the django-tasks backport.
# The database backend by default (jobs in the project's database, `manage.py worker` runs
# them); TASKS_BACKEND=rq puts them on Redis (REDIS_URL), where any number of workers on any
# number of machines take them from one queue.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "db")
if TASKS_BACKEND == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    raise ImproperlyConfigured("TASKS_BACKEND must be 'db' or 'rq'.")
RQ_QUEUES = {
    "default": {
        "URL": REDIS_URL or "redis://127.0.0.1:6379/0",
        # A job that runs longer than this is stopped by RQ (and retried by the job layer).
        "DEFAULT_TIMEOUT": 3600,
    }
}
# A running job writes its progress and a heartbeat this often; one silent for JOBS_STALE_SECONDS
# lost its worker and is run again.
JOBS_HEARTBEAT_SECONDS = int(os.environ.get("JOBS_HEARTBEAT_SECONDS", "5"))
JOBS_STALE_SECONDS = int(os.environ.get("JOBS_STALE_SECONDS", "60"))

# E-mail (password reset links): the console in development; SMTP in production, e.g.
# EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend EMAIL_HOST=smtp.example.com.
# Mail is sent from jobs (planner/jobs/mail.py): EMAIL_BACKEND queues, JOBS_EMAIL_BACKEND sends.
EMAIL_BACKEND = "planner.jobs.mail.JobEmailBackend"
JOBS_EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Campaign planner <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the links in e-mails sent without a request (notifications, digests) point: the
# address people open the planner at, without a trailing slash.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}


# The API (planner/api): keys or the session, JSON only, paged by cursor, one rate per caller.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "planner.api.authentication.ApiKeyAuthentication",
        "planner.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["planner.api.parsers.BoundedJSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["planner.api.throttling.CallerThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "planner.api.pagination.ApiCursorPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "EXCEPTION_HANDLER": "planner.api.errors.api_exception_handler",
}
# Requests per caller (an API key, a user, or an address without either): "600/minute".
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/minute")

SPECTACULAR_SETTINGS = {
    "TITLE": "Campaign planner API",
    "DESCRIPTION": (
        "A business's platforms, campaigns, organic posts (SMO) and paid ads (SMM), their time "
        "and results, and the organic / paid split. Authenticate with an API key "
        "(`Authorization: Bearer cp_…`, created by an owner on the business's API keys page) "
        "or, from the app's own pages, the session (with its CSRF token). Lists are paged by "
        "cursor: follow `next`. A change sends If-Match with the row's ETag."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Swagger UI's files from drf-spectacular-sidecar: served by the app, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "planner.api.schema.error_responses",
    ],
    # Operations grouped by resource: platforms, campaigns, smo-tasks…
    "SCHEMA_PATH_PREFIX": r"/api/v1(/businesses/\{business_id\})?",
}

# Webhooks (planner/webhooks): a delivery waits this long for the receiver's answer. Private,
# loopback and link-local addresses are refused (server-side request forgery) unless allowed,
# for a self-hosted setup whose receivers are on its own network.
WEBHOOKS_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOKS_TIMEOUT_SECONDS", "5"))
WEBHOOKS_ALLOW_PRIVATE = os.environ.get("WEBHOOKS_ALLOW_PRIVATE", "") == "1"
