"""Settings for the newsroom project, read from the environment.

Every variable is listed in README.md. The defaults suit a newcomer's machine:
SQLite under var/, DEBUG on, a throwaway secret key.
"""

import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the site needs its own secret: set the SECRET_KEY "
            "environment variable to a long random string, for example the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    SECRET_KEY = "dev-only-insecure-key-change-me"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# The site's public address, e.g. https://news.example.org: canonical links,
# hreflang, Open Graph, JSON-LD, feeds, the sitemap and robots.txt are built
# from it, never from the request's Host header, so a request with a forged
# Host cannot change a link another reader is served. Empty (a newcomer's
# machine): links follow the request, and `check --deploy` warns.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if SITE_URL and not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?", SITE_URL):
    raise ImproperlyConfigured(
        f"SITE_URL must be a scheme and a host with no path, like https://news.example.org, not {SITE_URL!r}."
    )

# The proxies in front (nginx: deploy/nginx.conf): addresses or networks
# whose X-Forwarded-For and X-Forwarded-Proto are believed, and how many
# proxies stand between the client and the site. Requests from anywhere else
# have those headers removed (newsroom/proxies.py). gunicorn.conf.py trusts
# the same addresses. Empty: believe no one.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1")
XFF_TRUSTED_PROXY_DEPTH = int(os.environ.get("TRUSTED_PROXY_DEPTH", "1"))

# Served over HTTPS in production (behind a proxy that sets X-Forwarded-Proto):
# redirect to it, secure cookies, HSTS. HTTPS=0 turns these off for a server
# reached over plain HTTP on this machine (the benchmarks).
HTTPS = env_bool("HTTPS", not DEBUG)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# The admin's forms carry the token in a hidden field; no script needs the cookie.
CSRF_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it has to come before it.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "nested_admin",
    "reversion",
    "axes",
    "imagekit",
    # The archive's content; the apps after it depend on it, never the reverse
    # (an import-linter contract in pyproject.toml keeps it so). search comes
    # before pagecache: both follow articles.changes.content_changed, in this
    # order, so the index is current before the page cache's version moves.
    "articles",
    "desk",
    "comments",
    "search",
    "pagecache",
]

MIDDLEWARE = [
    # First: the client's address and scheme, from the proxy in front only.
    "newsroom.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Right after security, so static files skip the rest (WhiteNoise docs).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag from the content; If-None-Match then gets 304 Not Modified.
    "django.middleware.http.ConditionalGetMiddleware",
    # Anonymous reader pages from the site's cache, before the rest of the
    # stack runs; says in HTTP who may keep a page (public, or private for
    # editors and flash messages). Inside ConditionalGet, which answers 304.
    "pagecache.middleware.PageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions (it may read the language from them), before common
    # (which needs the language to redirect correctly).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its own page.
    "axes.middleware.AxesMiddleware",
    # Marks reader pages for the page cache once the URL is resolved.
    "pagecache.middleware.ReaderPageMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Password guessing: after AXES_FAILURE_LIMIT failed logins for a username
# from one address, that pair is locked out for AXES_COOLOFF_HOURS.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# No inline scripts or styles anywhere; JSON-LD blocks are data, not scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
            ],
        },
    },
]

