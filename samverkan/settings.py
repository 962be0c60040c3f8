"""Samverkan's settings, read from environment variables with defaults that work locally."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_int_list(name: str, default: str) -> list[int]:
    try:
        return [int(item) for item in env_list(name, default)]
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be whole numbers separated by commas, not {env_str(name, '')!r}"
        ) from None


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# In production the service is reached over HTTPS only, usually behind a proxy that terminates TLS.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_HTTPONLY = True
# A session ends after an hour without a request, and after a working day whatever happens.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 60 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 8 * 60 * 60)
# Renewing the idle timeout writes the session; once a minute is precise enough and spares the database.
SESSION_RENEW_SECONDS = 60
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Everything the pages load is our own (no CDN); no inline script or style, no framing, forms post only to us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
    "django_tasks",
    "jobs.apps.TaskQueueConfig",  # django-tasks-db, named in the administration's language
    "jobs",
    "samverkan.lib",
    "agreements",
    "accounts",
    "focusareas",
    "documents",
    "followup",
    "exports",
    "situation",
    "demo",
    "transfer",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samverkan.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "samverkan.sessions.SessionTimeoutMiddleware",
    "samverkan.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samverkan.urls"
WSGI_APPLICATION = "samverkan.wsgi.application"

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
                "django.template.context_processors.i18n",
                "samverkan.sessions.session_timeout",
            ],
        },
    },
]

# Widgets such as the rich-text editor have their templates in templates/widgets/.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock at the start of a transaction instead of failing halfway through it, and
    # readers do not wait for writers.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The HTML of pages' parts (each focus area and section, a whole document, a list's rows), keyed by what they show,
# the language and the reader's edit rights: what has not changed is not rendered again. `{% cache %}` uses it by
# its name. By default each process keeps its own, bounded by count; FRAGMENT_CACHE_URL (redis://…) shares one
# between every process and server, bounded in bytes by Redis's own maxmemory.
FRAGMENT_CACHE_URL = env_str("FRAGMENT_CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "template_fragments": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": FRAGMENT_CACHE_URL,
            "KEY_PREFIX": "samverkan-fragments",
            "TIMEOUT": 86400,
        }
        if FRAGMENT_CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "template_fragments",
            "TIMEOUT": 86400,
            "OPTIONS": {"MAX_ENTRIES": env_int("FRAGMENT_CACHE_ENTRIES", 2000)},
        }
    ),
}

# Work done outside the request (e-mails, PDFs laid out in advance, periodic jobs) goes through Django's Tasks API
# (django-tasks, the backport of Django 6's django.tasks). The default keeps the queue in the database, so
# `python manage.py db_worker` on any number of machines takes the tasks; TASKS_BACKEND chooses another backend.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A task meeting a passing failure (the mail server down) is tried this many times in all, waiting
# TASK_RETRY_SECONDS after the first attempt and twice as long after each further one (1, 2, 4, 8 minutes).
TASK_ATTEMPTS = env_int("TASK_ATTEMPTS", 5)
TASK_RETRY_SECONDS = env_int("TASK_RETRY_SECONDS", 60)
# Each worker shows it is alive this often (and then enqueues the periodic jobs that are due); one silent for
# TASK_WORKER_LOST_SECONDS is taken for dead, and the task it was running goes back to the queue.
TASK_HEARTBEAT_SECONDS = env_int("TASK_HEARTBEAT_SECONDS", 10)
TASK_WORKER_LOST_SECONDS = env_int("TASK_WORKER_LOST_SECONDS", 60)
# Finished tasks stay in the queue's table (and the administration) this long.
TASK_RESULTS_DAYS = env_int("TASK_RESULTS_DAYS", 30)

# Reminders: this many days before a year's follow-up is due, each responsible party's users are reminded; a review
# that has waited this many days is reminded to the police's reviewers (and again after as many more).
FOLLOW_UP_REMINDER_DAYS = env_int_list("FOLLOW_UP_REMINDER_DAYS", "30,14,3")
REVIEW_REMINDER_DAYS = env_int("REVIEW_REMINDER_DAYS", 14)

# A PDF is laid out in a child process stopped after this long (below gunicorn's timeout, so the worker lives to
# answer) or when it needs this much memory: one document out of all proportion must not take the service down.
PDF_RENDER_SECONDS = env_int("PDF_RENDER_SECONDS", 45)
PDF_RENDER_MEMORY_MB = env_int("PDF_RENDER_MEMORY_MB", 1024)
# PDFs laid out are kept in the database for every worker and machine, by a digest of their content: none larger
# than PDF_CACHE_ENTRY_MB, and the least recently used deleted once all together pass PDF_CACHE_TOTAL_MB.
PDF_CACHE_ENTRY_BYTES = env_int("PDF_CACHE_ENTRY_MB", 20) * 1024 * 1024
PDF_CACHE_TOTAL_BYTES = env_int("PDF_CACHE_TOTAL_MB", 500) * 1024 * 1024
# After every change to a draft agreement or follow-up report a task lays its PDF out into that cache, so that the
# PDF button finds it there; off, a draft's PDF is laid out when it is first asked for.
PDF_IN_ADVANCE = env_bool("PDF_IN_ADVANCE", True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Repeated failed logins lock the username for a while, and only that username's own login forgives them. An
# address is locked only at a far higher count: a municipality's staff share one address behind its NAT, and
# five typing mistakes among them must not lock them all out.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 50)
AXES_COOLOFF_TIME = timedelta(seconds=env_int("LOGIN_LOCKOUT_SECONDS", 900))
# A successful login deletes the failures these parameters match, so none may be the address alone: any account's
# login would wipe every failure from its address. The pair locks no sooner than the username alone; it is listed
# because axes' check (W006) asks that the address be counted, which LoginThrottle does across usernames.
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_HANDLER = "samverkan.sessions.LoginThrottle"
AXES_LOCKOUT_CALLABLE = "samverkan.sessions.login_locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "samverkan.sessions.client_address"
AXES_USERNAME_CALLABLE = "samverkan.sessions.attempted_username"
# The number of reverse proxies in front of the service, each adding to X-Forwarded-For.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
CSRF_FAILURE_VIEW = "samverkan.views.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Who changed what is recorded per request; the history pages read these records.
SIMPLE_HISTORY_REVERT_DISABLED = True

# The address of the service as users reach it, for links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The weekly EST survey: how long a reporter's personal link works, and how long the free texts of answers are kept
# (personal data) before a periodic job empties them; the ratings are kept.
EST_ANSWER_LINK_DAYS = env_int("EST_ANSWER_LINK_DAYS", 4)
EST_FREE_TEXT_RETENTION_DAYS = env_int("EST_FREE_TEXT_RETENTION_DAYS", 90)
# Logins, failed logins and refused requests go to the "samverkan.security" logger (stderr by default), the
# queue's retries and failures to "samverkan.tasks".
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "samverkan.security": {"handlers": ["console"], "level": "INFO"},
        # Tasks tried again (WARNING) and tasks that failed for good (ERROR).
        "samverkan.tasks": {"handlers": ["console"], "level": "INFO"},
        "django.security": {"handlers": ["console"], "level": "INFO"},
        "django.request": {"handlers": ["console"], "level": "WARNING"},
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "samverkan@localhost")
