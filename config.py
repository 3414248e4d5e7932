"""Configuration classes for the screening app.

Every setting can come from the environment, so the same code runs on a laptop, in CI and in
production. Production fails fast when a secret or the database URL is missing; development
generates a secret once into the instance folder (never a constant in the code) and uses SQLite
in `instance/screening.db`.
"""

from __future__ import annotations

import os
import secrets
import unicodedata
from datetime import timedelta
from pathlib import Path

from limits import parse_many

# Used when neither FHIR_CANONICAL_BASE nor PUBLIC_BASE_URL is set (branch fhir).
DEFAULT_FHIR_CANONICAL_BASE = "https://miss-screening.example.org/fhir"


class ConfigError(RuntimeError):
    """A required setting is missing; the message says which one and how to set it."""


def _env_bool(name: str, default: bool) -> bool:
    """A yes or no setting. Anything else stops the start: a typo such as "ture" read as no
    would quietly switch off what it was meant to switch on (Secure cookies, CSRF)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in {"1", "true", "yes", "on"}:
        return True
    if word in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false (1 or 0), not {value!r}")


def _env_int(name: str, default: int, *, least: int | None = None, most: int | None = None) -> int:
    """A whole number, within `least` and `most` when given: a zero or a stray digit in a
    limit (attempts, days, minutes) would lock links at once or never, with no other sign."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from exc
    if (least is not None and number < least) or (most is not None and number > most):
        if most is None:
            allowed = f"{least} or more"
        elif least is None:
            allowed = f"{most} or less"
        else:
            allowed = f"from {least} to {most}"
        raise ConfigError(f"{name} must be a whole number {allowed}, not {number}")
    return number


def _env_line(name: str, default: str) -> str:
    """One line of text that patients and staff read, and that goes into email headers (the
    clinic's name is in every alert's subject): a line break or another control character,
    say from a stray paste, would make every such email fail to send, so it stops the start."""
    value = os.environ.get(name)
    text = default if value is None else value.strip()
    if not text:
        raise ConfigError(f"{name} must not be blank (leave it unset for {default!r})")
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in text):
        raise ConfigError(
            f"{name} must be one line, with no line breaks, tabs or control characters"
        )
    return text


def _env_days(name: str, default: str) -> tuple[int, ...]:
    """A comma-separated list of whole days between 0 and 60, such as "3,1"."""
    value = os.environ.get(name)
    text = default if value is None else value
    try:
        days = tuple(int(part) for part in text.replace(" ", "").split(",") if part)
    except ValueError as exc:
        raise ConfigError(f"{name} must be whole days separated by commas, like 3,1") from exc
    if any(day < 0 or day > 60 for day in days):
        raise ConfigError(f"{name} must list days between 0 and 60, like 3,1")
    return days


def _env_rate_limit(name: str, default: str) -> str:
    """A rate in Flask-Limiter's words, such as "10 per minute" (or "10/minute;50/hour"): a
    typo would otherwise surface only at the first request it guards, and a 0 would hold every
    request."""
    value = (os.environ.get(name) or "").strip() or default
    try:
        rates = parse_many(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a rate such as '10 per minute', not {value!r}") from exc
    if not rates or any(rate.amount < 1 for rate in rates):
        raise ConfigError(f"{name} must allow at least 1 a period, like '10 per minute'")
    return value


STAFF_ROLES = ("admin", "clinician", "front_desk")
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"
# The email channels of screening/outbox/channels.py (EMAIL_BACKENDS): any other MAIL_BACKEND
# would leave every alert and email undelivered, so it stops the start.
MAIL_BACKENDS = ("smtp", "console", "memory")
# The paper sizes the PDF renderer knows (screening/summary/render.py PAGE_SIZES), by the
# lower-case name it matches, spelled as they are written back.
PDF_PAGE_SIZES = {"letter": "Letter", "a4": "A4"}
DATABASE_URL_EXAMPLES = (
    "postgresql://user:password@127.0.0.1:5432/screening or sqlite:////srv/screening/screening.db"
)


def _env_roles(name: str) -> tuple[str, ...]:
    """A comma-separated list of staff roles ("clinician,admin"); unknown names fail fast."""
    value = os.environ.get(name) or ""
    roles = tuple(part.strip().lower() for part in value.split(",") if part.strip())
    unknown = [role for role in roles if role not in STAFF_ROLES]
    if unknown:
        raise ConfigError(
            f"{name} lists unknown roles {', '.join(unknown)}; use {', '.join(STAFF_ROLES)}"
        )
    return roles


def _env_list(name: str) -> list[str] | None:
    """A comma-separated setting as a list, or None when unset or blank."""
    value = os.environ.get(name) or ""
    items = [part.strip() for part in value.split(",") if part.strip()]
    return items or None


def _public_base_url(value: str | None) -> str | None:
    """PUBLIC_BASE_URL without a trailing slash; only a scheme, a host and perhaps a port."""
    from urllib.parse import urlsplit

    if not value or not value.strip():
        return None
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"PUBLIC_BASE_URL must look like https://screening.clinic.example, not {value!r}"
        )
    if parts.path or parts.query or parts.fragment or parts.username:
        raise ConfigError(
            "PUBLIC_BASE_URL is only the scheme and host (and port), "
            f"like https://screening.clinic.example, not {value!r}"
        )
    return value


def _page_size(value: str | None) -> str:
    """PDF_PAGE_SIZE as the renderer spells it, in any letter case: an unknown size would
    only fail when a patient sends their answers (every summary PDF would fail to render)."""
    text = (value or "").strip()
    if not text:
        return "Letter"
    try:
        return PDF_PAGE_SIZES[text.lower()]
    except KeyError:
        raise ConfigError(
            f"PDF_PAGE_SIZE must be {' or '.join(PDF_PAGE_SIZES.values())}, not {value!r}"
        ) from None


def _mail_backend(value: str | None, smtp_host: str | None) -> str | None:
    """MAIL_BACKEND in lower case, or None (chosen from SMTP_HOST). An unknown name, or smtp
    without a relay, would keep every alert and email from going out, with no other sign."""
    name = (value or "").strip().lower()
    if not name:
        return None
    if name not in MAIL_BACKENDS:
        raise ConfigError(
            f"MAIL_BACKEND must be one of {', '.join(MAIL_BACKENDS)} "
            f"(or unset: smtp when SMTP_HOST is set), not {value!r}"
        )
    if name == "smtp" and not smtp_host:
        raise ConfigError("MAIL_BACKEND is smtp: set SMTP_HOST too (the mail relay's host name)")
    return name


def _check_database_url(url: str) -> None:
    """A DATABASE_URL SQLAlchemy can read, for a database whose driver is installed: else
    every command, even those that need no database, would end in a traceback."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        # The value itself is not repeated: it may hold a password.
        raise ConfigError(
            f"DATABASE_URL is not a database URL; it looks like {DATABASE_URL_EXAMPLES}"
        ) from None
    try:
        parsed.get_dialect().import_dbapi()
    except NoSuchModuleError:
        raise ConfigError(
            f"DATABASE_URL names a database this app does not support ({parsed.drivername}); "
            f"use one like {DATABASE_URL_EXAMPLES}"
        ) from None
    except ImportError as exc:
        raise ConfigError(
            f"DATABASE_URL needs the Python driver {exc.name or parsed.drivername}, "
            "which is not installed"
        ) from None


def _check_timezone(name: str) -> None:
    """Fail at start-up, not on the first page that shows a time."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"CLINIC_TIMEZONE must be an IANA time zone such as America/New_York, not {name!r}"
        ) from exc


