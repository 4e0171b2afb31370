"""A stand-in for the bot's `/healthz` on 127.0.0.1, for the health check command's tests
(the endpoint itself belongs to the bot's web application)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HealthServer(ThreadingHTTPServer):
    """Answers GET /healthz with `status` (200 until a test changes it), 404 elsewhere."""

    status = 200

    @property
    def port(self) -> int:
        return self.server_address[1]


class _Health(BaseHTTPRequestHandler):
    server: HealthServer

    def do_GET(self) -> None:
        status = self.server.status if self.path == "/healthz" else 404
        body = b'{"ok": true}' if status == 200 else b'{"ok": false}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet: the tests read the health check's output, not the server's."""


@contextmanager
def serving_health() -> Iterator[HealthServer]:
    server = HealthServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
