"""The embedded DynamoDB: moto behind a lock, item-level transaction rollback, in-process transport.

The transaction tests go through the public API (a boto3 client) so they hold for any way
``crosslive.dev.moto_transactions`` implements atomicity; the seam tests fail loudly when the
pinned moto changes shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from crosslive.dev import moto_transactions
from crosslive.dev.dynamodb import IN_PROCESS, EmbeddedDynamoDB

TABLE = "embedded-dynamodb-test"


@pytest.fixture(scope="module")
def dynamodb() -> Iterator[Any]:
    with EmbeddedDynamoDB() as server:
        client = boto3.client(
            "dynamodb",
            endpoint_url=server.endpoint,
            region_name="us-east-1",
            aws_access_key_id="embedded",
            aws_secret_access_key="embedded",
        )
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        yield client


def _put(pk: str, sk: str, **attrs: str) -> dict[str, Any]:
    item = {"pk": {"S": pk}, "sk": {"S": sk}, **{k: {"S": v} for k, v in attrs.items()}}
    return {"Put": {"TableName": TABLE, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}


def _get(client: Any, pk: str, sk: str) -> dict[str, Any] | None:
    item: dict[str, Any] | None = client.get_item(TableName=TABLE, Key={"pk": {"S": pk}, "sk": {"S": sk}}).get("Item")
    return item


def _stream_records(client: Any) -> int:
    streams = boto3.client(
        "dynamodbstreams",
        endpoint_url=client.meta.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="embedded",
        aws_secret_access_key="embedded",
    )
    arn = client.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    return len(streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=1000)["Records"])


def test_a_committed_transaction_writes_every_item_and_its_stream_records(dynamodb: Any) -> None:
    before = _stream_records(dynamodb)
    dynamodb.transact_write_items(TransactItems=[_put("room-1", "a", text="one"), _put("room-1", "b", text="two")])
    assert _get(dynamodb, "room-1", "a")["text"] == {"S": "one"}  # type: ignore[index]
    assert _get(dynamodb, "room-1", "b")["text"] == {"S": "two"}  # type: ignore[index]
    assert _stream_records(dynamodb) == before + 2


def test_a_cancelled_transaction_leaves_items_and_stream_as_they_were(dynamodb: Any) -> None:
    dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": "room-2"}, "sk": {"S": "stock"}, "left": {"N": "5"}})
    dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": "room-2"}, "sk": {"S": "taken"}})
    before = _stream_records(dynamodb)
    update = {
        "Update": {
            "TableName": TABLE,
            "Key": {"pk": {"S": "room-2"}, "sk": {"S": "stock"}},
            "UpdateExpression": "SET #l = #l - :one",
            "ExpressionAttributeNames": {"#l": "left"},
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }
    # The first two operations succeed inside moto before the third one's condition fails.
    with pytest.raises(ClientError) as failed:
        dynamodb.transact_write_items(TransactItems=[update, _put("room-2", "new"), _put("room-2", "taken")])
    assert failed.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert _get(dynamodb, "room-2", "stock")["left"] == {"N": "5"}  # type: ignore[index]
    assert _get(dynamodb, "room-2", "new") is None
    assert _stream_records(dynamodb) == before
    # ... and the table still works: the same transaction without the clash commits.
    dynamodb.transact_write_items(TransactItems=[update, _put("room-2", "new")])
    assert _get(dynamodb, "room-2", "stock")["left"] == {"N": "4"}  # type: ignore[index]


def test_two_operations_on_one_item_are_refused_and_nothing_is_written(dynamodb: Any) -> None:
    with pytest.raises(ClientError) as failed:
        dynamodb.transact_write_items(TransactItems=[_put("room-3", "x"), _put("room-3", "x")])
    assert failed.value.response["Error"]["Code"] == "ValidationException"
    assert _get(dynamodb, "room-3", "x") is None


def test_the_transaction_backup_no_longer_copies_whole_tables(dynamodb: Any) -> None:
    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    backends = [b for regions in models.dynamodb_backends.values() for b in regions.values()]
    table = next(t for b in backends for t in b.tables.values())
    assert isinstance(table, Table)
    assert models.copy.deepcopy(table) is table  # the whole-table copy is now the table itself
    value = {"a": [1]}
    copied = models.copy.deepcopy(value)
    assert copied == value and copied is not value and copied["a"] is not value["a"]  # anything else: real copies


def test_in_process_clients_skip_the_socket(dynamodb: Any) -> None:
    served = IN_PROCESS.served
    dynamodb.describe_table(TableName=TABLE)
    assert IN_PROCESS.served == served + 1


def test_moto_is_the_pinned_version_with_the_seams_used() -> None:
    moto_transactions.check_compatible()
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    pins = re.findall(r'"moto\[dynamodb\]==([0-9.]+)"', pyproject)
    assert pins == [moto_transactions.PINNED_MOTO]
