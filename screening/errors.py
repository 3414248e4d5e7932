"""Friendly error pages: plain words, a way back, never a stack trace or anyone's data."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

log = logging.getLogger(__name__)


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (
            _("Something was not right"),
            _("We could not understand that request. Please go back and try again."),
        ),
        403: (_("Not allowed"), _("You do not have permission to see this page.")),
        404: (
            _("Page not found"),
            _(
                "We could not find that page. If you followed a link, it may have expired "
                "or been mistyped."
            ),
        ),
        405: (_("Not allowed"), _("That action is not possible on this page.")),
        413: (
            _("Too much information"),
            _("What you sent was too large. Please shorten it and try again."),
        ),
        429: (
            _("Too many tries"),
            _("You have tried too many times. Please wait a few minutes and try again."),
        ),
        500: (
            _("Sorry, something went wrong"),
            _("Your answers saved so far are safe. Please try again in a moment."),
        ),
    }


def render_error(code: int) -> tuple[str, int]:
    messages = _messages()
    title, text = messages.get(code, messages[500] if code >= 500 else messages[400])
    if code >= 500 and request.path.startswith("/staff"):
        # Staff have no "answers saved so far": what they just did may not have been saved.
        text = _(
            "Please try again in a moment. If it happens again, tell whoever runs this system."
        )
    return render_template("errors/error.html", code=code, title=title, text=text), code


def _close_session_safely(_error: BaseException | None) -> None:
    """End the request's database session without ever raising.

    Closing rolls back on the connection; when the database has just gone away (a PostgreSQL
    restart) that raises, and an exception in a teardown escapes Flask's error handlers, so
    the WSGI server answered with its own bare "Internal Server Error". The pool replaces the
    dead connection at its next checkout (screening.postgres_settings).
    """
    from screening.extensions import db

    try:
        db.session.remove()
    except Exception:
        log.warning("The database session could not be closed cleanly; it was discarded.")
        db.session.registry.clear()


class ErrorPageMiddleware:
    """The last line: an exception that escapes Flask still gets the app's own error page.

    Flask's handlers cover the view and its hooks; this covers what runs after them (teardown,
    streaming). The page is rendered in a fresh request context; if even that fails, a short
    plain page is sent. Never a stack trace.
    """

    FALLBACK = (
        b"<!doctype html><html lang='en'><meta charset='utf-8'><title>Sorry</title>"
        b"<h1>Sorry, something went wrong</h1><p>Your answers saved so far are safe. "
        b"Please try again in a moment.</p></html>"
    )

    def __init__(self, app: Flask, wsgi_app: Any) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        # The inner app's status and headers are held back until it has returned, so a failure
        # in its teardown can still replace them: start_response is called exactly once.
        held: list[tuple[str, list[tuple[str, str]]]] = []

        def hold(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            held[:] = [(status, headers)]
            return lambda _data: None  # the legacy write() callable; Flask never uses it

        try:
            body = self.wsgi_app(environ, hold)
        except Exception:
            log.exception("Error outside the request handlers")
            page = self._page(environ)
            start_response(
                "500 INTERNAL SERVER ERROR",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page)))],
            )
            return [page]
        status, headers = held[0]
        start_response(status, headers)
        return body

    def _page(self, environ: dict[str, Any]) -> bytes:
        try:
            with self.app.request_context(environ):
                html, _code = render_error(InternalServerError.code)
                return html.encode("utf-8")
        except Exception:
            return self.FALLBACK


def register_error_handlers(app: Flask) -> None:
    app.teardown_appcontext(_close_session_safely)
    app.wsgi_app = ErrorPageMiddleware(app, app.wsgi_app)  # type: ignore[method-assign]

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        code = error.code or 500
        return render_error(code)

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):  # type: ignore[no-untyped-def]
        """A Host header outside TRUSTED_HOSTS: no URLs can be built for it, so no page is
        rendered (the page's links would point at that host); a plain answer instead."""
        return Response(_("Unknown host name."), 400, mimetype="text/plain")

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):  # type: ignore[no-untyped-def]
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("Unhandled error", exc_info=error)
        from screening.extensions import db

        db.session.rollback()
        return render_error(InternalServerError.code)
