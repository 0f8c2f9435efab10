"""The table behind Powertools' idempotency utility (``DynamoDBPersistenceLayer`` defaults).

Defined here as a model so CDK and the embedded platform create it from the same definition as
every other table. Regional: an idempotency key is honoured in the region that received it.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from functions.shared.db import TableModel, table_meta


class IdempotencyRecord(TableModel):
    Meta = table_meta("idempotency", replicated=False, ttl_attribute="expiration")

    id = UnicodeAttribute(hash_key=True)
    expiration = NumberAttribute(null=True)
    status = UnicodeAttribute(null=True)
    data = UnicodeAttribute(null=True)
    validation = UnicodeAttribute(null=True)
    in_progress_expiration = NumberAttribute(null=True)


def idempotency_table_name() -> str:
    return str(IdempotencyRecord.Meta.table_name)
