"""TransactWriteItems in moto without copying whole tables: item-level rollback.

moto 5.2.5 makes ``TransactWriteItems`` atomic by deep-copying every table the transaction
touches before it starts, and putting the copies back if any operation fails. The cost grows with
the table: on the embedded platform, where every comment is written in one transaction, a few
thousand comments made each write cost over 100 ms of CPU, almost all of it ``copy.deepcopy``.

The same guarantee only needs the items the transaction touches. ``install()`` wraps
``DynamoDBBackend.transact_write_items``: it snapshots each touched item (and the length of each
touched table's stream) before calling moto's own implementation, makes moto's table copy an
identity, and on any failure puts the items and the stream back as they were. Requests to the
embedded server are serialized (``crosslive.dev.dynamodb``), so nothing else sees the
intermediate state, as in moto itself.

This relies on moto internals, so moto is pinned exactly in ``pyproject.toml`` and
``check_compatible()`` fails loudly when the seams move (the embedded server calls it on start;
``tests/foundation/test_embedded_dynamodb.py`` also checks atomicity through the API).
"""

from __future__ import annotations

import copy
import functools
import inspect
from collections.abc import Callable
from importlib.metadata import version
from types import SimpleNamespace
from typing import Any

PINNED_MOTO = "5.2.5"

_Snapshot = tuple[Any, Any, Any, Any]  # (table, hash key, range key, deep copy of the item or None)


class MotoChanged(RuntimeError):
    """The installed moto is not the version whose internals this module was written against."""


def check_compatible() -> None:
    """Raise ``MotoChanged`` unless moto is the pinned version with the seams used here."""
    installed = version("moto")
    if installed != PINNED_MOTO:
        raise MotoChanged(f"moto {installed} installed; crosslive.dev is pinned to moto=={PINNED_MOTO}")
    from moto.dynamodb import models
    from moto.dynamodb.models.table import StreamShard, Table

    source = inspect.getsource(_original(models.DynamoDBBackend.transact_write_items))
    problems = []
    if "copy.deepcopy(\n                    self.tables[table_name]" not in source:
        problems.append("transact_write_items no longer backs up whole tables with copy.deepcopy")
    if "self.tables[table_name] = original_table_state[table_name]" not in source:
        problems.append("transact_write_items no longer rolls back by restoring the table copies")
    if getattr(models, "copy", None) is not copy and not _is_ours(getattr(models, "copy", None)):
        problems.append("moto.dynamodb.models no longer imports the copy module")
    for name in ("hash_key_attr", "range_key_attr", "items", "stream_shard"):
        if name not in inspect.getsource(Table.__init__):
            problems.append(f"Table.__init__ no longer sets {name}")
    if "self.items.append(" not in inspect.getsource(StreamShard.add):
        problems.append("StreamShard.add no longer appends to items")
    if problems:
        raise MotoChanged("moto internals changed: " + "; ".join(problems))


def install() -> None:
    """Patch moto's DynamoDB backend once per process (idempotent)."""
    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    if _is_ours(models.copy):
        return
    check_compatible()

    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        # Only transact_write_items deep-copies Table objects (its whole-table backup); the
        # wrapper below keeps item-level backups instead, so the table copy becomes the table.
        if isinstance(value, Table):
            return value
        return copy.deepcopy(value, memo)

    models.copy = SimpleNamespace(deepcopy=deepcopy, copy=copy.copy, _crosslive=True)  # type: ignore[assignment]
    original = models.DynamoDBBackend.transact_write_items

    @functools.wraps(original)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        snapshots, stream_lengths = _snapshot(self, transact_items)
        try:
            original(self, transact_items)
        except BaseException:
            _restore(snapshots, stream_lengths)
            raise

    transact_write_items.__crosslive_original__ = original  # type: ignore[attr-defined]
    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _is_ours(module: Any) -> bool:
    return bool(getattr(module, "_crosslive", False))


def _original(function: Callable[..., Any]) -> Callable[..., Any]:
    return getattr(function, "__crosslive_original__", function)


def _snapshot(backend: Any, transact_items: list[dict[str, Any]]) -> tuple[list[_Snapshot], dict[int, tuple[Any, int]]]:
    """Deep copies of the items the transaction may write, and each touched stream's length."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    snapshots: list[_Snapshot] = []
    streams: dict[int, tuple[Any, int]] = {}
    for entry in transact_items:
        if len(entry) != 1:
            continue  # moto rejects it before writing anything
        op_type, op = next(iter(entry.items()))
        table = backend.tables.get(op.get("TableName")) if isinstance(op, dict) else None
        if table is None:
            continue
        attrs = op.get("Item") if op_type == "Put" else op.get("Key")
        if not isinstance(attrs, dict) or table.hash_key_attr not in attrs:
            continue
        try:
            hash_key = DynamoType(attrs[table.hash_key_attr])
            range_key = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
        except (KeyError, TypeError, ValueError):
            continue  # a malformed key: moto raises a validation error before writing it
        current = table.get_item(hash_key, range_key)
        snapshots.append((table, hash_key, range_key, copy.deepcopy(current)))
        if table.stream_shard is not None:
            streams.setdefault(id(table), (table.stream_shard, len(table.stream_shard.items)))
    return snapshots, streams


def _restore(snapshots: list[_Snapshot], streams: dict[int, tuple[Any, int]]) -> None:
    """Put back every touched item as it was (in reverse, so the first snapshot of a key wins)."""
    for table, hash_key, range_key, item in reversed(snapshots):
        if range_key is None:
            if item is None:
                table.items.pop(hash_key, None)
            else:
                table.items[hash_key] = item
            continue
        partition = table.items.get(hash_key)
        if item is not None:
            table.items[hash_key][range_key] = item
        elif partition is not None:
            partition.pop(range_key, None)
            if not partition:
                del table.items[hash_key]
    for shard, length in streams.values():
        del shard.items[length:]
