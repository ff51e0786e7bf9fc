"""Configuration read from environment variables, with safe defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"

#: Environments in which the app may run without a configured SECRET_KEY.
RELAXED_ENVIRONMENTS = {"development", "demo", "testing"}


class ConfigurationError(RuntimeError):
    """The environment does not describe a safe configuration."""


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the URL comes in."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _whole_number(name: str, default: int) -> int:
    """A count or a number of seconds from the environment: a whole number, never negative."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}.") from None
    if number < 0:
        raise ConfigurationError(f"{name} must not be negative.")
    return number


#: The most processes one page of OCDS bulk download may hold.
OCDS_MAX_PAGE_SIZE = 1000


def _page_size(name: str, default: int) -> int:
    number = _whole_number(name, default)
    if not 1 <= number <= OCDS_MAX_PAGE_SIZE:
        raise ConfigurationError(f"{name} must be between 1 and {OCDS_MAX_PAGE_SIZE}.")
    return number


#: HSTS in production unless told otherwise: a year, as browsers' preload lists ask.
HSTS_DEFAULT_SECONDS = 365 * 24 * 3600


def from_environment(overrides: dict | None = None) -> dict:
    """Build the Flask config; production unless APP_ENV says otherwise."""
    overrides = overrides or {}
    env = overrides.get("APP_ENV") or os.environ.get("APP_ENV", "production")
    relaxed = env in RELAXED_ENVIRONMENTS
    secret_key = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if not secret_key:
        if not relaxed:
            raise ConfigurationError(
                "SECRET_KEY must be set when APP_ENV is not development, demo or testing."
            )
        secret_key = _development_secret("secret_key")
    audit_key = overrides.get("AUDIT_HMAC_KEY") or os.environ.get("AUDIT_HMAC_KEY")
    if not audit_key:
        if not relaxed:
            raise ConfigurationError(
                "AUDIT_HMAC_KEY must be set when APP_ENV is not development, demo or testing: "
                "it protects the audit trail and must be kept outside the database."
            )
        audit_key = _development_secret("audit_key")
    bid_key = overrides.get("BID_ENCRYPTION_KEY") or os.environ.get("BID_ENCRYPTION_KEY")
    if not bid_key:
        if not relaxed:
            raise ConfigurationError(
                "BID_ENCRYPTION_KEY must be set when APP_ENV is not development, demo or "
                "testing: it seals bids and must be kept outside the database."
            )
        bid_key = _development_secret("bid_key", fernet=True)
    clock_file = overrides.get("CLOCK_OFFSET_FILE") or os.environ.get("CLOCK_OFFSET_FILE")
    if clock_file and not relaxed:
        raise ConfigurationError("CLOCK_OFFSET_FILE moves time for tests; never in production.")
    demo_idp = overrides.get("NEMLOGIN_DEMO_IDP", _flag("NEMLOGIN_DEMO_IDP", False))
    if demo_idp and not relaxed:
        raise ConfigurationError(
            "NEMLOGIN_DEMO_IDP plays NemLog-in with a throwaway key for the demo; "
            "it must be off when APP_ENV is not development, demo or testing."
        )
    default_db = f"sqlite:///{INSTANCE_DIR / 'rammeudbud.sqlite'}"
    config = {
        "APP_ENV": env,
        "SECRET_KEY": secret_key,
        "AUDIT_HMAC_KEY": audit_key,
        "BID_ENCRYPTION_KEY": bid_key,
        "CLOCK_OFFSET_FILE": clock_file or None,
        "DEMO_MODE": _flag("DEMO_MODE", env in {"development", "demo"}),
        "DATABASE_URL": normalise_database_url(os.environ.get("DATABASE_URL", default_db)),
        "SQL_ECHO": _flag("SQL_ECHO", False),
        # Cheap hashing is for the test suite only; it is never the default.
        "PASSWORD_HASH_FAST": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", not relaxed),
        "SESSION_COOKIE_NAME": "rammeudbud_session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", not relaxed),
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_LIFETIME_SECONDS", 8 * 3600)),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "BABEL_DEFAULT_LOCALE": "da",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Copenhagen",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "LANGUAGES": ("da", "en"),
        # A request may carry several files of at most 20 MB each (checked per file).
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_REQUEST_BYTES", 100 * 1024 * 1024)),
        "PAGE_SIZE": 25,
        # The address users reach the site on; links in e-mails start with it.
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000"),
        # E-mail: without MAIL_SERVER, `flask send-mail` writes the messages to the log.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 587)),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS", True),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Rammeudbud <no-reply@rammeudbud.local>"),
        # The number of proxies in front of the app whose X-Forwarded-For and -Proto are
        # trusted (0: none; the client's address is the connection's).
        "TRUSTED_PROXIES": _whole_number("TRUSTED_PROXIES", 0),
        # Local passwords (the login form): on unless LOCAL_LOGIN says off; off, only the
        # break-glass administrator (BREAK_GLASS_ADMIN, an e-mail of an admin) logs in locally
        # and everyone else signs in with NemLog-in. The demo IdP is never allowed outside
        # development, demo and testing (checked above).
        "LOCAL_LOGIN": _flag("LOCAL_LOGIN", True),
        "BREAK_GLASS_ADMIN": (os.environ.get("BREAK_GLASS_ADMIN") or "").strip().lower() or None,
        "NEMLOGIN_DEMO_IDP": demo_idp,
        # Strict-Transport-Security: on in production, for a year; 0 sends none.
        "HSTS_SECONDS": _whole_number(
            "HSTS_SECONDS", HSTS_DEFAULT_SECONDS if env == "production" else 0
        ),
        "HSTS_INCLUDE_SUBDOMAINS": _flag("HSTS_INCLUDE_SUBDOMAINS", False),
        # Sign-in through NemLog-in (SAML 2.0, OIOSAML 3): off unless configured (README).
        "NEMLOGIN_ENABLED": _flag("NEMLOGIN_ENABLED", False),
        "NEMLOGIN_SP_ENTITY_ID": os.environ.get("NEMLOGIN_SP_ENTITY_ID") or None,
        "NEMLOGIN_SP_KEY": os.environ.get("NEMLOGIN_SP_KEY") or None,
        "NEMLOGIN_SP_KEY_FILE": os.environ.get("NEMLOGIN_SP_KEY_FILE") or None,
        "NEMLOGIN_SP_CERT": os.environ.get("NEMLOGIN_SP_CERT") or None,
        "NEMLOGIN_SP_CERT_FILE": os.environ.get("NEMLOGIN_SP_CERT_FILE") or None,
        "NEMLOGIN_IDP_METADATA_FILE": os.environ.get("NEMLOGIN_IDP_METADATA_FILE") or None,
        # How far the IdP's clock may be ahead or behind when validity times are judged.
        "NEMLOGIN_CLOCK_SKEW_SECONDS": _whole_number("NEMLOGIN_CLOCK_SKEW_SECONDS", 30),
        # Open data (OCDS): the ocid prefix (register one with the Open Contracting
        # Partnership before publishing for real; the default is a placeholder), the publisher
        # (name, and its organisation identifier if set), the licence and the bulk page size.
        "OCDS_OCID_PREFIX": os.environ.get("OCDS_OCID_PREFIX", "ocds-rmudbd").strip(),
        "OCDS_PUBLISHER_NAME": os.environ.get("OCDS_PUBLISHER_NAME", "Arbejdsmarkedsstyrelsen"),
        "OCDS_PUBLISHER_SCHEME": os.environ.get("OCDS_PUBLISHER_SCHEME") or None,
        "OCDS_PUBLISHER_UID": os.environ.get("OCDS_PUBLISHER_UID") or None,
        "OCDS_PUBLISHER_URI": os.environ.get("OCDS_PUBLISHER_URI") or None,
        "OCDS_LICENSE": os.environ.get(
            "OCDS_LICENSE", "https://creativecommons.org/licenses/by/4.0/"
        ),
        "OCDS_PAGE_SIZE": _page_size("OCDS_PAGE_SIZE", 100),
        # The JSON API: requests per token (Flask-Limiter's notation), counted in
        # RATELIMIT_STORAGE_URI (memory:// counts per worker; redis://host:6379 across them).
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "600 per minute"),
        # Requests without a usable token from one address, audited up to this, then 429.
        "API_REFUSAL_LIMIT": os.environ.get("API_REFUSAL_LIMIT", "30 per minute"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "TESTING": env == "testing",
    }
    config.update(overrides)
    config["DATABASE_URL"] = normalise_database_url(config["DATABASE_URL"])
    return config


def _development_secret(name: str, fernet: bool = False) -> str:
    """A key that survives restarts of a development server, kept under instance/."""
    INSTANCE_DIR.mkdir(exist_ok=True)
    path = INSTANCE_DIR / name
    if not path.exists():
        if fernet:
            path.write_text(Fernet.generate_key().decode())
        else:
            path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
