"""Archival PDFs from HTML with WeasyPrint: PDF/A-3 with tags and attachments, fonts embedded, and nothing
fetched from outside the folders it is given (never over the network)."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML, Attachment
from weasyprint.text.fonts import FontConfiguration

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


def local_fetcher(roots: dict[str, Path]):
    """A url_fetcher that serves `<prefix>file` from `roots[prefix]/file` and refuses everything else."""
    resolved = {prefix: root.resolve() for prefix, root in roots.items()}

    def fetch(url: str, timeout: int = 10, ssl_context=None) -> dict:
        parts = urlsplit(url)
        for prefix, root in resolved.items():
            if parts.scheme == "file" and unquote(parts.path).startswith(prefix):
                path = (root / unquote(parts.path)[len(prefix) :]).resolve()
                if path.is_relative_to(root) and path.is_file():
                    return {
                        "string": path.read_bytes(),
                        "mime_type": mimetypes.guess_type(path.name)[0] or "application/octet-stream",
                        "redirected_url": path.as_uri(),
                    }
        raise RefusedResource(f"refused to fetch {url!r}")

    return fetch


def render_pdf(
    html: str, *, roots: dict[str, Path], attachments: tuple[AttachedFile, ...] = (), archival: bool = True
) -> bytes:
    """Render HTML whose links are `file:` URLs under the given roots, e.g. {"/static/": STATIC_DIR}."""
    document = HTML(string=html, base_url="file:///", url_fetcher=local_fetcher(roots))
    options = {"pdf_tags": True}
    if archival:
        options["pdf_variant"] = PDF_VARIANT
        options["attachments"] = [
            Attachment(string=a.content, name=a.name, description=a.description, relationship="Data")
            for a in attachments
        ]
    return document.write_pdf(font_config=font_configuration(), **options)
