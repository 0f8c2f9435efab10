"""The DynamoDB API served in-process by moto, on loopback, with requests serialized.

moto's DynamoDB is not linearizable when requests from several threads interleave (a conditional
update can lose to a racing one and both succeed). Real DynamoDB is linearizable per item, and the
coupon path depends on that, so every request to the embedded server runs under one lock. This
uses moto's WSGI application directly (``moto.moto_server.werkzeug_app``): moto is pinned exactly
in ``pyproject.toml`` and ``tests/dev/test_embedded_dynamodb.py`` fails if that changes shape.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _QuietHandler(MotoRequestHandler):
    """moto's request handler without an access-log line per DynamoDB call."""

    def log_request(self, *args: object, **kwargs: object) -> None:
        pass


class SerializedWSGI:
    """Run one request at a time through a WSGI app, body included."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.requests = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self.lock:
            self.requests += 1
            result = self.app(environ, start_response)
            try:
                return [b"".join(result)]
            finally:
                close = getattr(result, "close", None)
                if close:
                    close()


class EmbeddedDynamoDB:
    """A moto server on ``127.0.0.1`` (port 0 picks a free one)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.app = SerializedWSGI(DomainDispatcherApplication(create_backend_app))

    @property
    def endpoint(self) -> str:
        if self._server is None:
            raise RuntimeError("EmbeddedDynamoDB is not started")
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> str:
        self._server = make_server(self.host, self.port, self.app, threaded=True, request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="embedded-dynamodb", daemon=True)
        self._thread.start()
        return self.endpoint

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> EmbeddedDynamoDB:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
