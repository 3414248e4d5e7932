"""Real local receivers for the outbox tests: an aiosmtpd SMTP server and an HTTP server.

Both listen on 127.0.0.1 on a free port and record what they accept; tests read the records.
Nothing is mocked: the worker talks SMTP and HTTP to them exactly as to a clinic's mail relay
and paging system.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A loopback port free now: for a test server to listen on, or, left unused, one that
    refuses every connection (a service that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def smtp_settings(server: SmtpServer, mail_from: str) -> dict[str, object]:
    """The app's settings for sending through a test SMTP server (plain SMTP, short timeout)."""
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": server.port,
        "SMTP_STARTTLS": False,
        "SMTP_TIMEOUT_SECONDS": 10,
        "MAIL_FROM": mail_from,
    }


# The shared test secret the webhook receiver checks signatures with.
WEBHOOK_SECRET = "test-webhook-secret-" + "x" * 24


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes = b""  # as it came over the wire, before any parsing


class RecordingSmtpHandler:
    """Accepts mail and records it; can refuse the next few (451) or hold a delivery open."""

    def __init__(self) -> None:
        self.received: list[ReceivedMail] = []
        self.temporary_failures = 0
        self.permanent_refusal = False
        self.holding = threading.Event()
        self.data_started = threading.Event()
        self.delay_seconds = 0.0
        self._lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if self.permanent_refusal:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_started.set()
        while self.holding.is_set():
            await asyncio.sleep(0.02)
            if not self.holding.is_set():
                # The sender was killed meanwhile: this message was never accepted.
                return "451 4.3.0 Try again later"
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        with self._lock:
            if self.temporary_failures > 0:
                self.temporary_failures -= 1
                return "451 4.3.0 Try again later"
            message = message_from_bytes(envelope.content, policy=policy.default)
            self.received.append(
                ReceivedMail(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    message,  # type: ignore[arg-type]
                    envelope.content,
                )
            )
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [str(mail.message["Message-ID"]) for mail in self.received]


class SmtpServer:
    """An aiosmtpd server on a fixed free port that can be stopped and started again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = RecordingSmtpHandler()
        self._controller: Controller | None = None

    def start(self) -> None:
        if self._controller is None:
            self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def received(self) -> list[ReceivedMail]:
        return self.handler.received


@dataclass
class ReceivedPost:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookReceiver:
    """A real HTTP server in a thread; answers each POST with the next queued status (200)."""

    secret: str
    received: list[ReceivedPost] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/alerts"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                if 200 <= status < 300:
                    receiver.received.append(
                        ReceivedPost(
                            self.path, {k.lower(): v for k, v in self.headers.items()}, body
                        )
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def signature_ok(self, post: ReceivedPost) -> bool:
        """What a receiver must do: HMAC the raw body and compare in constant time."""
        expected = "sha256=" + hmac.new(self.secret.encode(), post.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, post.headers.get("x-screening-signature", ""))


def wait_for(condition: Any, timeout: float = 20.0) -> bool:
    """Poll until `condition()` is true (for subprocess tests); never a timing assertion."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


class SilentRelay:
    """A mail relay that takes the connection and never says a word (hung, or a firewall
    that swallows the traffic): every SMTP attempt waits for the client's timeout. Counts
    the connections made to it."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = int(self._socket.getsockname()[1])
        self.connections = 0
        self._held: list[socket.socket] = []
        self._closing = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._closing:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            self.connections += 1
            self._held.append(connection)  # held open, unanswered

    def close(self) -> None:
        self._closing = True
        self._socket.close()
        for connection in self._held:
            connection.close()
        self._thread.join(timeout=5)
