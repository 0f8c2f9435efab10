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
from functions.specs import SPECS

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, **environ: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **environ}
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


def _run_as_lambda(handler: str, code: str) -> str:
    """``code`` in a fresh process whose environment names ``handler`` as Lambda's does."""
    return _run(code, _HANDLER=handler)


# each collection's record: whether it ran while routing's package and handler were importing
_COUNT_COLLECTIONS = """
import gc, sys
collections = []
def record(phase, info):
    if phase == "stop":
        app = sys.modules.get("functions.routing.app")
        importing = "functions.routing" in sys.modules and not hasattr(app, "handler")
        collections.append(not importing)
gc.callbacks.append(record)
"""


def test_a_lambda_importing_our_handler_runs_no_cycle_collection_and_freezes_what_it_made():
    # GIVEN a Lambda process whose handler is routing's, counting the collector's runs
    code = (
        _COUNT_COLLECTIONS
        + """
import functions.routing.app
print(collections.count(False), gc.isenabled(), gc.get_freeze_count() > 50_000)
"""
    )
    # THEN its import ran none, and left the collector on with the imported heap frozen
    assert _run_as_lambda("functions.routing.app.handler", code) == "0 True True"


def test_any_other_process_keeps_its_collector_as_it_was():
    # GIVEN the same import where no Lambda names our handler (tests, the platform, tools)
    code = (
        _COUNT_COLLECTIONS
        + """
import functions.routing.app
print(collections.count(False) > 0, gc.isenabled(), gc.get_freeze_count())
"""
    )
    # THEN the collector ran as usual and nothing was frozen
    assert _run_as_lambda("lambda_function.handler", code) == "True True 0"


@pytest.mark.parametrize("handler", sorted({spec.handler for spec in SPECS}))
def test_every_deployed_handler_leaves_the_collector_on_once_imported(handler):
    # GIVEN each handler a spec deploys, imported as Lambda does (module, then its function)
    module, _, function = handler.rpartition(".")
    code = f"import gc, importlib\nf = getattr(importlib.import_module({module!r}), {function!r})\n"
    code += "print(callable(f), gc.isenabled(), gc.get_freeze_count() > 0)"
    # THEN the collector runs again, over what the import made only as a frozen heap
    assert _run_as_lambda(handler, code) == "True True True"


def test_a_handler_module_that_fails_to_import_still_turns_the_collector_back_on(tmp_path):
    # GIVEN a handler module of our package that raises while importing, and one that is missing
    (tmp_path / "broken.py").write_text("raise RuntimeError('bad start')\n")
    for handler, module in (("functions.broken.handler", "functions.broken"), ("functions.gone.x", "functions.gone")):
        code = f"""
import gc, functions
functions.__path__.append({str(tmp_path)!r})
try:
    import {module}
except (RuntimeError, ImportError) as exc:
    print(type(exc).__name__, gc.isenabled())
"""
        # THEN the import fails as it would have, and the collector is on again
        assert _run_as_lambda(handler, code).endswith(" True")


def test_verifying_rs256_and_es256_tokens_never_runs_the_x509_module_pyjwt_imports():
    # GIVEN a process that imports our token verifier (as every API function does), an RSA and
    # an EC signing key as a JWKS, and a token signed by each
    code = """
import json, sys, time
from functions.shared.auth import verify_token
from functions.shared.config import Settings
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
keys, tokens, now = [], [], int(time.time())
claims = {"iss": "i", "aud": "a", "sub": "s", "iat": now, "exp": now + 60, "token_use": "id"}
for kid, alg, private in (
    ("r", "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048)),
    ("e", "ES256", ec.generate_private_key(ec.SECP256R1())),
):
    jwk = json.loads(jwt.get_algorithm_by_name(alg).to_jwk(private.public_key()))
    keys.append({**jwk, "kid": kid, "alg": alg})
    tokens.append(jwt.encode({**claims, "sub": kid}, private, algorithm=alg, headers={"kid": kid}))
settings = Settings(auth_issuer="i", auth_audience="a", auth_jwks=json.dumps({"keys": keys}))
subs = [verify_token(token, settings).sub for token in tokens]
ran = sorted(m for m in sys.modules if m.startswith("cryptography.x509."))
from cryptography import x509
print(subs, ran, callable(x509.load_pem_x509_certificate))
"""
    # THEN both verify without the certificate module's body having run (it is ~140 M
    # instructions of a cold start), and it is still all there for whoever reads it
    assert _run(code) == "['r', 'e'] [] True"


def test_the_stream_handlers_load_no_powertools_event_classes():
    # GIVEN the fan-out and the insights stream consumer, imported as Lambda does
    code = "import sys, functions.fanout.handler, functions.insights.consumer\n"
    code += "print('aws_lambda_powertools.utilities.data_classes' in sys.modules)"
    # THEN Powertools' event classes (every AWS service's) were not imported
    assert _run(code) == "False"


def test_stream_records_are_the_records_powertools_event_class_gave():
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBStreamEvent

    from functions.shared.stream_records import records_of

    # GIVEN a DynamoDB Streams batch of two records, and an empty one
    records = [
        {"eventID": "1", "eventName": "INSERT", "dynamodb": {"Keys": {"room_id": {"S": "r"}}}},
        {"eventID": "2", "eventName": "REMOVE", "eventSourceARN": "arn:aws:dynamodb:x:1:table/t/stream/s"},
    ]
    for event in ({"Records": records}, {"Records": []}):
        # THEN the same record dicts, in order, as Powertools' DynamoDBStreamEvent(...).records
        expected = [record.raw_event for record in DynamoDBStreamEvent(event).records]
        assert records_of(event) == expected
        assert all(a is b for a, b in zip(records_of(event), expected, strict=True))


def test_the_cold_start_bench_measures_every_function_of_the_specs() -> None:
    from bench.coldstart import ALL_FUNCTIONS, SPEC_NAMES
    from functions.specs import SPECS

    assert sorted(SPEC_NAMES.get(name, name) for name in ALL_FUNCTIONS) == sorted(spec.name for spec in SPECS)
