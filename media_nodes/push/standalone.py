"""A push-only node: the push module alone behind uvicorn (benchmarks, or push capacity without media).

``python -m media_nodes.push.standalone --port 8701`` serves exactly the routes a media node gets
from ``mount_push``; it needs the same environment (token issuer keys, ``CROSSLIVE_PUSH_SECRET``).
"""

from __future__ import annotations

import argparse

import uvicorn
from fastapi import FastAPI

from media_nodes.push import mount_push


def create_push_app() -> FastAPI:
    app = FastAPI(title="crosslive push node", docs_url=None, redoc_url=None, openapi_url=None)
    mount_push(app)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8701)
    args = parser.parse_args()
    uvicorn.run(
        create_push_app(),
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        ws="websockets-sansio",
        ws_per_message_deflate=False,
        lifespan="off",
    )


if __name__ == "__main__":
    main()
