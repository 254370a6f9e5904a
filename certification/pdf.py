"""Certificate PDFs: pure functions from frozen records to bytes.

WeasyPrint fetches nothing but the project's own static files: the document's base URL is a
placeholder host, and the URL fetcher serves `/static/...` under it from the staticfiles finders and
refuses every other URL (file://, http(s)://, data: and the rest). Names and other frozen text are
autoescaped by the template, so HTML typed into a name prints as text.

Each certificate is rendered once, at issue, and stored; printing many joins the stored PDFs
(`join_pdfs`) rather than laying every page out again.
"""

from __future__ import annotations

import base64
import binascii
import gc
import io
import logging
import mimetypes
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from urllib.parse import unquote, urljoin, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.templatetags.static import static
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
    """The file of one of the project's static files addressed under BASE_URL, else None.

    Under manifest storage (production) the URL names the hashed copy
    (`certificate.3f2a9c1b7e4d.css`): it is served from STATIC_ROOT when collected there, else from
    the finders under its original name. Any other name is refused.
    """
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
    if not relative or ".." in relative.split("/") or relative.startswith("/") or "\\" in relative:
        return None
    found = finders.find(relative)
    if found:
        return found
    original = _unhashed_name(relative)
    if original is None:
        return None
    try:
        collected = staticfiles_storage.path(relative)
    except (NotImplementedError, SuspiciousFileOperation):
        collected = None
    if collected and os.path.isfile(collected):
        return collected
    return finders.find(original)


def _unhashed_name(name: str) -> str | None:
    """The original name of a hashed static file name listed in the storage's manifest."""
    hashed_files = getattr(staticfiles_storage, "hashed_files", None)
    if not hashed_files:
        return None
    for original, hashed in hashed_files.items():
        if hashed == name:
            return original
    return None


def qr_data_uri(url: str) -> str:
    """The QR code of the verification URL as a PNG data URI, frozen into the page at issue.

    One pixel per module: the stylesheet scales it up with `image-rendering: pixelated`, so the PDF
    keeps sharp modules while WeasyPrint decodes and re-encodes a few hundred bytes per page instead
    of a 200x200 image (a PNG rather than SVG because WeasyPrint draws SVG paths in Python).
    """
    return segno.make(url, error="m").png_data_uri(scale=1, border=0, dark="#12325f")


def render_page_html(*, certificate, verify_url: str, language: str | None = None) -> str:
    """The certificate's page, frozen at issue and stored with it."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return render_to_string(
            "certification/pdf/certificate_page.html",
            {"certificate": certificate, "verify_url": verify_url, "qr": qr_data_uri(verify_url)},
        )


# WeasyPrint's font configuration (a Fontconfig scan and a Pango font map) and parsed stylesheets
# are reusable across documents but not shareable between threads, so each thread keeps its own.
_local = threading.local()


def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    font_config = getattr(_local, "font_config", None)
    if font_config is None:
        font_config = _local.font_config = FontConfiguration()
    return font_config


def _stylesheet(name: str):
    """The parsed stylesheet, fetched through StaticOnlyFetcher at its current static URL.

    Keyed by URL, so a new hashed name after a deploy (or a test's other static storage) parses again.
    """
    from weasyprint import CSS

    url = urljoin(BASE_URL, static(name))
    cache = getattr(_local, "stylesheets", None)
    if cache is None:
        cache = _local.stylesheets = {}
    if url not in cache or settings.DEBUG:  # in development, an edited stylesheet shows at once
        cache[url] = CSS(url=url, url_fetcher=StaticOnlyFetcher(), font_config=_font_config())
    return cache[url]


def render_pdf(pages_html: Iterable[str], *, title: str = "") -> bytes:
    """One WeasyPrint document holding every page, each page exactly as frozen at issue."""
    html = render_to_string(
        "certification/pdf/document.html",
        {"pages": [mark_safe(page) for page in pages_html], "title": title},  # noqa: S308
    )
    return html_to_pdf(html, stylesheets=[_stylesheet(STYLESHEET)])


def html_to_pdf(html: str, fetcher: StaticOnlyFetcher | None = None, *, stylesheets=()) -> bytes:
    from weasyprint import HTML

    font_config = _font_config()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher or StaticOnlyFetcher())
    return document.write_pdf(stylesheets=list(stylesheets), font_config=font_config)


def join_pdfs(documents: Sequence[bytes]) -> bytes:
    """One PDF of the documents' pages, in order.

    Pages are copied as they are (fonts, images, drawing), so a stored certificate prints exactly as
    issued; joining is plain object copying and costs a few milliseconds a page.
    """
    from pypdf import PdfReader, PdfWriter

    if len(documents) == 1:
        return documents[0]
    with _no_cyclic_gc():
        writer = PdfWriter()
        for document in documents:
            for page in PdfReader(io.BytesIO(document)).pages:
                writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
    return out.getvalue()


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while pypdf builds its object graph.

    pypdf keeps hundreds of thousands of small objects alive until the end, so the collector runs
    again and again over them for nothing: a third of a 570-page join. Reference counting still
    frees everything else meanwhile.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
