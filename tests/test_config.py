"""Configuration from the environment, with safe defaults."""

from __future__ import annotations

import pytest

from app.config import ConfigurationError, from_environment, normalise_database_url


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("APP_ENV", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY must be set"):
        from_environment()


def test_production_refuses_to_start_without_an_audit_key(monkeypatch):
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.delenv("AUDIT_HMAC_KEY", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    with pytest.raises(ConfigurationError, match="AUDIT_HMAC_KEY must be set"):
        from_environment()


def test_production_is_the_default_and_uses_secure_cookies(monkeypatch):
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("AUDIT_HMAC_KEY", "y" * 32)
    monkeypatch.setenv("BID_ENCRYPTION_KEY", "z" * 43 + "=")
    config = from_environment()
    assert config["APP_ENV"] == "production"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["DEMO_MODE"] is False
    assert config["PASSWORD_HASH_FAST"] is False


def test_demo_runs_without_a_configured_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("APP_ENV", "demo")
    config = from_environment()
    assert len(config["SECRET_KEY"]) >= 32
    assert config["DEMO_MODE"] is True


def _production(monkeypatch):
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("AUDIT_HMAC_KEY", "y" * 32)
    monkeypatch.setenv("BID_ENCRYPTION_KEY", "z" * 43 + "=")


def test_local_login_is_on_by_default_without_a_break_glass_administrator(monkeypatch):
    _production(monkeypatch)
    for name in ("LOCAL_LOGIN", "BREAK_GLASS_ADMIN", "NEMLOGIN_DEMO_IDP"):
        monkeypatch.delenv(name, raising=False)
    config = from_environment()
    assert config["LOCAL_LOGIN"] is True
    assert config["BREAK_GLASS_ADMIN"] is None
    assert config["NEMLOGIN_DEMO_IDP"] is False


def test_local_login_turns_off_for_all_but_the_break_glass_administrator(monkeypatch):
    _production(monkeypatch)
    monkeypatch.setenv("LOCAL_LOGIN", "false")
    monkeypatch.setenv("BREAK_GLASS_ADMIN", " Admin@Example.dk ")
    config = from_environment()
    assert config["LOCAL_LOGIN"] is False
    assert config["BREAK_GLASS_ADMIN"] == "admin@example.dk"


@pytest.mark.parametrize("env", [None, "production", "staging"])
def test_production_refuses_to_start_with_the_demo_idp(monkeypatch, env):
    _production(monkeypatch)
    if env:
        monkeypatch.setenv("APP_ENV", env)
    monkeypatch.setenv("NEMLOGIN_DEMO_IDP", "1")
    with pytest.raises(ConfigurationError, match="NEMLOGIN_DEMO_IDP"):
        from_environment()


def test_production_refuses_the_demo_idp_given_as_an_override(monkeypatch):
    _production(monkeypatch)
    monkeypatch.delenv("NEMLOGIN_DEMO_IDP", raising=False)
    with pytest.raises(ConfigurationError, match="NEMLOGIN_DEMO_IDP"):
        from_environment({"NEMLOGIN_DEMO_IDP": True})


@pytest.mark.parametrize("env", ["development", "demo", "testing"])
def test_the_demo_idp_may_run_in_development_demo_and_tests(monkeypatch, env):
    monkeypatch.setenv("APP_ENV", env)
    monkeypatch.setenv("NEMLOGIN_DEMO_IDP", "on")
    assert from_environment()["NEMLOGIN_DEMO_IDP"] is True


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///x.sqlite", "sqlite:///x.sqlite"),
    ],
)
def test_postgres_urls_use_psycopg_3(given, expected):
    assert normalise_database_url(given) == expected


def test_production_refuses_to_start_without_a_bid_key(monkeypatch):
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.delenv("BID_ENCRYPTION_KEY", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("AUDIT_HMAC_KEY", "y" * 32)
    with pytest.raises(ConfigurationError, match="BID_ENCRYPTION_KEY must be set"):
        from_environment()


def _production(monkeypatch):
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("AUDIT_HMAC_KEY", "y" * 32)
    monkeypatch.setenv("BID_ENCRYPTION_KEY", "z" * 43 + "=")
    for name in ("TRUSTED_PROXIES", "HSTS_SECONDS", "HSTS_INCLUDE_SUBDOMAINS"):
        monkeypatch.delenv(name, raising=False)


def test_no_proxy_is_trusted_unless_configured(monkeypatch):
    _production(monkeypatch)
    assert from_environment()["TRUSTED_PROXIES"] == 0
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert from_environment()["TRUSTED_PROXIES"] == 2


@pytest.mark.parametrize(("value", "message"), [("one", "whole number"), ("-1", "negative")])
def test_a_bad_number_of_proxies_is_refused(monkeypatch, value, message):
    _production(monkeypatch)
    monkeypatch.setenv("TRUSTED_PROXIES", value)
    with pytest.raises(ConfigurationError, match=f"TRUSTED_PROXIES must .*{message}"):
        from_environment()


def test_production_sends_hsts_for_a_year_by_default_without_subdomains(monkeypatch):
    _production(monkeypatch)
    config = from_environment()
    assert config["HSTS_SECONDS"] == 365 * 24 * 3600
    assert config["HSTS_INCLUDE_SUBDOMAINS"] is False


def test_hsts_is_configurable_and_0_turns_it_off(monkeypatch):
    _production(monkeypatch)
    monkeypatch.setenv("HSTS_SECONDS", "0")
    assert from_environment()["HSTS_SECONDS"] == 0
    monkeypatch.setenv("HSTS_SECONDS", "600")
    monkeypatch.setenv("HSTS_INCLUDE_SUBDOMAINS", "1")
    config = from_environment()
    assert config["HSTS_SECONDS"] == 600 and config["HSTS_INCLUDE_SUBDOMAINS"] is True


@pytest.mark.parametrize("env", ["development", "demo", "testing"])
def test_no_hsts_outside_production_by_default(monkeypatch, env):
    _production(monkeypatch)
    monkeypatch.setenv("APP_ENV", env)
    assert from_environment()["HSTS_SECONDS"] == 0
