"""Delivery channels behind one small interface (Django's mail backends, Zulip's senders).

A channel has `send(message)` and `close()`. `send` returns when the receiver has accepted the
message and raises `DeliveryError` otherwise, saying whether trying again could help. Error
texts name the failure (an SMTP code, an HTTP status, "connection refused"), never a recipient
or any content, because they are stored in `outbox_message.last_error` and logged.

Email: "smtp" (SMTP_HOST set), "console" (development without SMTP: the email is written to the
worker's log) or "memory" (a list tests can read). Webhook: a signed JSON POST to
ALERT_WEBHOOK_URL.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol
from urllib.parse import urlsplit

logger = logging.getLogger("screening.outbox")

WEBHOOK_TIMEOUT_SECONDS = 15
SIGNATURE_HEADER = "X-Screening-Signature"
# Headers a caller may not replace: they identify the message and its sender.
_RESERVED_HEADERS = frozenset({"from", "to", "subject", "message-id", "date"})


class DeliveryError(Exception):
    """The receiver did not accept the message; `permanent` means retrying cannot help.

    `channel_down` means the receiver itself could not be reached or is failing (no answer, a
    refused connection, a webhook's 5xx or 429), not that it refused this one message: the
    worker then tries that channel's other messages next cycle instead of waiting out the
    same timeout for each of them, which would hold up an alert on another channel.
    """

    def __init__(
        self,
        reason: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        channel_down: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason[:500]
        self.permanent = permanent
        self.retry_after = retry_after
        self.channel_down = channel_down


@dataclass(frozen=True)
class Outgoing:
    """A claimed message as plain data: delivered outside any database transaction."""

    id: str
    kind: str
    channel: str
    recipient: str
    payload: Mapping[str, Any]
    attempts: int
    max_attempts: int
    priority: int = 0


class Channel(Protocol):
    def send(self, message: Outgoing) -> None: ...

    def close(self) -> None: ...


# -- email -----------------------------------------------------------------------------------


# Header lines up to RFC 5322's hard limit of 998 characters. At the default 78, a header
# with no space to fold at, such as List-Unsubscribe's long link, is rewritten as MIME encoded
# words ("=?utf-8?q?=3Chttps=3A//..."), which mail programs do not read as a link: their
# unsubscribe button stopped working.
_EMAIL_POLICY = email_policy.default.clone(max_line_length=998)


def build_email(message: Outgoing, mail_from: str) -> EmailMessage:
    """The email as it will be sent; the Message-ID is the outbox id, so retries match."""
    payload = message.payload
    email = EmailMessage(policy=_EMAIL_POLICY)
    email["From"] = mail_from
    email["To"] = message.recipient
    email["Subject"] = payload["subject"]
    email["Date"] = formatdate(usegmt=True)
    domain = mail_from.rpartition("@")[2].strip("<> ") or "screening.invalid"
    email["Message-ID"] = f"<{message.id}@{domain}>"
    email["Auto-Submitted"] = "auto-generated"
    for name, value in (payload.get("headers") or {}).items():
        if name.lower() not in _RESERVED_HEADERS:
            email[name] = value
    email.set_content(payload["text"])
    if payload.get("html"):
        email.add_alternative(payload["html"], subtype="html")
    return email


class SmtpEmail:
    """SMTP with STARTTLS (unless SMTP_STARTTLS is false) and optional login.

    One connection serves a whole batch; any error drops it, and the next message opens a new
    one. 4xx replies, timeouts and refused connections are temporary; a 5xx refusal of the
    recipient or the message is permanent.
    """

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.host: str = config["SMTP_HOST"]
        self.port = int(config.get("SMTP_PORT") or 587)
        self.username: str | None = config.get("SMTP_USERNAME")
        self.password: str | None = config.get("SMTP_PASSWORD")
        self.starttls = bool(config.get("SMTP_STARTTLS", True))
        self.timeout = float(config.get("SMTP_TIMEOUT_SECONDS") or 30)
        self.mail_from: str = config.get("MAIL_FROM") or "screening@localhost"
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._connection is None:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            try:
                connection.ehlo()
                if self.starttls:
                    connection.starttls(context=ssl.create_default_context())
                    connection.ehlo()
                if self.username:
                    connection.login(self.username, self.password or "")
            except BaseException:
                _quietly_close(connection)
                raise
            self._connection = connection
        return self._connection

    def send(self, message: Outgoing) -> None:
        email = build_email(message, self.mail_from)
        try:
            connection = self._connect()
            refused = connection.send_message(
                email, from_addr=_address(self.mail_from), to_addrs=[message.recipient]
            )
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            codes = [code for code, _ in exc.recipients.values()]
            raise _smtp_error("recipient refused", codes[0] if codes else 550) from None
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise _smtp_error("refused", exc.smtp_code) from None
        except smtplib.SMTPServerDisconnected as exc:
            self.close()
            # smtplib reports a relay that never answered as a disconnection "timed out".
            reason = "SMTP timed out" if "timed out" in str(exc) else "SMTP server disconnected"
            raise DeliveryError(reason, channel_down=True) from None
        except TimeoutError:
            self.close()
            raise DeliveryError("SMTP timed out", channel_down=True) from None
        except ConnectionRefusedError:
            self.close()
            raise DeliveryError("SMTP connection refused", channel_down=True) from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise DeliveryError(f"SMTP error ({type(exc).__name__})", channel_down=True) from None
        if refused:
            raise DeliveryError("SMTP recipient refused", permanent=True)

    def close(self) -> None:
        if self._connection is not None:
            _quietly_close(self._connection)
            self._connection = None


def _smtp_error(what: str, code: int) -> DeliveryError:
    # A failed login (535) is a setting to fix, not a reason to drop an alert: retry it.
    permanent = 500 <= code < 600 and code not in (530, 534, 535)
    # 421: the relay is closing the connection (busy, shutting down); a failed login holds
    # for every message. Other replies concern this one message.
    channel_down = code in (421, 530, 534, 535)
    return DeliveryError(f"SMTP {what} ({code})", permanent=permanent, channel_down=channel_down)


def _address(mail_from: str) -> str:
    from email.utils import parseaddr

    return parseaddr(mail_from)[1] or mail_from


def _quietly_close(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()


class ConsoleEmail:
    """Development without SMTP: the whole email is written to the worker's log."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.mail_from: str = config.get("MAIL_FROM") or "screening@localhost"

    def send(self, message: Outgoing) -> None:
        email = build_email(message, self.mail_from)
        logger.info("email (console, not sent; set SMTP_HOST to send):\n%s", email.as_string())

    def close(self) -> None:
        pass


# Emails "sent" by the memory channel, oldest first (tests read and clear it).
memory_outbox: list[EmailMessage] = []


class MemoryEmail:
    """Tests: emails are kept in `memory_outbox`."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.mail_from: str = config.get("MAIL_FROM") or "screening@localhost"

    def send(self, message: Outgoing) -> None:
        memory_outbox.append(build_email(message, self.mail_from))

    def close(self) -> None:
        pass


class UnconfiguredEmail:
    """Production without SMTP_HOST: keep the emails (retried) until SMTP is set up."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        pass

    def send(self, message: Outgoing) -> None:
        raise DeliveryError("email is not configured (set SMTP_HOST)", channel_down=True)

    def close(self) -> None:
        pass


EMAIL_BACKENDS: dict[str, type[SmtpEmail | ConsoleEmail | MemoryEmail | UnconfiguredEmail]] = {
    "smtp": SmtpEmail,
    "console": ConsoleEmail,
    "memory": MemoryEmail,
}


def email_backend_name(config: Mapping[str, Any]) -> str:
    """Which email channel the settings choose (MAIL_BACKEND wins; else SMTP if configured)."""
    chosen = config.get("MAIL_BACKEND")
    if chosen:
        return str(chosen)
    if config.get("SMTP_HOST"):
        return "smtp"
    if config.get("ENV_NAME") == "production":
        return "unconfigured"
    return "console"


def email_channel(config: Mapping[str, Any]) -> Channel:
    name = email_backend_name(config)
    backend = EMAIL_BACKENDS.get(name, UnconfiguredEmail)
    return backend(config)


# -- webhook ---------------------------------------------------------------------------------


def sign(body: bytes, secret: str) -> str:
    """The X-Screening-Signature value: sha256=<hex HMAC-SHA256 of the raw body>."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirected POST is refused: the signed body must reach the configured address only."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Webhook:
    """A JSON POST of the exact stored bytes, signed, with a stable webhook-id for dedupe.

    2xx is delivered. 408, 429 and 5xx are retried (Retry-After honoured); other 4xx, a
    redirect or a bad address are permanent.
    """

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.url: str | None = config.get("ALERT_WEBHOOK_URL")
        self.secret: str | None = config.get("ALERT_WEBHOOK_SECRET")
        self._opener = urllib.request.build_opener(_NoRedirects)

    def send(self, message: Outgoing) -> None:
        if not self.url or not self.secret:
            raise DeliveryError(
                "webhook is not configured (ALERT_WEBHOOK_URL/SECRET)", channel_down=True
            )
        if urlsplit(self.url).scheme not in ("http", "https"):
            raise DeliveryError("ALERT_WEBHOOK_URL must be http or https", permanent=True)
        body = str(message.payload["body"]).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "miss-screening-outbox/1",
                SIGNATURE_HEADER: sign(body, self.secret),
                "webhook-id": message.id,
                "webhook-timestamp": str(int(time.time())),
            },
        )
        try:
            with self._opener.open(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
            retry_after = _retry_after(exc.headers.get("Retry-After"))
            exc.close()
            if status in (408, 429) or status >= 500:
                raise DeliveryError(
                    f"webhook HTTP {status}", retry_after=retry_after, channel_down=True
                ) from None
            raise DeliveryError(f"webhook HTTP {status}", permanent=True) from None
        except TimeoutError:
            raise DeliveryError("webhook timed out", channel_down=True) from None
        except urllib.error.URLError as exc:
            reason = type(exc.reason).__name__ if not isinstance(exc.reason, str) else "URLError"
            raise DeliveryError(f"webhook unreachable ({reason})", channel_down=True) from None
        except OSError as exc:
            raise DeliveryError(
                f"webhook unreachable ({type(exc).__name__})", channel_down=True
            ) from None
        if not 200 <= status < 300:
            raise DeliveryError(f"webhook HTTP {status}", permanent=True)

    def close(self) -> None:
        pass


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


class Channels:
    """The channels of one worker cycle, opened on first use and closed together."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self._open: dict[str, Channel] = {}

    def get(self, name: str) -> Channel:
        if name not in self._open:
            if name == "email":
                self._open[name] = email_channel(self.config)
            elif name == "webhook":
                self._open[name] = Webhook(self.config)
            else:
                raise DeliveryError(f"unknown channel {name!r}", permanent=True)
        return self._open[name]

    def close(self) -> None:
        for channel in self._open.values():
            channel.close()
        self._open.clear()
