"""The only URL fetcher WeasyPrint ever gets: the project's own packaged files and `data:` URLs.

Everything else is refused by raising `RefusedURL`: `file:` URLs outside `screening/fonts` and
`screening/static` (paths are resolved first, so `..` and symlinks cannot escape), `http:`,
`https:`, `ftp:` and any other scheme. No urllib opener is ever used, so there is nothing that
could follow a redirect. Patient text is escaped before it reaches WeasyPrint, so in practice
only the fonts are fetched; this is the second lock on the door.

Every call is recorded in `calls` (url, served?) so tests can prove what was and was not read.
Importing this module imports WeasyPrint; `render.py` imports it lazily.
"""

from __future__ import annotations

import base64
import mimetypes
from functools import cache
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

PACKAGE_DIR = Path(__file__).resolve().parent.parent
ALLOWED_DIRS = (PACKAGE_DIR / "fonts", PACKAGE_DIR / "static")
# Relative URLs in the PDF CSS (`url(fonts/...)`) resolve against the package directory.
BASE_URL = PACKAGE_DIR.as_uri() + "/"
MAX_DATA_URL = 2 * 1024 * 1024


class RefusedURL(ValueError):
    """A URL the summary renderer will not fetch."""


@cache
def _read_packaged(path: Path) -> bytes:
    """Packaged files never change while the app runs: read each once."""
    return path.read_bytes()


def packaged_path(url: str) -> Path:
    """The file a `file:` URL names, if it lies inside an allowed package folder."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file":
        raise RefusedURL(f"not a file URL: {url!r}")
    if parts.netloc not in ("", "localhost"):
        raise RefusedURL(f"file URL on another host: {url!r}")
    if parts.query:
        raise RefusedURL(f"file URL with a query: {url!r}")
    raw = Path(url2pathname(unquote(parts.path)))
    try:
        resolved = raw.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise RefusedURL(f"no such packaged file: {url!r}") from exc
    for allowed in ALLOWED_DIRS:
        if resolved.is_relative_to(allowed.resolve()) and resolved.is_file():
            return resolved
    raise RefusedURL(f"outside the packaged fonts and static files: {url!r}")


def decode_data_url(url: str) -> tuple[bytes, str]:
    """The bytes and media type of a `data:` URL (RFC 2397)."""
    if len(url) > MAX_DATA_URL:
        raise RefusedURL("data: URL too large")
    header, sep, payload = url[5:].partition(",")
    if not sep:
        raise RefusedURL("malformed data: URL")
    params = header.split(";")
    media_type = params[0].strip() or "text/plain"
    if "base64" in (p.strip().lower() for p in params[1:]):
        try:
            body = base64.b64decode(unquote(payload), validate=False)
        except ValueError as exc:
            raise RefusedURL("malformed base64 in data: URL") from exc
    else:
        body = unquote_to_bytes(payload)
    return body, media_type


class PackagedFilesFetcher(URLFetcher):
    """Serves packaged fonts and static files and `data:` URLs; refuses everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.calls: list[tuple[str, bool]] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            response = self._serve(url)
        except RefusedURL:
            self.calls.append((url, False))
            raise
        self.calls.append((url, True))
        return response

    def _serve(self, url: str) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            body, media_type = decode_data_url(url)
            return URLFetcherResponse(url, body, {"Content-Type": media_type})
        if scheme == "file":
            path = packaged_path(url)
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if path.suffix == ".ttf":
                media_type = "font/ttf"
            return URLFetcherResponse(
                path.as_uri(), _read_packaged(path), {"Content-Type": media_type}
            )
        raise RefusedURL(f"scheme not allowed: {url[:80]!r}")

    def open(self, url: object, data: object = None, timeout: object = None) -> object:
        """Never used by this fetcher: refuse rather than fall back to urllib's opener."""
        raise RefusedURL("the summary fetcher does not open URLs through urllib")
