"""botocore sessions whose service data is read once per process, shared by every AWS client.

A botocore session reads its service data (``endpoints.json``, the service's model, its endpoint
rule set, the list of services: a few MB of JSON and ~2,700 ``stat`` calls) the first time it
makes a client, and keeps it in its own data loader. PynamoDB makes one session per model class
(per thread), so a container's first request paid that read once for every table it touched, and
once more for each boto3 client: the bulk of a first request's time (``docs/benchmarks.md``,
coldstart). Every session made here uses one process-wide loader, so the data is read once.

Each caller still gets a session of its own, as before (client creation is not thread-safe on a
shared session, and handlers registered on ``botocore.handlers.BUILTIN_HANDLERS`` still reach
every new session); only the loader, which holds read-only data, is shared. ``functions.shared.db``
installs :func:`botocore_session` as PynamoDB's session factory.
"""

from __future__ import annotations

import threading
from typing import Any

import botocore.loaders
import botocore.session

_lock = threading.Lock()
_loader: botocore.loaders.Loader | None = None


def botocore_session() -> botocore.session.Session:
    """A new botocore session using the process's one data loader (made by the first session,
    from the same configuration, e.g. ``AWS_DATA_PATH``)."""
    global _loader
    session = botocore.session.get_session()
    with _lock:
        if _loader is None:
            _loader = session.get_component("data_loader")
        else:
            session.register_component("data_loader", _loader)
    return session


def aws_client(service: str, region_name: str) -> Any:
    """A botocore client for ``service`` (what ``boto3.client`` returns, without importing boto3
    or making another loader)."""
    return botocore_session().create_client(service, region_name=region_name)
