"""Say clearly which system packages are missing, before anything fails obscurely.

WeasyPrint needs Pango (Debian: libpango-1.0-0 libpangoft2-1.0-0); the browser tests need
Chromium (Debian: chromium). Missing Pango stops `make run`/`make test`; missing Chromium only
means the browser tests will be skipped (unless REQUIRE_BROWSER=1). Without HarfBuzz's
subsetter (Debian: libharfbuzz-subset0) WeasyPrint cuts every PDF's fonts down with fontTools
instead, several times more slowly: the PDFs are the same, so this is only a note.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import sys

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def chromium_path() -> str | None:
    """Debian's Chromium, or CHROMIUM_PATH when set."""
    candidate = os.environ.get("CHROMIUM_PATH")
    if candidate:
        return candidate if os.path.exists(candidate) else None
    for path in CHROMIUM_PATHS:
        if os.path.exists(path):
            return path
    return shutil.which("chromium")


def pango_available() -> bool:
    return ctypes.util.find_library("pango-1.0") is not None or _try_weasyprint()


def harfbuzz_subsetter_available() -> bool:
    """Whether WeasyPrint found libharfbuzz-subset (it subsets fonts with fontTools if not)."""
    try:
        from weasyprint.text.ffi import harfbuzz_subset
    except OSError:
        return False
    return harfbuzz_subset is not None


def _try_weasyprint() -> bool:
    try:
        import weasyprint  # noqa: F401
    except OSError:
        return False
    return True


def main() -> int:
    ok = True
    if not pango_available():
        ok = False
        print(
            "MISSING: Pango, which WeasyPrint needs to make PDFs.\n"
            "  Debian/Ubuntu: sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0\n"
            "  macOS: brew install pango",
            file=sys.stderr,
        )
    elif not harfbuzz_subsetter_available():
        print(
            "NOTE: HarfBuzz's font subsetter not found; every PDF will take several times longer.\n"
            "  Debian/Ubuntu: sudo apt-get install -y libharfbuzz-subset0",
            file=sys.stderr,
        )
    if shutil.which("pdftotext") is None:
        print(
            "NOTE: poppler-utils (pdftotext) not found; the PDF text checks will be skipped.\n"
            "  Debian/Ubuntu: sudo apt-get install -y poppler-utils",
            file=sys.stderr,
        )
    if chromium_path() is None:
        message = (
            "NOTE: Chromium not found; the browser tests will be skipped.\n"
            "  Debian/Ubuntu: sudo apt-get install -y chromium"
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            ok = False
            message = message.replace("NOTE", "MISSING").replace(
                "will be skipped", "are required (REQUIRE_BROWSER=1)"
            )
        print(message, file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
