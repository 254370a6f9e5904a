"""Certificate PDFs: pure functions from frozen records to bytes.

WeasyPrint fetches nothing but the project's own static files: the document's base URL is a
placeholder host, and the URL fetcher serves `/static/...` under it from the staticfiles finders and
refuses every other URL (file://, http(s)://, data: and the rest). Names and other frozen text are
autoescaped by the template, so HTML typed into a name prints as text.
"""

from __future__ import annotations

import base64
import binascii
import logging
import mimetypes
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

BASE_URL = "https://certificate.invalid/"
QR_DATA_PREFIX = "data:image/png;base64,"
STYLESHEET = "certification/pdf/certificate.css"


class RefusedURL(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    """Serves `/static/...` under the placeholder base URL from the staticfiles finders; refuses the rest.

    Refused URLs are kept in `refused` (and logged) so tests can see what a document tried to load.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=set(), allow_redirects=False, fail_on_errors=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith(QR_DATA_PREFIX):
            # Our own QR image, embedded in the page at issue: nothing is fetched from anywhere.
            try:
                data = base64.b64decode(url[len(QR_DATA_PREFIX) :], validate=True)
            except binascii.Error:
                data = b""
            if data.startswith(b"\x89PNG"):
                return URLFetcherResponse(url, body=data, headers={"Content-Type": "image/png"})
        path = static_path_for(url)
        if path is None:
            self.refused.append(url)
            logger.warning("Certificate renderer refused to fetch %s", url[:200])
            raise RefusedURL(f"Refused: {url[:200]}")
        with open(path, "rb") as handle:
            data = handle.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=data, headers={"Content-Type": content_type})


def static_path_for(url: str) -> str | None:
    """The file of one of the project's static files addressed under BASE_URL, else None."""
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    static_prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    if (
        parts.scheme != base.scheme
        or parts.netloc != base.netloc
        or not parts.path.startswith(static_prefix)
        or parts.query
    ):
        return None
    relative = unquote(parts.path[len(static_prefix) :])
    if not relative or ".." in relative.split("/") or relative.startswith("/"):
        return None
    return finders.find(relative)


def qr_data_uri(url: str) -> str:
    """The QR code of the verification URL as a PNG data URI, frozen into the page at issue.

    A PNG rather than inline SVG: WeasyPrint draws SVG paths in Python, which made the QR code the
    most expensive part of a 570-page print.
    """
    return segno.make(url, error="m").png_data_uri(scale=6, border=0, dark="#12325f")


def render_page_html(*, certificate, verify_url: str, language: str | None = None) -> str:
    """The certificate's page, frozen at issue and stored with it."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return render_to_string(
            "certification/pdf/certificate_page.html",
            {"certificate": certificate, "verify_url": verify_url, "qr": qr_data_uri(verify_url)},
        )


def render_pdf(pages_html: Iterable[str], *, title: str = "") -> bytes:
    """One WeasyPrint document holding every page: far faster than merging separate documents."""
    html = render_to_string(
        "certification/pdf/document.html",
        {"pages": [mark_safe(page) for page in pages_html], "stylesheet": STYLESHEET, "title": title},  # noqa: S308
    )
    return html_to_pdf(html)


def html_to_pdf(html: str, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher or StaticOnlyFetcher()).write_pdf()
