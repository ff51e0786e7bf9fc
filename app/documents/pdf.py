"""One PDF renderer: HTML templates through WeasyPrint with a fetcher that refuses the outside."""

from __future__ import annotations

from flask import render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetchingError


class RestrictedFetcher(URLFetcher):
    """Only inline data: URLs. No network, no files: a template cannot leak or read anything."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise URLFetchingError(f"refused to fetch {url[:80]}")


def render_pdf(template: str, **context) -> bytes:
    html = render_template(template, **context)
    return HTML(string=html, base_url="about:blank", url_fetcher=RestrictedFetcher()).write_pdf()
