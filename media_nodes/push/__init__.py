"""Real-time comment push on the media nodes: WebSocket subscribers fed by the fan-out.

Usage on a node (or any ASGI app that should serve pushes)::

    from media_nodes.push import mount_push
    mount_push(app)

See ``docs/comments.md`` for the whole path (DynamoDB Streams -> fan-out -> nodes -> viewers).
"""

from __future__ import annotations

from fastapi import FastAPI

from media_nodes.push.hub import PushHub, Subscriber
from media_nodes.push.routes import push_router

__all__ = ["PushHub", "Subscriber", "mount_push"]


def mount_push(app: FastAPI, *, hub: PushHub | None = None, prefix: str = "/v1/push") -> PushHub:
    """Add the push routes to ``app``; the hub is also at ``app.state.push_hub``."""
    hub = hub or PushHub()
    app.include_router(push_router(hub, prefix))
    app.state.push_hub = hub
    return hub
