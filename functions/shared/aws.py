"""One botocore session per thread, with one data loader per process, for every AWS client.

A botocore session reads its service data (``endpoints.json``, the service's model, its endpoint
rule set, the list of services: a few MB of JSON and ~2,700 ``stat`` calls) the first time it
makes a client, and keeps it in its own data loader; making a session registers ~120 event
handlers, inspecting each one's signature. PynamoDB made one session per model class (per
thread), so a container's first request paid both once for every table it touched, and once more
for each boto3 client: the bulk of a first request's time (``docs/benchmarks.md``, coldstart).

Here a thread's clients come from one session (client creation is not thread-safe on a shared
session, so each thread has its own), and all sessions share one loader, which holds read-only
data. A session is made again when ``botocore.handlers.BUILTIN_HANDLERS`` changed since (the
embedded platform and moto add handlers that every new session must carry). ``functions.shared.db``
installs :func:`botocore_session` as PynamoDB's session factory.
"""

from __future__ import annotations

import threading
from typing import Any

import botocore.handlers
import botocore.loaders
import botocore.session

_lock = threading.Lock()
_loader: botocore.loaders.Loader | None = None
_local = threading.local()


def _handlers_key() -> tuple[int, ...]:
    return tuple(id(entry) for entry in botocore.handlers.BUILTIN_HANDLERS)


def botocore_session() -> botocore.session.Session:
    """This thread's botocore session, using the process's one data loader (made by the first
    session, from the same configuration, e.g. ``AWS_DATA_PATH``)."""
    global _loader
    key = _handlers_key()
    session: botocore.session.Session | None = getattr(_local, "session", None)
    if session is not None and _local.key == key:
        return session
    session = botocore.session.get_session()
    with _lock:
        if _loader is None:
            _loader = session.get_component("data_loader")
        else:
            session.register_component("data_loader", _loader)
    _local.session, _local.key = session, key
    return session


def aws_client(service: str, region_name: str) -> Any:
    """A botocore client for ``service`` (what ``boto3.client`` returns, without importing boto3
    or making another session and loader)."""
    return botocore_session().create_client(service, region_name=region_name)
