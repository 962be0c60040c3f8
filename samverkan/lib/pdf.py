"""Archival PDFs from HTML with WeasyPrint: PDF/A-3 with tags and attachments, fonts embedded, nothing
fetched from outside the folders it is given (never over the network), and each layout in a child process
bounded in time and memory."""

from __future__ import annotations

import base64
import gc
import hashlib
import json
import logging
import mimetypes
import multiprocessing
import os
import re
import resource
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyphen
from django.conf import settings
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .charts import SVG_DATA_URL
from .pdfcache import cached_pdf

PDF_VARIANT = "pdf/a-3u"
FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
HTML_LANG = re.compile(r"<html\b[^>]*\blang=\"([^\"]+)\"")


logger = logging.getLogger(__name__)


class RefusedResource(ValueError):
    """The document asked for a file outside the folders it may read."""


class RenderTooLarge(Exception):
    """Laying the document out took longer, or more memory, than a render may (PDF_RENDER_SECONDS,
    PDF_RENDER_MEMORY_MB)."""


@dataclass(frozen=True)
class AttachedFile:
    name: str
    content: bytes
    description: str

    @classmethod
    def json(cls, name: str, data: object, description: str) -> AttachedFile:
        """The document's content as data, attached to it in one way for every document: UTF-8 JSON, indented."""
        return cls(name, json.dumps(data, ensure_ascii=False, indent=2).encode(), description)


@cache
def font_configuration() -> FontConfiguration:
    """One font configuration for the process: building it anew for every document costs more than rendering."""
    return FontConfiguration()


class LocalFetcher(URLFetcher):
    """Serves `<prefix>file` from `roots[prefix]/file`, exactly the `files` named (`{"/media/x.png": path}`) and SVG
    images given in a data: URL (our charts, samverkan.lib.charts.as_image), and refuses everything else, the network
    above all."""

    def __init__(self, roots: dict[str, Path], files: dict[str, Path] | None = None) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.roots = {prefix: root.resolve() for prefix, root in roots.items()}
        self.files = dict(files or {})

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.startswith(SVG_DATA_URL):  # its content is in the URL: nothing is read
            body = base64.b64decode(url[len(SVG_DATA_URL) :], validate=True)
            return URLFetcherResponse(url, body=body, headers={"Content-Type": "image/svg+xml"})
        parts = urlsplit(url)
        path = unquote(parts.path)
        if parts.scheme == "file" and not parts.netloc:
            if path in self.files:
                return self._response(Path(self.files[path]))
            for prefix, root in self.roots.items():
                if path.startswith(prefix):
                    file = (root / path[len(prefix) :]).resolve()
                    if file.is_relative_to(root) and file.is_file():
                        return self._response(file)
        raise RefusedResource(f"refused to fetch {url!r}")

    @staticmethod
    def _response(file: Path) -> URLFetcherResponse:
        mime_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return URLFetcherResponse(file.as_uri(), body=file.read_bytes(), headers={"Content-Type": mime_type})


def render_pdf(
    html: str,
    *,
    roots: dict[str, Path],
    files: dict[str, Path] | None = None,
    attachments: tuple[AttachedFile, ...] = (),
    archival: bool = True,
) -> bytes:
    """Render HTML whose links are `file:` URLs under the given roots, e.g. {"/static/": STATIC_DIR}, or exactly the
    given files (stored under names never used twice). The same document is laid out once: printed again unchanged
    (a draft, say), by any worker, it comes from the shared cache (samverkan.lib.pdfcache), or waits for the render
    of it under way."""
    files = dict(files or {})
    places = (sorted((p, str(r)) for p, r in roots.items()), sorted((p, str(f)) for p, f in files.items()))
    digest = hashlib.sha256(repr((*places, archival)).encode())
    digest.update(html.encode())
    for attachment in attachments:
        digest.update(repr((attachment.name, attachment.description)).encode())
        digest.update(attachment.content)
    return cached_pdf(
        digest.hexdigest(),
        lambda: _render(html, roots=roots, files=files, attachments=attachments, archival=archival),
    )


def _render(
    html: str,
    *,
    roots: dict[str, Path],
    files: dict[str, Path],
    attachments: tuple[AttachedFile, ...],
    archival: bool,
) -> bytes:
    """Lay the document out in a forked child, killed at PDF_RENDER_SECONDS and limited to PDF_RENDER_MEMORY_MB
    more than it was forked with: one document out of all proportion then costs its reader an error page, not
    the worker (which gunicorn kills at its own timeout, losing every request it serves) or the machine's memory.
    RenderTooLarge when a limit is hit."""
    seconds = settings.PDF_RENDER_SECONDS
    _load_fonts(html, roots=roots)
    _load_hyphenation(html)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_render_in_child,
        args=(sender, html, roots, files, attachments, archival, settings.PDF_RENDER_MEMORY_MB),
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            logger.warning("A PDF render took more than %s seconds and was stopped", seconds)
            raise RenderTooLarge(f"more than {seconds} s")
        try:
            outcome, value, records = receiver.recv()
        except EOFError:  # the child died, killed by the memory limit in the C libraries, say
            child.join(5)
            logger.warning("A PDF render ended without a result (exit code %s)", child.exitcode)
            raise RenderTooLarge("the render ended without a result") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    for record in records:
        logging.getLogger(record.name).handle(record)
    if outcome == "pdf":
        return value
    if outcome == "memory":
        logger.warning("A PDF render needed more than %s MB", settings.PDF_RENDER_MEMORY_MB)
        raise RenderTooLarge(f"more than {settings.PDF_RENDER_MEMORY_MB} MB")
    raise value


