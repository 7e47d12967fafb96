"""Django settings. Everything an operator may change comes from the environment (see README)."""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url

from gazette.ai.config import llm_config_from_env
from gazette.conf import ConfigError, env_bool, env_choice, env_float, env_int, env_list, env_str
from gazette.ingest.config import ingest_config_from_env
from gazette.jobs.config import jobs_config_from_env
from gazette.stories.config import embedding_model_from_env

BASE_DIR = Path(__file__).resolve().parent


def _data_dir() -> Path:
    """GAZETTE_DATA_DIR, else `data/` in the project folder (the checkout the package runs from).

    Never the working directory: `.venv/bin/gazette` started from another folder would quietly make a
    new, empty database there. Installed outside a checkout there is no project folder to default to,
    so the operator has to say where the data lives."""
    configured = env_str("GAZETTE_DATA_DIR").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    project = BASE_DIR.parent
    if (project / "pyproject.toml").is_file():
        return project / "data"
    raise ConfigError(
        "GAZETTE_DATA_DIR is not set, and Gazette is installed outside a source checkout, so it has "
        "no data folder to default to: set GAZETTE_DATA_DIR to the folder that holds (or will hold) "
        "its database and secret key"
    )


DATA_DIR = _data_dir()


def _secret_key() -> str:
    """GAZETTE_SECRET_KEY, else a random key kept in the data folder so sessions survive restarts."""
    key = env_str("GAZETTE_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


DEBUG = env_bool("GAZETTE_DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("GAZETTE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("GAZETTE_CSRF_TRUSTED_ORIGINS")
try:
    # Reverse proxies whose X-Forwarded-For is believed, so per-address limits see readers, not the proxy.
    GAZETTE_TRUSTED_PROXIES = [
        ipaddress.ip_network(value, strict=False) for value in env_list("GAZETTE_TRUSTED_PROXIES")
    ]
except ValueError as error:
    raise ConfigError(f"GAZETTE_TRUSTED_PROXIES: {error}") from error
try:
    # Who may read /metrics: the client address as seen through the trusted proxies above.
    GAZETTE_METRICS_ALLOW = [
        ipaddress.ip_network(value, strict=False)
        for value in env_list("GAZETTE_METRICS_ALLOW", "127.0.0.1,::1")
    ]
except ValueError as error:
    raise ConfigError(f"GAZETTE_METRICS_ALLOW: {error}") from error
# prometheus_client reads this variable itself, when it is imported; it is read here too so that a
# missing folder stops the program at start-up instead of failing the first metric a process counts.
PROMETHEUS_MULTIPROC_DIR = env_str("PROMETHEUS_MULTIPROC_DIR")
if PROMETHEUS_MULTIPROC_DIR and not Path(PROMETHEUS_MULTIPROC_DIR).is_dir():
    raise ConfigError(f"PROMETHEUS_MULTIPROC_DIR={PROMETHEUS_MULTIPROC_DIR!r} is not an existing folder")
PUBLIC_URL = env_str("GAZETTE_PUBLIC_URL").rstrip("/")
if PUBLIC_URL and not PUBLIC_URL.startswith(("http://", "https://")):
    raise ConfigError(f"GAZETTE_PUBLIC_URL={PUBLIC_URL!r} must start with http:// or https://")

INSTALLED_APPS = [
    "gazette.accounts.apps.AdminConfig",  # django.contrib.admin, its login limited like the site's
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "gazette.sources",
    "gazette.articles",
    "gazette.stories",
    "gazette.jobs",
    "gazette.ai",
    "gazette.web",
    "gazette.accounts",
    "ninja",  # serves the API docs' assets from this site, never from a CDN
    "gazette.api",
    "gazette.feeds",
]

MIDDLEWARE = [
    "gazette.ops.middleware.RequestTimingMiddleware",  # first, so it times everything below
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (its files are compressed once, when collected), above everything that writes a
    # body; the BREACH reasoning is in its module.
    "gazette.ops.compression.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "gazette.urls"
WSGI_APPLICATION = "gazette.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'gazette.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the poller writes; a busy timeout rides out short write locks.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
    }
    _db_file = Path(str(DATABASES["default"]["NAME"]))
    if str(_db_file) != ":memory:" and not str(_db_file).startswith("file:"):
        # Password hashes and sessions live in this file: readable by its owner only (SQLite gives
        # its -wal and -shm files the same mode).
        _db_file.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(_db_file, os.O_CREAT | os.O_RDWR, 0o600))
        if _db_file.stat().st_mode & 0o077:
            _db_file.chmod(0o600)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rendered pages and a few computed lists live in the cache. By default each process keeps its own (fast,
# nothing to run); with several web workers or machines, a Redis URL shares them. Rate-limit counters are
# rows of the database (web/ratelimit.py), shared by every process whatever the cache.
CACHE_URL = env_str("GAZETTE_CACHE_URL")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            # Django's RedisCache, served from process memory while Redis is down (ops/cache.py).
            "BACKEND": "gazette.ops.cache.FallbackRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "gazette",
        }
    }