def instance_secret(instance_path: str) -> str:
    """Read the development secret from the instance folder, creating it on first use."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Created with owner-only permissions: the key signs staff sessions.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


class Config:
    """Settings shared by every environment; each reads the environment when instantiated."""

    ENV_NAME = "base"

    def __init__(self) -> None:
        env = os.environ.get
        self.SECRET_KEY: str | None = env("SECRET_KEY") or None
        self.SQLALCHEMY_DATABASE_URI: str | None = env("DATABASE_URL") or None
        # hide_parameters: a database error never writes the statement's values (names, dates
        # of birth, notes) into the error log (issue 16).
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
        self.SQLALCHEMY_TRACK_MODIFICATIONS = False

        # The clinic, as patients and the PDF see it.
        self.CLINIC_NAME = _env_line("CLINIC_NAME", "Spine Clinic")
        self.CLINIC_PHONE = _env_line("CLINIC_PHONE", "555-0100")
        self.EMERGENCY_NUMBER = _env_line("EMERGENCY_NUMBER", "911")
        # Appointment times are typed and shown in the clinic's own time zone; stored in UTC.
        self.CLINIC_TIMEZONE = env("CLINIC_TIMEZONE", "America/New_York")
        _check_timezone(self.CLINIC_TIMEZONE)

        # Patients.
        self.SELF_START_ENABLED = _env_bool("SELF_START_ENABLED", True)
        self.INVITATION_EXPIRY_DAYS = _env_int("INVITATION_EXPIRY_DAYS", 7, least=1, most=365)
        self.DOB_MAX_ATTEMPTS = _env_int("DOB_MAX_ATTEMPTS", 5, least=1, most=20)
        # Units the height and weight questions start in: "us" (feet and inches, pounds) or
        # "metric" (centimeters, kilograms). A patient can always switch.
        self.MEASUREMENT_UNITS = (env("MEASUREMENT_UNITS") or "us").strip().lower()
        if self.MEASUREMENT_UNITS not in ("us", "metric"):
            raise ConfigError(
                f"MEASUREMENT_UNITS must be us or metric, not {self.MEASUREMENT_UNITS!r}"
            )
        # Invitation reminders (issue 13): days before the appointment ("3,1"; empty: none),
        # sent from this hour of the day, clinic time.
        self.REMINDER_DAYS_BEFORE = _env_days("REMINDER_DAYS_BEFORE", "3,1")
        self.REMINDER_HOUR = _env_int("REMINDER_HOUR", 9)
        if not 0 <= self.REMINDER_HOUR <= 23:
            raise ConfigError("REMINDER_HOUR must be an hour of the day, 0 to 23")
        # Retention (issue 16): an in-progress screening nobody saved for this many days
        # expires; `screening purge` deletes never-sent screenings unusable for RETENTION_DAYS.
        self.ABANDONED_AFTER_DAYS = _env_int("ABANDONED_AFTER_DAYS", 30)
        self.RETENTION_DAYS = _env_int("RETENTION_DAYS", 90)
        # A zero or negative value (a typo) would expire, then purge, screenings in use today.
        for name in ("ABANDONED_AFTER_DAYS", "RETENTION_DAYS"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be a whole number of days, 1 or more")

        # The surgeon's PDF.
        self.PDF_PAGE_SIZE = _page_size(env("PDF_PAGE_SIZE"))

        # Staff sessions.
        self.STAFF_IDLE_MINUTES = _env_int("STAFF_IDLE_MINUTES", 30, least=1, most=24 * 60)
        self.STAFF_MAX_HOURS = _env_int("STAFF_MAX_HOURS", 12, least=1, most=24 * 7)
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=self.STAFF_MAX_HOURS)
        # Two-factor sign-in (issue 16): off by default; roles listed here must set it up at
        # their next sign-in, e.g. "clinician,admin".
        self.STAFF_MFA_REQUIRED = _env_roles("STAFF_MFA_REQUIRED")
        # A temporary password an admin issued stops working after this many days unless its
        # owner has replaced it (OWASP ASVS 2.3.1: issued passwords expire soon); the admin
        # can issue a new one.
        self.TEMPORARY_PASSWORD_DAYS = _env_int("TEMPORARY_PASSWORD_DAYS", 7)
        if not 1 <= self.TEMPORARY_PASSWORD_DAYS <= 90:
            raise ConfigError("TEMPORARY_PASSWORD_DAYS must be a whole number of days, 1 to 90")

        # The address patients and staff use, e.g. https://screening.clinic.example: every
        # patient link (letters, QR codes, the start page, emails) is built from it, never from
        # the request's Host header, which a caller can forge (issue 16).
        self.PUBLIC_BASE_URL = _public_base_url(env("PUBLIC_BASE_URL"))
        # Cookies: HttpOnly and SameSite=Lax always; Secure when served over HTTPS, which an
        # https PUBLIC_BASE_URL says unless SESSION_COOKIE_SECURE says otherwise (forgetting
        # it would send the staff session cookie over plain HTTP on a redirect or a typed URL).
        secure = _env_bool(
            "SESSION_COOKIE_SECURE", (self.PUBLIC_BASE_URL or "").startswith("https://")
        )
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = secure
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SECURE = secure
        self.PREFERRED_URL_SCHEME = "https" if secure else "http"
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers to trust.
        self.TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0, least=0, most=10)
        # Host names the app answers to (Flask refuses others with 400); comma-separated.
        # Production defaults to the host of PUBLIC_BASE_URL.
        self.TRUSTED_HOSTS: list[str] | None = _env_list("TRUSTED_HOSTS")

        # Forms.
        self.WTF_CSRF_ENABLED = _env_bool("WTF_CSRF_ENABLED", True)
        self.WTF_CSRF_TIME_LIMIT = _env_int("WTF_CSRF_TIME_LIMIT", 3600 * 8, least=60)
        self.MAX_CONTENT_LENGTH = 256 * 1024

        # Rate limits (Flask-Limiter): in memory by default, Redis when several workers run.
        # Production refuses memory:// unless it is set explicitly (each worker would count
        # alone, multiplying every limit by the number of workers).
        storage = (env("RATELIMIT_STORAGE_URI") or "").strip()
        self.RATELIMIT_STORAGE_URI = storage or "memory://"
        self.RATELIMIT_STORAGE_EXPLICIT = bool(storage)
        # A sliding window: "10 a minute" holds for any 60 seconds, not per clock minute (a
        # fixed window lets 20 through across a minute's boundary).
        self.RATELIMIT_STRATEGY = env("RATELIMIT_STRATEGY", "moving-window")
        # A key prefix of its own, so two apps (or test runs) can share one Redis.
        self.RATELIMIT_KEY_PREFIX = env("RATELIMIT_KEY_PREFIX", "screening")
        self.RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
        # Redis down or silent: count in each worker's memory until it is back (Flask-Limiter
        # looks again, less and less often), rather than refuse every sign-in, start and
        # resume with an error page. The limits still hold, per worker.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = _env_bool(
            "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True
        )
        self.RATELIMIT_HEADERS_ENABLED = False
        # Refused FHIR bearer tokens (unknown, mistyped, revoked) one address may send, counted
        # like the limits above; past it, that address's refused tokens get 429 with Retry-After
        # and no audit row each (a valid token is still served; see screening/fhir_api/throttle).
        self.FHIR_TOKEN_REFUSAL_LIMIT = _env_rate_limit("FHIR_TOKEN_REFUSAL_LIMIT", "10 per minute")

        # Alerts and outgoing mail (the outbox and `screening worker`; see README "Alerts").
        # Links in alerts and emails are absolute, from PUBLIC_BASE_URL (the worker has no
        # request); see above.
        self.ALERT_EMAIL_TO = env("ALERT_EMAIL_TO") or None
        self.ALERT_WEBHOOK_URL = env("ALERT_WEBHOOK_URL") or None
        self.ALERT_WEBHOOK_SECRET = env("ALERT_WEBHOOK_SECRET") or None
        if self.ALERT_WEBHOOK_URL and not self.ALERT_WEBHOOK_SECRET:
            # An unsigned page could be forged by anyone who finds the receiver's address.
            raise ConfigError("ALERT_WEBHOOK_URL is set: set ALERT_WEBHOOK_SECRET to sign it too")
        self.ALERT_ESCALATE_MINUTES = _env_int("ALERT_ESCALATE_MINUTES", 15, least=1)
        self.ALERT_ESCALATION_EMAIL_TO = env("ALERT_ESCALATION_EMAIL_TO") or None
        self.SMTP_HOST = env("SMTP_HOST") or None
        self.SMTP_PORT = _env_int("SMTP_PORT", 587, least=1, most=65535)
        self.SMTP_USERNAME = env("SMTP_USERNAME") or None
        self.SMTP_PASSWORD = env("SMTP_PASSWORD") or None
        self.SMTP_STARTTLS = _env_bool("SMTP_STARTTLS", True)
        self.SMTP_TIMEOUT_SECONDS = _env_int("SMTP_TIMEOUT_SECONDS", 30, least=1, most=600)
        self.MAIL_FROM = _env_line("MAIL_FROM", "screening@localhost")
        # Unset: "smtp" when SMTP_HOST is set; otherwise "console" outside production (the
        # email is written to the worker's log). "memory" keeps emails in a list (tests; refused
        # in production). Any other name stops the start (MAIL_BACKENDS), in any letter case.
        self.MAIL_BACKEND = _mail_backend(env("MAIL_BACKEND"), self.SMTP_HOST)
        self.OUTBOX_POLL_SECONDS = _env_int("OUTBOX_POLL_SECONDS", 1, least=1, most=3600)
        # FHIR (branch fhir): the base of our canonical URLs (the Questionnaire's url, our code
        # systems). An identity, not a link: keep it stable once EHRs have stored responses.
        public_base = (env("PUBLIC_BASE_URL") or "").rstrip("/")
        self.FHIR_CANONICAL_BASE = (
            env("FHIR_CANONICAL_BASE") or (public_base + "/fhir" if public_base else "")
        ).rstrip("/") or DEFAULT_FHIR_CANONICAL_BASE
        # Most resources one search page of the FHIR API returns (`_count` asks for fewer).
        self.FHIR_MAX_PAGE_SIZE = _env_int("FHIR_MAX_PAGE_SIZE", 100, least=1, most=1000)

        # Languages.
        self.BABEL_DEFAULT_LOCALE = env("BABEL_DEFAULT_LOCALE", "en")
        # The languages patients can choose (issue 15); staff pages stay in BABEL_DEFAULT_LOCALE.
        self.LANGUAGES = ["en", "es"]

    def finalise(self, instance_path: str) -> None:
        """Fill in what depends on the instance folder, or refuse to start."""


class DevelopmentConfig(Config):
    """A laptop: SQLite in the instance folder and a generated secret."""

    ENV_NAME = "development"

    def finalise(self, instance_path: str) -> None:
        if not self.SECRET_KEY:
            self.SECRET_KEY = instance_secret(instance_path)
        if not self.PUBLIC_BASE_URL:
            # Where `make run` serves by default (it passes its own HOST and PORT); the worker
            # needs an address for the links in emails and alerts.
            self.PUBLIC_BASE_URL = DEVELOPMENT_BASE_URL
        if not self.SQLALCHEMY_DATABASE_URI:
            Path(instance_path).mkdir(parents=True, exist_ok=True)
            self.SQLALCHEMY_DATABASE_URI = "sqlite:///" + str(Path(instance_path) / "screening.db")


class TestingConfig(DevelopmentConfig):
    """The test suite: CSRF and rate limits are switched back on by the tests that check them."""

    ENV_NAME = "testing"

    def __init__(self) -> None:
        super().__init__()
        self.TESTING = True
        self.WTF_CSRF_ENABLED = False
        self.RATELIMIT_ENABLED = False
        self.SECRET_KEY = self.SECRET_KEY or "test-only-" + secrets.token_hex(16)


class ProductionConfig(Config):
    """A real clinic: refuses to start without a secret key and a database URL."""

    ENV_NAME = "production"

    def finalise(self, instance_path: str) -> None:
        missing = [
            name
            for name, value in (
                ("SECRET_KEY", self.SECRET_KEY),
                ("DATABASE_URL", self.SQLALCHEMY_DATABASE_URI),
            )
            if not value
        ]
        if missing:
            raise ConfigError(
                "Production needs these environment variables set: " + ", ".join(missing)
            )
        if self.SECRET_KEY and len(self.SECRET_KEY) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters in production")
        if not self.PUBLIC_BASE_URL:
            raise ConfigError(
                "Production needs PUBLIC_BASE_URL, the address patients open "
                "(e.g. https://screening.clinic.example): patient links are built from it"
            )
        if self.TRUSTED_HOSTS is None:
            from urllib.parse import urlsplit

            self.TRUSTED_HOSTS = [urlsplit(self.PUBLIC_BASE_URL).hostname or ""]
        if self.MAIL_BACKEND == "memory":
            raise ConfigError(
                "MAIL_BACKEND=memory only keeps emails in a list for the tests: in production no "
                "alert would ever be delivered. Use smtp (with SMTP_HOST), or leave it unset"
            )
        if self.RATELIMIT_STORAGE_URI.startswith("memory://") and not (
            self.RATELIMIT_STORAGE_EXPLICIT
        ):
            raise ConfigError(
                "Production needs RATELIMIT_STORAGE_URI, e.g. redis://127.0.0.1:6379/0: with "
                "in-memory counting each worker counts alone. Set it to memory:// explicitly "
                "only if the app runs as one single process."
            )


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name: str | None, instance_path: str) -> Config:
    """Build the configuration named by `name` or `SCREENING_ENV` (default: development)."""
    chosen = name or os.environ.get("SCREENING_ENV", "development")
    try:
        config = CONFIGS[chosen]()
    except KeyError as exc:
        raise ConfigError(
            f"SCREENING_ENV must be one of {', '.join(CONFIGS)}, not {chosen!r}"
        ) from exc
    if config.SQLALCHEMY_DATABASE_URI and config.SQLALCHEMY_DATABASE_URI.startswith("postgres://"):
        # Heroku-style URLs: SQLAlchemy wants the dialect spelled out.
        config.SQLALCHEMY_DATABASE_URI = config.SQLALCHEMY_DATABASE_URI.replace(
            "postgres://", "postgresql+psycopg://", 1
        )
    elif config.SQLALCHEMY_DATABASE_URI and config.SQLALCHEMY_DATABASE_URI.startswith(
        "postgresql://"
    ):
        config.SQLALCHEMY_DATABASE_URI = config.SQLALCHEMY_DATABASE_URI.replace(
            "postgresql://", "postgresql+psycopg://", 1
        )
    if config.SQLALCHEMY_DATABASE_URI:
        _check_database_url(config.SQLALCHEMY_DATABASE_URI)
    config.finalise(instance_path)
    return config
