"""Distinct counts: exact below ``EXACT_LIMIT`` members, an Apache DataSketches HLL above.

A ``Distinct`` is what one ``DistinctSet`` item (one shard) holds. Small sets stay exact: a set of
16-hex-digit viewer keys, at most ``EXACT_LIMIT`` of them (about 4.5 KB, so an ``ADD`` to it costs at
most 5 write units). A shard that grows past the limit is folded into an HLL sketch of ``LG_K``
(relative standard error 1.04/sqrt(2**LG_K) = 0.81 % at 14; the benchmark measures it at 100,000
viewers). Sets and sketches merge (``union``; two exact sets stay exact), so a count is exact
whenever no shard has passed the limit, in particular for every count up to ``EXACT_LIMIT``. The
room's total reach is the union of its markets', which a sum of per-market counts would overstate
when a viewer watched from two markets.

The sketches come from ``_datasketches``, the compiled core of the ``datasketches`` distribution
(pinned exactly in pyproject.toml): the package's ``__init__`` also loads its kernel-density helpers,
which import numpy (~20 MB zipped with its OpenBLAS), and the HLL sketch needs none of that. So
the Lambda bundle leaves numpy out (``infra.bundling.NOT_IMPORTED``) and the insights bundle stays
the size of the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import _datasketches as datasketches

EXACT_LIMIT = 256
LG_K = 14
_HLL_TYPE = datasketches.tgt_hll_type.HLL_4  # 4 bits per bucket: 8 KiB image at LG_K 14


@dataclass
class Distinct:
    """Exact ``members`` or an HLL ``sketch``; never both."""

    members: set[str] = field(default_factory=set)
    sketch: datasketches.hll_sketch | None = None

    @classmethod
    def load(cls, members: Iterable[str] | None, image: bytes | None) -> Distinct:
        if image:
            return cls(set(), datasketches.hll_sketch.deserialize(image))
        return cls(set(members or ()))

    @property
    def exact(self) -> bool:
        return self.sketch is None

    def add(self, keys: Iterable[str]) -> None:
        if self.sketch is not None:
            for key in keys:
                self.sketch.update(key)
            return
        self.members.update(keys)
        if len(self.members) > EXACT_LIMIT:
            self._to_sketch()

    def _to_sketch(self) -> None:
        sketch = datasketches.hll_sketch(LG_K, _HLL_TYPE)
        for key in self.members:
            sketch.update(key)
        self.sketch, self.members = sketch, set()

    def union(self, other: Distinct) -> Distinct:
        """A new ``Distinct`` counting every member of both (exact while both are small)."""
        if self.exact and other.exact:  # stays exact: a read holds a few shards' sets at most
            return Distinct(self.members | other.members)
        union = datasketches.hll_union(LG_K)
        for part in (self, other):
            if part.sketch is not None:
                union.update(part.sketch)
            else:
                sketch = datasketches.hll_sketch(LG_K, _HLL_TYPE)
                for key in part.members:
                    sketch.update(key)
                union.update(sketch)
        return Distinct(set(), union.get_result(_HLL_TYPE))

    def count(self) -> int:
        if self.sketch is None:
            return len(self.members)
        return round(self.sketch.get_estimate())

    def image(self) -> bytes | None:
        return None if self.sketch is None else bytes(self.sketch.serialize_compact())


def union_all(parts: Iterable[Distinct]) -> Distinct:
    total = Distinct()
    for part in parts:
        total = total.union(part)
    return total
