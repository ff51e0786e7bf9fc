"""One PDF renderer: HTML templates through WeasyPrint with a fetcher that refuses the outside."""

from __future__ import annotations

from flask import Response, render_template
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


def pdf_response(pdf: bytes, filename: str, *, inline: bool = False) -> Response:
    """The PDF as a download under this name (or shown in the browser, `inline`)."""
    disposition = "inline" if inline else "attachment"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )
