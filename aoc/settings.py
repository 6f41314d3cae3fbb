"""Settings of the AOC portal: one module, read from the environment.

With no variable set the portal runs on its embedded default: a SQLite file under ``DATA_DIR``,
Celery tasks run inline, e-mail printed to the console, media on local disk. Production differs
only by environment (see ``.env.example``).
"""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Where the embedded default keeps its SQLite file and uploaded media.
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "var")))

INSTALLED_APPS = [
    # The admin without autodiscovery: aoc/urls.py imports the admin modules of the portal's apps.
    # django-leaflet's own admin module needs GeoDjango (GDAL), which the portal does not use.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI for /api/v1/docs/, served by the portal (no CDN)
    "import_export",
    "leaflet",
    "aoc",
    "schools",
    "datacollection",
    "gis",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Cross-origin reads of the open API (settings below); before CommonMiddleware, as it asks.
    "corsheaders.middleware.CorsMiddleware",
    "aoc.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "aoc.audit.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Lock-out after repeated failed logins; must come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aoc.urls"
WSGI_APPLICATION = "aoc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aoc.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'aoc.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default keeps its file here
    # SQLite builds covering indexes without their INCLUDE columns (the student-record index for the
    # movement watch): the same index, only not index-only. Nothing to warn about.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery ----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="aoc"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# A booklet build still queued or running after this many minutes is taken as lost (reports.booklet).
BOOKLET_STALE_MINUTES = env.int("BOOKLET_STALE_MINUTES", default=30)
# Anonymous visitors get public pages from the cache (aoc/public_cache.py); publishing clears them.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=600)

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
# Without a broker the embedded default runs every task inline, in the request that queued it.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Bangkok"
# Celery beat (docker-compose `beat`): the reminder pass of the open rounds, every morning (Bangkok time).
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "datacollection.tasks.send_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
}

# --- Users, login, lock-out -----------------------------------------------------------------------
AUTH_USER_MODEL = "aoc.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff-home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("AXES_IP_HEADERS", default=["REMOTE_ADDR"])

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)  # one working day
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Language, time -------------------------------------------------------------------------------
# Messages are written in Thai in the source; ``locale/en`` holds the English catalogue.
LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from the npm registry at install time (package.json); only the files the
# pages use are exposed, under stable prefixes.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/sarabun", NODE_MODULES / "@fontsource" / "sarabun"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/leaflet.markercluster", NODE_MODULES / "leaflet.markercluster" / "dist"),
]
PRIVATE_ROOT = Path(env.str("PRIVATE_ROOT", default=str(DATA_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)

# Upload limits (bytes).
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=8 * 1024 * 1024)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=40_000_000)
PHOTO_RESIZE_TO = env.int("PHOTO_RESIZE_TO", default=1600)
REGISTRY_IMPORT_MAX_BYTES = env.int("REGISTRY_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# Schools' data files (DMC …): the largest file and row count accepted, and the size above which the
# file is checked in the background (Celery) while the page shows a progress bar.
DMC_UPLOAD_MAX_BYTES = env.int("DMC_UPLOAD_MAX_BYTES", default=300 * 1024 * 1024)
DMC_UPLOAD_MAX_ROWS = env.int("DMC_UPLOAD_MAX_ROWS", default=2_000_000)
UPLOAD_INLINE_MAX_BYTES = env.int("UPLOAD_INLINE_MAX_BYTES", default=512 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- E-mail ---------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="AOC สพป.สงขลา เขต 2 <aoc@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- LINE (reminders through the LINE Messaging API push endpoint) -------------------------------
# The channel access token of the office's LINE Official Account; empty = LINE reminders are off.
LINE_CHANNEL_ACCESS_TOKEN = env.str("LINE_CHANNEL_ACCESS_TOKEN", default="")
LINE_API_BASE_URL = env.str("LINE_API_BASE_URL", default="https://api.line.me")
LINE_TIMEOUT_SECONDS = env.int("LINE_TIMEOUT_SECONDS", default=10)

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Anonymous clients of the open API get a rate per address (signed-in users are not limited);
    # a 429 says so in Thai and English (aoc.api.exception_handler).
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("API_ANON_RATE", default="120/minute")},
    # How many proxies stand before the portal (their X-Forwarded-For entries are trusted); none by default.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=None),
    "EXCEPTION_HANDLER": "aoc.api.exception_handler",
}

