"""Archival PDFs from HTML with WeasyPrint: PDF/A-3 with tags and attachments, fonts embedded, and nothing
fetched from outside the folders it is given (never over the network)."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.cache import caches
from weasyprint import HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF_VARIANT = "pdf/a-3u"


class RefusedResource(ValueError):
    """The document asked for a file outside the folders it may read."""


@dataclass(frozen=True)
class AttachedFile:
    name: str
    content: bytes
    description: str


@cache
def font_configuration() -> FontConfiguration:
    """One font configuration for the process: building it anew for every document costs more than rendering."""
    return FontConfiguration()


class LocalFetcher(URLFetcher):
    """Serves `<prefix>file` from `roots[prefix]/file` and refuses everything else, the network above all."""

    def __init__(self, roots: dict[str, Path]) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.roots = {prefix: root.resolve() for prefix, root in roots.items()}

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        path = unquote(parts.path)
        for prefix, root in self.roots.items():
            if parts.scheme == "file" and not parts.netloc and path.startswith(prefix):
                file = (root / path[len(prefix) :]).resolve()
                if file.is_relative_to(root) and file.is_file():
                    mime_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(
                        file.as_uri(), body=file.read_bytes(), headers={"Content-Type": mime_type}
                    )
        raise RefusedResource(f"refused to fetch {url!r}")


def render_pdf(
    html: str, *, roots: dict[str, Path], attachments: tuple[AttachedFile, ...] = (), archival: bool = True
) -> bytes:
    """Render HTML whose links are `file:` URLs under the given roots, e.g. {"/static/": STATIC_DIR}. The same
    document is laid out once: printed again unchanged (a draft, say), it comes from the "pdf" cache."""
    digest = hashlib.sha256(repr((sorted((p, str(r)) for p, r in roots.items()), archival)).encode())
    digest.update(html.encode())
    for attachment in attachments:
        digest.update(repr((attachment.name, attachment.description)).encode())
        digest.update(attachment.content)
    key = f"pdf:{digest.hexdigest()}"
    pdf = caches["pdf"].get(key)
    if pdf is None:
        pdf = _render(html, roots=roots, attachments=attachments, archival=archival)
        caches["pdf"].set(key, pdf)
    return pdf


def _render(html: str, *, roots: dict[str, Path], attachments: tuple[AttachedFile, ...], archival: bool) -> bytes:
    document = HTML(string=html, base_url="file:///", url_fetcher=LocalFetcher(roots))
    options = {"pdf_tags": True}
    if archival:
        options["pdf_variant"] = PDF_VARIANT
        options["attachments"] = [
            Attachment(string=a.content, name=a.name, description=a.description, relationship="Data")
            for a in attachments
        ]
    return document.write_pdf(font_config=font_configuration(), **options)
