"""The URL fetcher serves only packaged fonts and static files and data: URLs."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from screening.summary.fetcher import PACKAGE_DIR, PackagedFilesFetcher, RefusedURL

FONT = PACKAGE_DIR / "fonts" / "DejaVuSans.ttf"


@pytest.fixture
def fetcher() -> PackagedFilesFetcher:
    return PackagedFilesFetcher()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://example.com/etc/passwd",
        "http://example.com/x.css",
        "https://example.com/x.css",
        "ftp://example.com/x",
        "javascript:alert(1)",
        (PACKAGE_DIR / "fonts" / ".." / ".." / "config.py").as_uri(),
        (PACKAGE_DIR / "fonts").as_uri() + "/../models.py",
        (PACKAGE_DIR / "fonts").as_uri() + "/%2e%2e/models.py",
        (PACKAGE_DIR / "models.py").as_uri(),
        (PACKAGE_DIR / "fonts" / "missing.ttf").as_uri(),
        FONT.as_uri() + "?x=1",
    ],
)
def test_refused(fetcher: PackagedFilesFetcher, url: str) -> None:
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.calls == [(url, False)]


def test_symlink_out_of_an_allowed_folder_is_refused(
    fetcher, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from screening.summary import fetcher as fetcher_module

    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (allowed / "ok.txt").write_text("fine")
    (allowed / "escape").symlink_to("/etc/passwd")
    monkeypatch.setattr(fetcher_module, "ALLOWED_DIRS", (allowed,))
    assert fetcher.fetch((allowed / "ok.txt").as_uri()).read() == b"fine"
    with pytest.raises(RefusedURL):
        fetcher.fetch((allowed / "escape").as_uri())


def test_packaged_font_is_served(fetcher) -> None:
    response = fetcher.fetch(FONT.as_uri())
    assert response.read() == FONT.read_bytes()
    assert response.content_type == "font/ttf"
    assert fetcher.calls == [(FONT.as_uri(), True)]


def test_packaged_static_file_is_served(fetcher) -> None:
    css = PACKAGE_DIR / "static" / "css" / "app.css"
    assert fetcher.fetch(css.as_uri()).read() == css.read_bytes()


def test_data_urls_are_served(fetcher) -> None:
    payload = base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode()
    response = fetcher.fetch(f"data:image/svg+xml;base64,{payload}")
    assert response.read().startswith(b"<svg")
    assert response.content_type == "image/svg+xml"
    assert fetcher.fetch("data:,hello%20world").read() == b"hello world"


def test_urllib_opener_is_never_used(fetcher) -> None:
    with pytest.raises(RefusedURL):
        fetcher.open("http://example.com/")
