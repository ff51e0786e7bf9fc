"""The security headers every response carries (CSP, framing, caching, HSTS)."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


def _security_headers(response: Any) -> Any:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    if hsts := strict_transport_security(current_app.config):
        response.headers.setdefault("Strict-Transport-Security", hsts)
    return response


def strict_transport_security(config: Any) -> str | None:
    """The HSTS header the configuration asks for (None: HSTS_SECONDS is 0). It is sent on every
    response: browsers heed it only over HTTPS, and the app behind a proxy may not know it is."""
    seconds = config["HSTS_SECONDS"]
    if not seconds:
        return None
    subdomains = "; includeSubDomains" if config["HSTS_INCLUDE_SUBDOMAINS"] else ""
    return f"max-age={seconds}{subdomains}"


def register(app: Flask) -> None:
    app.after_request(_security_headers)