SQLITE_PATH = BASE_DIR / "var" / "db.sqlite3"
DATABASES = {"default": dj_database_url.config(env="DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}", conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE transactions
    # take the write lock up front, so concurrent writers wait (up to the
    # timeout) instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese is the archive's first language: readers whose browser asks for
# nothing we have get Simplified Chinese.
LANGUAGE_CODE = "zh-hans"
# Two stored languages, three reading languages: zh-hans and zh-hant are two
# scripts of the one stored Chinese, converted on display (articles/scripts.py).
LANGUAGES = [
    ("zh-hans", _("Simplified Chinese")),
    ("zh-hant", _("Traditional Chinese")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")

# Content columns: title_zh_hans holds the Chinese as published (Simplified or
# Traditional, see Article.chinese_script); title_en holds the English. The
# zh-hant reading language has no column of its own: modeltranslation falls
# back to the default (zh-hans) column, which is what we want.
MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
MODELTRANSLATION_LANGUAGES = ("zh-hans", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("zh-hans",)


def label_translated_field(verbose_name, lang):
    """A translated field's label in the editor's language: 标题（中文）, Title (English).

    Instead of modeltranslation's "Title [zh-hans]", which the Chinese admin
    showed in English (form labels, History's list of changed fields).
    """
    language = gettext("Chinese") if lang.startswith("zh") else gettext("English")
    return gettext("%(field)s (%(language)s)") % {"field": verbose_name, "language": language}


MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = label_translated_field
# The admin's language tabs need jQuery UI; serve our copy (jQuery UI 1.13.3,
# static/vendor/jquery-ui) instead of modeltranslation's default CDN, so the
# admin loads nothing from other hosts.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

# The site's own cache (rendered pages, archive counts). By default files
# under var/cache: shared by every worker of the host and kept when gunicorn
# recycles a worker. redis:// shares it between hosts; locmem:// keeps it in
# each process (tests of one process only).
CACHE_URL = os.environ.get("CACHE_URL", f"file://{BASE_DIR / 'var' / 'cache'}")
if CACHE_URL.startswith(("redis://", "rediss://")):
    # Django's backends, made optional (newsroom/cache.py): a cache that fails
    # is logged and skipped, never an error page. A server that does not
    # answer is given up on after a second.
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.OptionalRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
elif CACHE_URL.startswith("file://"):
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.OptionalFileBasedCache",
            "LOCATION": CACHE_URL.removeprefix("file://"),
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "20000"))},
        }
    }
elif CACHE_URL.startswith("locmem://"):
    # As many entries as the file cache: Django's default of 300 is fewer than
    # the sitemap index keeps block summaries for at a million articles
    # (each request then read hundreds of blocks again: 0.7 s).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "20000"))},
        }
    }
else:
    raise ImproperlyConfigured(
        f"CACHE_URL must start with file://, redis://, rediss:// or locmem://, not {CACHE_URL!r}."
    )
# How long a shared cache (nginx, a CDN) may serve a reader page before it
# asks again (s-maxage). Browsers always ask again (max-age=0) and get 304
# when nothing changed. This is the longest a change takes to reach readers
# through such a cache.
PAGE_SHARED_MAX_AGE = int(os.environ.get("PAGE_SHARED_MAX_AGE", "30"))

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
# Compressed, content-hashed names with long cache lifetimes (collectstatic
# builds them); a name missing from the manifest falls back to the plain file.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "newsroom.storage.StaticStorage"},
}
WHITENOISE_MAX_AGE = 365 * 24 * 3600 if not DEBUG else 0
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

# Renditions are made when an image is saved and then assumed to exist, so
# rendering a page never checks or writes files.
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "imagekit.cachefiles.strategies.Optimistic"

# Uploaded images: limits checked on upload (articles/images.py).
IMAGE_MAX_BYTES = int(os.environ.get("IMAGE_MAX_BYTES", str(10 * 1024 * 1024)))
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", str(40_000_000)))

# Comments (PRODUCT.md section 7). Limits an operator may change.
COMMENT_MIN_SECONDS = int(os.environ.get("COMMENT_MIN_SECONDS", "3"))  # form shown → posted
COMMENT_RATE_LIMIT = int(os.environ.get("COMMENT_RATE_LIMIT", "5"))  # per address and window; 0 = off
COMMENT_RATE_WINDOW = int(os.environ.get("COMMENT_RATE_WINDOW", "600"))  # seconds
COMMENT_NAME_MAX_LENGTH = int(os.environ.get("COMMENT_NAME_MAX_LENGTH", "50"))
COMMENT_MESSAGE_MAX_LENGTH = int(os.environ.get("COMMENT_MESSAGE_MAX_LENGTH", "2000"))
COMMENT_FORM_MAX_AGE = int(os.environ.get("COMMENT_FORM_MAX_AGE", str(24 * 3600)))  # seconds
COMMENT_NOTIFY_EMAILS = env_list("COMMENT_NOTIFY_EMAILS", "")
# Comments are protected from cross-site posting by Fetch metadata and Origin
# (django-modern-csrf), not a token, so pages carry nothing per visitor; a
# refused comment comes back with its text (this view). The admin keeps
# Django's token CSRF.
CSRF_FAILURE_VIEW = "comments.views.csrf_failure"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# bench/http.sh only: a bare view returning a fixed 20 KB page, the floor
# every real page is measured against.
BENCH_FLOOR = env_bool("BENCH_FLOOR", False)
