"""Friendly error pages: plain words, a way back, never a stack trace or anyone's data."""

from __future__ import annotations

import logging

from flask import Flask, Response, render_template
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
    return render_template("errors/error.html", code=code, title=title, text=text), code


def register_error_handlers(app: Flask) -> None:
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
