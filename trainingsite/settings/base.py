"""Settings shared by every environment. dev, test and production import this and override."""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

INSTALLED_APPS = [
    # Ours, in dependency order: load_demo and dashboard panels follow this order.
    "trainingsite",
    "courses",
    "mentoring",
    "certification",
    "rotation",
    "reports",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # The library's version token at most once per request, and Wagtail's site from memory.
    "courses.catalogue.CatalogueMiddleware",
    "trainingsite.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out login before any password is checked. Then Django's
# ModelBackend, whose get_user also loads the person's roles (one query per request, not two).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "trainingsite.backends.RoleModelBackend",
]

ROOT_URLCONF = "trainingsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "trainingsite.wsgi.application"

# SQLite is the embedded default; DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/training)
# switches to PostgreSQL, the production database.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout keep the dev server and background commands from tripping over
    # each other's write locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Connections persist here too (CONN_MAX_AGE above): closing SQLite's last connection checkpoints
    # the WAL into the database file and syncs it, which cost ~30 ms on every request that used it.

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The users are Russian-speaking support teams; English is the second language.
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "training@localhost")

# Tasks run inline unless a backend is named; production runs the database backend's worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Wagtail
WAGTAIL_SITE_NAME = _("Support training")
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# On PostgreSQL, Russian stemming lets "пароль" find "пароля"; SQLite's FTS ignores the setting.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "russian"}
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Avatars from an outside service break behind strict office proxies.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# Login throttling (django-axes). Failures count per account *and* address together, so somebody
# hammering one login from one place cannot lock a whole office (one NAT address) out, nor lock a
# person out from everywhere. Attempts are kept in the database: shared by every app process.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "trainingsite.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "trainingsite.security.client_ip"
AXES_VERBOSE = False
# How many reverse proxies (each appending to X-Forwarded-For) stand in front of the app.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Content-Security-Policy (django-csp). Front-end pages run no inline script or style and load
# nothing from elsewhere; the Wagtail admin, which still needs inline code and eval, gets the looser
# ADMIN_CSP_EXTRA on top (trainingsite/middleware.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # Lesson videos are embedded from the providers editors use.
        "frame-src": [
            "'self'",
            *os.environ.get(
                "CSP_FRAME_SRC", "https://www.youtube.com https://player.vimeo.com https://rutube.ru"
            ).split(),
        ],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
ADMIN_CSP_EXTRA = {
    "script-src": ["'unsafe-inline'", "'unsafe-eval'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["blob:"],
}

# The organisation
SITE_URL = WAGTAILADMIN_BASE_URL
TRAINING_DEFAULT_MENTOR_CAPACITY = 3
# A person hired within this many days counts as a newcomer on the team lead's dashboard.
TRAINING_NEWCOMER_DAYS = 180

# Documents are lesson material: serve every download through Django so courses'
# `before_serve_document` hook checks who may read the lessons using the file (never a direct
# media URL, which the web server would hand to anyone).
WAGTAILDOCS_SERVE_METHOD = "serve_view"

# The default cache is per process (rendered lesson bodies: cheap to rebuild). Throttles need one
# count shared by every app process, so they use the database cache table created by
# `manage.py createcachetable` (run by `make migrate` and in docs/deploy.md).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "training_throttle_cache",
        "TIMEOUT": 120,
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    },
}
# Lookups of the public certificate page allowed per client address and minute.
CERTIFICATE_VERIFY_PER_MINUTE = int(os.environ.get("CERTIFICATE_VERIFY_PER_MINUTE", "30"))
# A training path in the same stage for more than this many days is highlighted as stuck to the
# team lead: a programme of two weeks and one of two months stall at different paces.
MENTORING_STUCK_AFTER_DAYS = int(os.environ.get("MENTORING_STUCK_AFTER_DAYS", "14"))
