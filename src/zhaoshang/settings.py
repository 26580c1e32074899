"""Django settings for zhaoshang, read from the environment.

Every value comes from an environment variable through a helper that refuses a
bad value with the variable's name (see `zhaoshang.lib.env`). The data folder is
`ZHAOSHANG_DATA_DIR` (the CLI's `--data-dir` sets it), else the user's data folder.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from zhaoshang.core import datadir
from zhaoshang.lib.env import (
    default_data_dir,
    env_bool,
    env_int,
    env_list,
    env_str,
    parse_database_url,
)

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = default_data_dir()


def _secret_key() -> str:
    """The environment's SECRET_KEY, else one generated once and kept in the data folder."""
    key = env_str("SECRET_KEY")
    if key:
        return key
    return datadir.read_or_create_secret_key(DATA_DIR)


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
BEHIND_HTTPS_PROXY = env_bool("BEHIND_HTTPS_PROXY", False)
# The reverse proxy whose X-Forwarded-* headers waitress believes (`zhaoshang serve`).
TRUSTED_PROXY = env_str("TRUSTED_PROXY", "127.0.0.1" if BEHIND_HTTPS_PROXY else "")
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",  # sign-in throttling: failures per account and per address, admin unlock
    "csp",  # Content-Security-Policy header on every response
    "ninja",  # serves the API docs' Swagger UI from its own static files: works offline
    "zhaoshang.core",
    "zhaoshang.regions",
    "zhaoshang.industries",
    "zhaoshang.enterprises",
    "zhaoshang.projects",
    "zhaoshang.chains",
    "zhaoshang.clusters",
    "zhaoshang.progress",
    "zhaoshang.cockpit",
    "zhaoshang.excel",
    "zhaoshang.intel",
    "zhaoshang.dossier",
    "zhaoshang.leads",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "zhaoshang.core.middleware.BusyDatabaseMiddleware",  # 503 "busy, try again", not 500
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zhaoshang.core.middleware.SessionMiddleware",  # Django's; busy while saving: 503
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the 429 answer
]

ROOT_URLCONF = "zhaoshang.urls"
WSGI_APPLICATION = "zhaoshang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
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


def _databases() -> dict[str, dict[str, object]]:
    url = env_str("DATABASE_URL")
    if url:
        db = parse_database_url(url)
        if db.engine == "postgresql":
            return {
                "default": {
                    "ENGINE": "django.db.backends.postgresql",
                    "NAME": db.name,
                    "USER": db.user,
                    "PASSWORD": db.password,
                    "HOST": db.host,
                    "PORT": db.port,
                    "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60, minimum=0),
                    "CONN_HEALTH_CHECKS": True,
                    # A statement waiting this long for a lock gives up (LockNotAvailable),
                    # and the request answers 503 "busy, try again" instead of hanging.
                    # JIT off: it compiles each costly query anew, seconds on a busy server
                    # for queries that run in milliseconds (the clusters page: 2.8 s → …).
                    "OPTIONS": {
                        "options": (
                            f"-c lock_timeout={env_int('DB_LOCK_TIMEOUT', 20, minimum=1)}s "
                            "-c jit=off"
                        )
                    },
                }
            }
        sqlite_path = datadir.prepare_sqlite_file(Path(db.name))
    else:
        sqlite_path = datadir.prepare_sqlite_file(DATA_DIR / "zhaoshang.sqlite3")
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": sqlite_path,
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; IMMEDIATE takes the
                # write lock at BEGIN so two writers queue instead of failing mid-way.
                "transaction_mode": "IMMEDIATE",
                "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20, minimum=1),
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000;"
                ),
            },
            "TEST": {"NAME": env_str("SQLITE_TEST_NAME") or None},
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first, as Django's docs recommend: memory-hard (100 MiB a check with Django's
# parameters), and its work runs on 8 threads, so on a multi-core server a sign-in waits
# a fraction of PBKDF2's single-threaded 1,000,000 rounds for about the same CPU (0.2 s;
# bench/pages.py prints both). A password stored with one of the others still signs in,
# and Django rewrites its hash with Argon2 on that sign-in (tests/core/test_password_hashers.py).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Sign-in throttling (django-axes; our pieces in zhaoshang.core.views). After
# LOGIN_FAILURE_LIMIT failed sign-ins to one account, or LOGIN_FAILURE_LIMIT_PER_ADDRESS from
# one address (any accounts), within LOGIN_COOLOFF_MINUTES, sign-ins there are refused for
# that long (429). A successful sign-in forgets its own account's failures from its address.
AUTHENTICATION_BACKENDS = [
    "zhaoshang.core.views.LoginThrottleBackend",  # axes' lockout check, first
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "zhaoshang.core.views.LoginAttempts"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=3)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int(
    "LOGIN_FAILURE_LIMIT_PER_ADDRESS", 20, minimum=AXES_FAILURE_LIMIT
)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = "zhaoshang.core.views.lockout_parameters"
AXES_CLIENT_IP_CALLABLE = "zhaoshang.core.views.client_address"  # X-Forwarded-For: TRUSTED_PROXY
AXES_LOCKOUT_CALLABLE = "zhaoshang.core.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
# A sign-in tried while locked does not restart the cool-off: the page's "N minutes" holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # successes are not stored (Django keeps last_login)
AXES_VERBOSE = False  # log lines carry the account, the address and the path only
AXES_SENSITIVE_PARAMETERS: list[str] = []  # the log names account and address; never passwords
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# Content-Security-Policy (django-csp): scripts only from our own static files, never
# inline, so data that slips into HTML unescaped still cannot run. ECharts and htmx set
# element styles, hence 'unsafe-inline' for styles only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

STATIC_URL = "/static/"
STATIC_ROOT = env_str("STATIC_ROOT") or None  # only for `collectstatic` behind a web server
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Serve straight from the package's static folders: no collectstatic step for the demo.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A 403 is one line, not a traceback; a 500 keeps its traceback.
    "filters": {"one_line_refusals": {"()": "zhaoshang.core.middleware.OneLineRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["one_line_refusals"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING").upper()},
}

# Business settings (an administrator may change them through the environment).
ZHAOSHANG_HOME_COUNTY = env_str("ZHAOSHANG_HOME_COUNTY", "320582")  # 张家港市
# the county, prefecture city or province served, by code or name (regions.home)
ZHAOSHANG_HOME_REGION = env_str("ZHAOSHANG_HOME_REGION", ZHAOSHANG_HOME_COUNTY)
# computed figures kept per process until the next committed write (core.figcache)
ZHAOSHANG_FIGURE_CACHE = env_bool("ZHAOSHANG_FIGURE_CACHE", True)
ZHAOSHANG_FIGURE_CACHE_ENTRIES = env_int("ZHAOSHANG_FIGURE_CACHE_ENTRIES", 64, minimum=1)
ZHAOSHANG_SITE_NAME = _("Zhangjiagang major projects")
# OC4IDS open-data export (projects.oc4ids): the project identifier prefix registered for
# the publisher (default oc4ids-<home county code>-), the publisher's name (default the home
# county's name) and the data licence (default CC BY 4.0)
ZHAOSHANG_OC4IDS_PREFIX = env_str("ZHAOSHANG_OC4IDS_PREFIX", "")
ZHAOSHANG_OC4IDS_PUBLISHER = env_str("ZHAOSHANG_OC4IDS_PUBLISHER", "")
ZHAOSHANG_OC4IDS_LICENSE = env_str("ZHAOSHANG_OC4IDS_LICENSE", "")
# estimates of undisclosed capex, jobs and output: the smallest group they are taken from
ZHAOSHANG_ESTIMATE_MIN_SAMPLE = env_int("ZHAOSHANG_ESTIMATE_MIN_SAMPLE", 5, minimum=1)
# impact: a YAML multiplier table in the packaged one's format (empty: the packaged table)
ZHAOSHANG_IMPACT_TABLE = env_str("ZHAOSHANG_IMPACT_TABLE", "")

# E-mail (the weekly lead digest, `zhaoshang leads digest`): printed on the console unless
# an administrator names a mail backend and server.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "zhaoshang@localhost")