elif CACHE_URL:
    raise ConfigError(f"GAZETTE_CACHE_URL must be a redis://, rediss:// or unix:// URL, not {CACHE_URL!r}")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("GAZETTE_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Collected static files belong to the installation, not to one site's data: several data folders (or a
# test run's many) can share one collection, made once.
STATIC_ROOT = Path(env_str("GAZETTE_STATIC_ROOT", str(DATA_DIR / "static"))).resolve()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS-only cookies, redirect and HSTS are off by default: the default install serves plain http, where
# browsers may refuse Secure cookies, and then logging in and every form would fail.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("GAZETTE_SECURE_COOKIES", False)
# Behind a TLS proxy the redirect needs X-Forwarded-Proto, which gunicorn trusts only from this machine
# (its FORWARDED_ALLOW_IPS variable widens that); from an untrusted proxy every request would loop.
SECURE_SSL_REDIRECT = env_bool("GAZETTE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("GAZETTE_HSTS_SECONDS", 0, minimum=0)

LOG_LEVEL = env_str("GAZETTE_LOG_LEVEL", "INFO").upper()
# json: one object per line, for log collectors (Loki, journald exports, ELK); text for people.
LOG_FORMAT = env_choice("GAZETTE_LOG_FORMAT", "text", ("text", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "trafilatura": {"level": "ERROR"},
        "htmldate": {"level": "ERROR"},
        "faiss": {"level": "WARNING"},
        "sentence_transformers": {"level": "WARNING"},
        "huey": {"level": "WARNING"},  # a line per task at INFO
    },
}

# Ingestion: the table and its validation live in gazette/ingest/config.py.
GAZETTE_INGEST = ingest_config_from_env()
# Background jobs (gazette/jobs/config.py).
GAZETTE_JOBS = jobs_config_from_env()
# Web server processes of `gazette serve` and `gazette web`.
GAZETTE_WEB_WORKERS = env_int("GAZETTE_WEB_WORKERS", 2, minimum=1)

# Reader site

GAZETTE_SITE_NAME = env_str("GAZETTE_SITE_NAME", "Gazette")
GAZETTE_MEDIA_PROXY = env_bool("GAZETTE_MEDIA_PROXY", False)
GAZETTE_MEDIA_PROXY_MAX_BYTES = env_int("GAZETTE_MEDIA_PROXY_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
# Seconds one proxied image may take in all (lookups, redirects, the whole body): a web thread waits that long.
GAZETTE_MEDIA_PROXY_TIMEOUT = env_float("GAZETTE_MEDIA_PROXY_TIMEOUT", 10.0, minimum=0.1)
# Proxied images fetched at once by one web process, whose others answer 503: with gunicorn's 4 threads
# a process, slow images can hold at most half of them and the pages still have the rest.
GAZETTE_MEDIA_PROXY_CONCURRENCY = env_int("GAZETTE_MEDIA_PROXY_CONCURRENCY", 2, minimum=1)

# Content-Security-Policy on every response that does not set its own (the media proxy does): the
# site's own scripts and styles only, no inline script or style, nothing from third-party origins
# but images, which come from publishers unless the media proxy serves them.
_IMAGES = ("'self'", "data:") if GAZETTE_MEDIA_PROXY else ("'self'", "data:", "https:", "http:")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ("'self'",),
        "script-src": ("'self'",),
        "style-src": ("'self'",),
        "img-src": _IMAGES,
        "font-src": ("'self'", "data:"),
        "connect-src": ("'self'",),
        "media-src": ("'self'",),
        "worker-src": ("'self'",),
        "manifest-src": ("'self'",),
        "object-src": ("'none'",),
        "base-uri": ("'self'",),
        "form-action": ("'self'",),
        "frame-ancestors": ("'none'",),
    }
}
# "Ask about this article": questions each reader (session, else IP address) may ask.
GAZETTE_ASK_RATE_PER_MINUTE = env_int("GAZETTE_ASK_RATE_PER_MINUTE", 10, minimum=1)
GAZETTE_ASK_RATE_PER_DAY = env_int("GAZETTE_ASK_RATE_PER_DAY", 100, minimum=1)

# Reader accounts (gazette.accounts): Django's own auth; sign-ups counted per IP address, comments per reader.
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:front"
LOGOUT_REDIRECT_URL = "web:front"
GAZETTE_SIGNUP_RATE_PER_HOUR = env_int("GAZETTE_SIGNUP_RATE_PER_HOUR", 5, minimum=1)
GAZETTE_SIGNUP_RATE_PER_DAY = env_int("GAZETTE_SIGNUP_RATE_PER_DAY", 20, minimum=1)
GAZETTE_COMMENT_RATE_PER_MINUTE = env_int("GAZETTE_COMMENT_RATE_PER_MINUTE", 3, minimum=1)
GAZETTE_COMMENT_RATE_PER_DAY = env_int("GAZETTE_COMMENT_RATE_PER_DAY", 50, minimum=1)
# Comments from one IP address per hour, whoever is signed in: many fresh accounts on one network.
GAZETTE_COMMENT_RATE_PER_ADDRESS_PER_HOUR = env_int(
    "GAZETTE_COMMENT_RATE_PER_ADDRESS_PER_HOUR", 60, minimum=1
)
# How long after posting a reader may still edit a comment (the edit is marked).
GAZETTE_COMMENT_EDIT_MINUTES = env_int("GAZETTE_COMMENT_EDIT_MINUTES", 15, minimum=0)
# What happens to a closed account's comments: "keep" them under "deleted reader", or "remove" them (one
# that others replied to stays as "[deleted]" so the replies keep their place).
GAZETTE_DELETED_ACCOUNT_COMMENTS = env_choice("GAZETTE_DELETED_ACCOUNT_COMMENTS", "keep", ("keep", "remove"))
# Accounts younger than this many hours may put at most GAZETTE_COMMENT_NEW_ACCOUNT_LINKS links in a comment.
GAZETTE_COMMENT_NEW_ACCOUNT_HOURS = env_int("GAZETTE_COMMENT_NEW_ACCOUNT_HOURS", 24, minimum=0)
GAZETTE_COMMENT_NEW_ACCOUNT_LINKS = env_int("GAZETTE_COMMENT_NEW_ACCOUNT_LINKS", 1, minimum=0)
# Reports from this many different readers hide a comment until a moderator looks at it.
GAZETTE_COMMENT_REPORTS_TO_HIDE = env_int("GAZETTE_COMMENT_REPORTS_TO_HIDE", 3, minimum=1)
# Failed logins per hour from one IP address, and for one username; past it the password is not checked.
GAZETTE_LOGIN_FAILURES_PER_HOUR = env_int("GAZETTE_LOGIN_FAILURES_PER_HOUR", 10, minimum=1)
# Whether readers (not only staff) may add new feeds from a reader app; following known sources is always open.
GAZETTE_READERS_ADD_SOURCES = env_bool("GAZETTE_READERS_ADD_SOURCES", False)
# Password-reset mails asked for per hour from one IP address, and to one address.
GAZETTE_PASSWORD_RESET_RATE_PER_HOUR = env_int("GAZETTE_PASSWORD_RESET_RATE_PER_HOUR", 5, minimum=1)
PASSWORD_RESET_TIMEOUT = 3 * 3600  # a reset link works for three hours

# E-mail (password resets): printed to the console until an SMTP host is set.
EMAIL_HOST = env_str("GAZETTE_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("GAZETTE_EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("GAZETTE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("GAZETTE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("GAZETTE_EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("GAZETTE_EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("GAZETTE_EMAIL_FROM", "gazette@localhost")
# New accounts confirm their e-mail address (a signed link sent at sign-up) before they may comment.
GAZETTE_EMAIL_VERIFICATION = env_bool("GAZETTE_EMAIL_VERIFICATION", False)
# The hour of the day (GAZETTE_TIME_ZONE) from which readers who asked for it get their daily digest.
GAZETTE_DIGEST_HOUR = env_int("GAZETTE_DIGEST_HOUR", 7, minimum=0)
if GAZETTE_DIGEST_HOUR > 23:
    raise ConfigError(f"GAZETTE_DIGEST_HOUR={GAZETTE_DIGEST_HOUR} must be an hour from 0 to 23")

# Stories and AI
GAZETTE_EMBEDDINGS = env_bool("GAZETTE_EMBEDDINGS", True)  # off: no sentence embeddings even if installed
# The sentence-transformers model: the bundled one, a name in the Hugging Face cache, or a folder.
GAZETTE_EMBEDDING_MODEL = embedding_model_from_env()
# The spaCy pipeline that finds entities: empty is the bundled en_core_web_sm; else a package name or folder.
GAZETTE_NER_MODEL = env_str("GAZETTE_NER_MODEL", "")
# Threads torch may use for embeddings in one worker process: the worker's extraction processes and
# other workers want the other cores, and torch's threads lose far more than they gain when they
# have to share them (bench/ingest_e2e.py).
GAZETTE_EMBED_THREADS = env_int("GAZETTE_EMBED_THREADS", 1, minimum=1)
# The language model, when one is configured (gazette/ai/config.py): every chat call goes through
# the gateway in gazette/ai/llm.py, which charges it against the daily limit.
GAZETTE_LLM = llm_config_from_env()
