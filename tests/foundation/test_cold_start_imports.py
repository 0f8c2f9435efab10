"""What a function's cold start imports (``crosslive bench coldstart`` measures the time; these hold
the fixes in place): no ``pydantic.v1``, no numpy needed by the insights sketches (the bundle
leaves it out), no token library in the fan-out's stream Lambda."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from functions import FUNCTIONS

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def test_no_function_imports_pydantic_v1():
    # GIVEN every function's app and the fan-out, imported in a fresh process as Lambda does
    modules = [f"functions.{name}.app" for name in FUNCTIONS] + ["functions.fanout.handler"]
    code = "import sys, json\n" + "".join(f"import {m}\n" for m in modules)
    code += "print(json.dumps('pydantic.v1' in sys.modules))"
    # THEN the second pydantic (FastAPI checks parameters against it) was not loaded
    assert json.loads(_run(code)) is False


def test_the_fanout_loads_no_token_library():
    code = "import sys, functions.fanout.handler\nprint('jwt' in sys.modules)"
    assert _run(code) == "False"


def test_a_pydantic_v1_model_is_still_refused_once_v1_is_there():
    # GIVEN the shared layer's FastAPI check, and a route taking a pydantic.v1 model
    code = """
import warnings
import functions.shared
from fastapi import APIRouter
from fastapi.exceptions import PydanticV1NotSupportedError
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from pydantic import v1
class Old(v1.BaseModel):
    name: str
router = APIRouter()
try:
    @router.post("/old")
    def old(body: Old) -> None: ...
except PydanticV1NotSupportedError:
    print("refused")
else:
    print("accepted")
"""
    # THEN FastAPI refuses it as it did before
    assert _run(code) == "refused"


def test_insights_sketches_work_without_numpy():
    # GIVEN numpy made unimportable (the Lambda bundle leaves it out)
    code = """
import sys
sys.modules["numpy"] = None
from functions.insights.sketch import EXACT_LIMIT, Distinct, union_all
a, b = Distinct(), Distinct()
a.add(f"viewer-{i}" for i in range(3 * EXACT_LIMIT))
b.add(f"viewer-{i}" for i in range(2 * EXACT_LIMIT, 5 * EXACT_LIMIT))
again = Distinct.load(None, a.image())
print(a.exact, again.count(), union_all([a, b]).count())
"""
    exact, loaded, total = _run(code).split()
    # THEN the HLL sketches count, serialize and merge (within 3 % of the true 768 and 1,280)
    assert exact == "False"
    assert abs(int(loaded) - 3 * 256) <= 0.03 * 3 * 256
    assert abs(int(total) - 5 * 256) <= 0.03 * 5 * 256


@pytest.mark.parametrize("name", ["numpy"])
def test_the_bundle_leaves_out_what_no_function_imports(name):
    from infra.bundling import NOT_IMPORTED

    assert name in NOT_IMPORTED


def test_no_api_function_or_the_fanout_imports_boto3():
    # GIVEN every function's app and the fan-out, imported in a fresh process as Lambda does
    modules = [f"functions.{name}.app" for name in FUNCTIONS] + ["functions.fanout.handler"]
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + "print('boto3' in sys.modules)"
    # THEN boto3 (its resources and s3transfer) was not loaded: botocore is what they use
    assert _run(code) == "False"


def test_every_client_of_a_process_reads_botocore_data_once():
    # GIVEN two tables' PynamoDB connections and an AWS client on one thread, and a client made on
    # another thread
    code = """
import os, threading
os.environ.update(AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="y", AWS_REGION="us-east-1")
from functions.comments.models import Comment
from functions.rooms.models import Room
from functions.shared.aws import aws_client, botocore_session
rooms, comments = Room._get_connection().connection, Comment._get_connection().connection
clients = [rooms.client, comments.client, aws_client("events", "us-east-1")]
other = []
thread = threading.Thread(target=lambda: other.append((botocore_session(), aws_client("events", "us-east-1"))))
thread.start(); thread.join()
(other_session, other_client), = other
print(rooms.session is comments.session, other_session is not rooms.session,
      len({id(c._loader) for c in [*clients, other_client]}))
"""
    # THEN one thread's clients come from one session, another thread has its own, and every
    # client shares one data loader
    assert _run(code) == "True True 1"


def test_a_handler_added_to_botocore_reaches_the_next_session():
    # GIVEN a thread's session, then a handler every new botocore session must carry (as the
    # embedded platform's DynamoDB transport and moto add theirs)
    code = """
import botocore.handlers
from functions.shared.aws import botocore_session
first = botocore_session()
calls = []
botocore.handlers.BUILTIN_HANDLERS.append(("before-send.dynamodb", lambda **kw: calls.append(1)))
second = botocore_session()
print(first is not second, second is botocore_session())
"""
    # THEN the thread gets a new session (made with the handler), kept until the handlers change
    assert _run(code) == "True True"
