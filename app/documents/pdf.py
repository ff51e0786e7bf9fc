"""One PDF renderer: HTML templates through WeasyPrint with a fetcher that refuses the outside,
as tagged PDF (PDF/UA) that a screen reader can read."""

from __future__ import annotations

import re

from flask import Response, render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetchingError


class RestrictedFetcher(URLFetcher):
    """Only inline data: URLs. No network, no files: a template cannot leak or read anything."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise URLFetchingError(f"refused to fetch {url[:80]}")


#: The space before "kr." in an amount: a line never breaks there ("1.234,50 kr." stays whole).
_AMOUNT_SPACE = re.compile(r"(?<=\d) (?=kr\.)")


def render_pdf(template: str, **context) -> bytes:
    """The template as a tagged PDF; every PDF template includes pdf/_page.html (the issuer,
    the print time and "side 2 af 5" on each page)."""
    return html_to_pdf(render_template(template, **context))


def html_to_pdf(html: str) -> bytes:
    html = _AMOUNT_SPACE.sub("\u00a0", html)
    document = HTML(string=html, base_url="about:blank", url_fetcher=RestrictedFetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1")


def pdf_response(pdf: bytes, filename: str, *, inline: bool = False) -> Response:
    """The PDF as a download under this name (or shown in the browser, `inline`)."""
    disposition = "inline" if inline else "attachment"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )
