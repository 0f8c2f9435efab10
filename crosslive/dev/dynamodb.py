"""The DynamoDB API served in-process by moto, on loopback, with requests serialized.

moto's DynamoDB is not linearizable when requests from several threads interleave (a conditional
update can lose to a racing one and both succeed). Real DynamoDB is linearizable per item, and the
coupon path depends on that, so every request to the embedded server runs under one lock. This
uses moto's WSGI application directly (``moto.moto_server.werkzeug_app``): moto is pinned exactly
in ``pyproject.toml`` and ``tests/foundation/test_embedded_dynamodb.py`` fails if that changes shape.

moto's ``TransactWriteItems`` copies whole tables for its rollback, which made every comment
write slower as the table grew; ``crosslive.dev.moto_transactions`` replaces that copy with an
item-level rollback before the server starts.

Clients in the same process (the functions of the embedded platform) do not need the socket:
``EmbeddedDynamoDB.start`` registers a botocore ``before-send`` handler that hands requests for
this server's endpoint straight to the same serialized WSGI app, the mechanism moto's own
``mock_aws`` uses. Nothing above the transport changes (PynamoDB, botocore serialization,
signing and parsing all run as in AWS), and the werkzeug server stays up for other processes
(media nodes, the CLI). werkzeug closes every connection after one response, so each call over
the socket paid a TCP connect and a new server thread: the in-process path halves the cost of a
DynamoDB call here.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from io import BytesIO
from typing import Any, Protocol
from urllib.parse import SplitResult, urlsplit

import botocore.handlers
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.test import EnvironBuilder

from crosslive.dev import moto_transactions

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
        self.operations: Counter[str] = Counter()  # requests per DynamoDB operation, for the benchmarks
        self.cpu_seconds = 0.0  # CPU spent inside the app (moto's emulation), for the benchmarks

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self.lock:
            self.requests += 1
            self.operations[str(environ.get("HTTP_X_AMZ_TARGET", "")).rpartition(".")[2]] += 1
            started = time.thread_time()
            result = self.app(environ, start_response)
            try:
                return [b"".join(result)]
            finally:
                close = getattr(result, "close", None)
                if close:
                    close()
                self.cpu_seconds += time.thread_time() - started


class ResponseBody(BytesIO):
    """A response body in the shape botocore reads (``stream()``), as moto's mock gives it."""

    def stream(self, **_: Any) -> Iterable[bytes]:
        chunk = self.read()
        while chunk:
            yield chunk
            chunk = self.read()


class Faults(Protocol):
    """Something that may fail a DynamoDB request instead of, or after, serving it (tests)."""

    def around(self, request: AWSPreparedRequest, serve: Callable[[], AWSResponse]) -> AWSResponse: ...


class InProcessTransport:
    """botocore ``before-send`` handler: requests to a registered endpoint skip the socket.

    ``faults`` (``crosslive.dev.faults.FaultInjector``) wraps each request when set: it sits where
    the network would, below botocore's retries, so the functions see faults exactly as they would
    see a throttled, failing or timing-out DynamoDB.
    """

    def __init__(self) -> None:
        self.apps: dict[str, SerializedWSGI] = {}  # "127.0.0.1:PORT" -> that server's app
        self.served = 0
        self.faults: Faults | None = None

    def __call__(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
        url = urlsplit(request.url)
        app = self.apps.get(url.netloc)
        if app is None:
            return None  # not ours: botocore sends it as usual
        if self.faults is not None:
            return self.faults.around(request, lambda: self._serve(app, request, url))
        return self._serve(app, request, url)

    def _serve(self, app: SerializedWSGI, request: AWSPreparedRequest, url: SplitResult) -> AWSResponse:
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        builder = EnvironBuilder(
            method=request.method,
            path=url.path or "/",
            query_string=url.query,
            headers=[(k, v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()],
            data=body or b"",
            base_url=f"{url.scheme}://{url.netloc}",
        )
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        status: list[str] = []
        headers: list[tuple[str, str]] = []

        def start_response(line: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            status.append(line)
            headers.extend(response_headers)

        payload = b"".join(app(environ, start_response))
        self.served += 1
        return AWSResponse(request.url, int(status[0].split(" ", 1)[0]), dict(headers), ResponseBody(payload))  # type: ignore[arg-type]


IN_PROCESS = InProcessTransport()
# Every botocore session created from now on carries the handler (moto's mock_aws does the same).
botocore.handlers.BUILTIN_HANDLERS.append(("before-send.dynamodb", IN_PROCESS))


class EmbeddedDynamoDB:
    """A moto server on ``127.0.0.1`` (port 0 picks a free one)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        moto_transactions.install()
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
        IN_PROCESS.apps[self._netloc()] = self.app
        return self.endpoint

    def _netloc(self) -> str:
        return urlsplit(self.endpoint).netloc

    def stop(self) -> None:
        if self._server is not None:
            IN_PROCESS.apps.pop(self._netloc(), None)
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