# Browsers on other sites may read the open API (GET only, no cookies or credentials); nothing else.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After", "Content-Disposition"]
CORS_PREFLIGHT_MAX_AGE = 86400

# The dataset catalogue (/api/v1/catalog.json): the licence of the open data, as a URL.
OPEN_DATA_LICENSE = env.str("OPEN_DATA_LICENSE", default="https://creativecommons.org/licenses/by/4.0/")
SPECTACULAR_SETTINGS = {
    "TITLE": "AOC สพป.สงขลา เขต 2 API",
    "VERSION": "1",
    "DESCRIPTION": (
        "บริการข้อมูลเปิดของเขตพื้นที่: ทำเนียบโรงเรียน ปฏิทินรอบการเก็บข้อมูล สถิติที่เผยแพร่ และไฟล์ดาวน์โหลด "
        "อ่านได้โดยไม่ต้องเข้าสู่ระบบ ตารางทุกตารางขอเป็น CSV ได้ด้วย `?format=csv` "
        "บัญชีชุดข้อมูลแบบ DCAT อยู่ที่ `/api/v1/catalog.json`\n\n"
        "Open data of the district: schools, the rounds calendar, published statistics and downloads, "
        "readable without signing in. Every table is also served as CSV (`?format=csv`). Browsers on other "
        "sites may read the API (CORS, GET only). Anonymous clients are rate-limited (HTTP 429 with "
        "`retry_after`). The DCAT dataset catalogue is at `/api/v1/catalog.json`."
    ),
    "SERVE_INCLUDE_SCHEMA": False,
    # The documentation page's assets come from drf-spectacular-sidecar, served as static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Import / export ------------------------------------------------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True  # the portal's own audit log records imports
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = None

# --- Maps -----------------------------------------------------------------------------------------
# Leaflet itself comes from npm (STATICFILES_DIRS); only the map tiles come from a tile server.
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (7.05, 100.40),
    "DEFAULT_ZOOM": 10,
    "MIN_ZOOM": 5,
    "MAX_ZOOM": 18,
    "TILES": env.str("MAP_TILES_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
    "ATTRIBUTION_PREFIX": "",
}
# The boundary a school's coordinates must fall in: Songkhla province, as a bounding box
# (south, west, north, east). Configurable so that another province can use the portal.
PROVINCE_BOUNDS = tuple(env.list("PROVINCE_BOUNDS", cast=float, default=[6.28, 100.02, 7.95, 101.12]))

# --- The district this portal serves --------------------------------------------------------------
DISTRICT = {
    "area_code": env.str("DISTRICT_AREA_CODE", default="9002"),
    "name_th": env.str("DISTRICT_NAME_TH", default="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสงขลา เขต 2"),
    "short_name_th": env.str("DISTRICT_SHORT_NAME_TH", default="สพป.สงขลา เขต 2"),
    "name_en": env.str("DISTRICT_NAME_EN", default="Songkhla Primary Educational Service Area Office 2"),
}

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # The booklet's PDF library logs every step and page at INFO (and the font decoder every file).
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Public site ----------------------------------------------------------------------------------
# The satisfaction survey: answers accepted per client (a keyed hash of the address, never stored) per
# window of seconds.
FEEDBACK_RATE_LIMIT = env.int("FEEDBACK_RATE_LIMIT", default=5)
FEEDBACK_RATE_WINDOW = env.int("FEEDBACK_RATE_WINDOW", default=60 * 60)
NEWS_ATTACHMENT_MAX_BYTES = env.int("NEWS_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
