"""What a table keeps of a person when it needs only to tell people apart: a hash, never the id.

Used where a record in one residency zone must recognise a person whose data belongs to another
(a share link in its sharer's zone remembering which viewer opened it) and by the spam counters.
A hash is still pseudonymous personal data, so it does not make storage anywhere acceptable; it
keeps the id itself out of records that only compare it.
"""

from __future__ import annotations

import hashlib


def pseudonym(value: str) -> str:
    """A stable 24-hex-digit BLAKE2b hash of ``value`` (an account id or an address)."""
    return hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