def _load_fonts(html: str, *, roots: dict[str, Path]) -> None:
    """Load the system fonts and the document's @font-face fonts into this process's font configuration before a
    child is forked: every child inherits them, instead of loading them anew (a tenth of a second) into a copy
    that dies with it. A font face must therefore be in the document's own <style>: one a child found elsewhere
    would be written to the folder the configuration shares on disk, and the next child, finding the file there,
    would take it as loaded."""
    if faces := "".join(FONT_FACE.findall(html)):
        CSS(string=faces, base_url="file:///", url_fetcher=LocalFetcher(roots), font_config=font_configuration())
    else:
        font_configuration()


def _load_hyphenation(html: str) -> None:
    """Read the hyphenation patterns of the document's language (`<html lang>`) into this process before a child is
    forked, as the fonts are: pyphen keeps them for the process, and reading them anew in every child took a
    twentieth of a second of each render."""
    if (found := HTML_LANG.search(html)) and (language := pyphen.language_fallback(found.group(1))):
        pyphen.Pyphen(lang=language)


def _render_in_child(
    sender: Connection,
    html: str,
    roots: dict[str, Path],
    files: dict[str, Path],
    attachments: tuple[AttachedFile, ...],
    archival: bool,
    memory_mb: int,
) -> None:
    """The child's side of _render: send ("pdf", bytes), ("memory", None) or ("error", the exception), with what
    it logged (WeasyPrint's warnings), for the parent to log where its own records go."""
    records = _LogCollector()
    logging.getLogger().handlers = [records]
    # A layout makes hundreds of thousands of objects, and the cyclic garbage collector, run every 700 of them by
    # default, walked them and everything inherited from the worker again and again: a fifth of a render's time.
    # What the child was forked with lives as long as it does, so the collector leaves it be, and runs less often.
    gc.freeze()
    gc.set_threshold(10_000, 50, 1_000)
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    # The limit counts the address space the child was forked with (the worker's libraries and heap) too.
    limit = _address_space() + memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    # A child stopped by the limit must not write the worker's memory, the agreement in it, to a core file.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    forked_with = _reset_peak_memory()
    try:
        pdf = _layout(html, roots=roots, files=files, attachments=attachments, archival=archival)
        if logger.isEnabledFor(logging.INFO):
            peak = _resident_mib("VmHWM")
            # The child's own processor time: unlike the time it took, it hardly changes with what else runs.
            usage = resource.getrusage(resource.RUSAGE_SELF)
            cpu = round(usage.ru_utime + usage.ru_stime, 3)
            logger.info(
                "A PDF render peaked at %s MiB resident, forked with %s MiB, and took %s s of CPU",
                peak,
                forked_with,
                cpu,
                extra={"peak_rss_mib": peak, "forked_rss_mib": forked_with, "cpu_seconds": cpu},
            )
        sender.send(("pdf", pdf, records.records))
    except MemoryError:
        sender.send(("memory", None, records.records))
    except Exception as error:  # the parent raises it, as an in-process render would have
        try:
            sender.send(("error", error, records.records))
        except Exception:  # an exception that cannot be pickled is told by its text
            sender.send(("error", RuntimeError(repr(error)), records.records))
    finally:
        sender.close()


class _LogCollector(logging.Handler):
    """Keeps a child's log records, made picklable, to be sent to the parent."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
        self.records.append(record)


def _reset_peak_memory() -> int | None:
    """Start the process's high-water mark of resident memory (VmHWM) anew, a forked child's being its parent's, and
    return the resident memory it starts from, in MiB."""
    # Not on Linux, or not allowed: the peak then includes the parent's.
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _resident_mib("VmRSS")


def _resident_mib(field: str) -> int | None:
    """VmRSS (resident now) or VmHWM (most resident since the last reset) of this process in MiB, on Linux: the pages
    a child shares with the process it was forked from included."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    match = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) // 1024 if match else None


def _address_space() -> int:
    """The process's current virtual memory size in bytes (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _layout(
    html: str,
    *,
    roots: dict[str, Path],
    files: dict[str, Path],
    attachments: tuple[AttachedFile, ...],
    archival: bool,
) -> bytes:
    document = HTML(string=html, base_url="file:///", url_fetcher=LocalFetcher(roots, files))
    options = {"pdf_tags": True}
    if archival:
        options["pdf_variant"] = PDF_VARIANT
        options["attachments"] = [
            Attachment(string=a.content, name=a.name, description=a.description, relationship="Data")
            for a in attachments
        ]
    return document.write_pdf(font_config=font_configuration(), **options)


def pdf_roots() -> dict:
    """The only folder a PDF may read from: our fonts (the print CSS is in the document itself). None of MEDIA_ROOT is
    readable as a folder: a document names the uploaded images it shows one by one (`render_pdf`'s `files`), and
    nothing else there (another agreement's figures or evidence, an archive) can be read."""
    return {"/static/fonts/": settings.BASE_DIR / "static" / "fonts"}


def media_files(stored: list) -> dict[str, Path]:
    """Stored files (FieldFiles) as the `files` a PDF may read, each at /media/<its name>, as templates address it
    (`file:///media/{{ file.name|urlencode }}`)."""
    return {f"/media/{file.name}": Path(file.path) for file in stored}
