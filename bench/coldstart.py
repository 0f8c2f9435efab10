"""``crosslive bench coldstart``: import + first-request time of each packaged handler, bundle size.

Each function's handler is imported and invoked in a fresh Python process whose ``sys.path`` is
only the packaged bundle plus the packages the Lambda runtime provides (boto3, botocore and their
dependencies), with what Lambda's environment holds (the region, the role's credentials,
``_HANDLER`` naming the handler): what a Lambda cold start executes. The first request is an API
Gateway v2 event for ``GET /v1/<name>/health`` through Mangum; a stream consumer's is an empty
batch; the scheduled functions are imported only. Every function of ``functions/specs.py`` is
measured (the toxicity function in its default bundle, without the optional learned model).
Separately, two costs a function's first real request pays and the health check does not: the
region's plugin manager build, and the DynamoDB clients of the tables in the function's spec
(``functions/specs.py``; made, not called: no network). The baseline, run the same way in the same
run, is a hello-world FastAPI + Mangum handler: the smallest thing with the same framework.

The bundle is built by ``infra/bundling.py`` exactly as ``cdk synth`` builds it (when this
interpreter's version differs from the Lambda runtime's, a second build for the runtime gives the
zipped size), and the zipped size is what Lambda receives.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import click

from functions import FUNCTIONS

# Functions invoked by an event source rather than HTTP: (handler, a first event). A stream
# consumer's first batch is empty: what its cold start costs before any record.
STREAM_FUNCTIONS: dict[str, tuple[str, dict | None]] = {
    "fanout": ("functions.fanout.handler.handler", {"Records": []}),
    "insights-consumer": ("functions.insights.consumer.handler", {"Records": []}),
    "toxicity": ("functions.comments.screening.stream_handler", {"Records": []}),
    "insights-zone-figures": ("functions.insights.zone_figures.handler", {"Records": []}),
    # scheduled (EventBridge, every minute): imported only, since any run of theirs reads DynamoDB,
    # which the probe cannot reach; nobody waits on their cold start
    "insights-sweep": ("functions.insights.sweep.handler", None),
    "insights-alert-check": ("functions.insights.alert_check.handler", None),
}
SPEC_NAMES = {"fanout": "comments-fanout"}  # bench name -> its FunctionSpec (extras, tables)
ALL_FUNCTIONS = (*FUNCTIONS, *STREAM_FUNCTIONS)

RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")

_PROBE = r"""
import json, sys, time
t0 = time.perf_counter()
handler = getattr(__import__(MODULE, fromlist=[ATTR]), ATTR)
t1 = time.perf_counter()
event = {"version": "2.0", "routeKey": "$default", "rawPath": PATH, "rawQueryString": "",
         "headers": {"host": "bench.local", "x-forwarded-proto": "https", "x-forwarded-port": "443"},
         "requestContext": {"http": {"method": "GET", "path": PATH, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
         "userAgent": "bench"}, "stage": "$default", "requestId": "r", "accountId": "0", "apiId": "a",
         "domainName": "bench.local", "time": "", "timeEpoch": 0}, "isBase64Encoded": False}
class Ctx:
    function_name = "bench"; memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:0:function:bench"
    aws_request_id = "req"; function_version = "$LATEST"
    def get_remaining_time_in_millis(self): return 10000
if EVENT is not None:
    event = EVENT
response = handler(event, Ctx()) if INVOKE else {"statusCode": 200}
t2 = time.perf_counter()
plugins_ms = None
if PLUGINS:
    from functions.shared.plugins import get_plugins
    t3 = time.perf_counter(); get_plugins(); plugins_ms = (time.perf_counter() - t3) * 1000
clients_ms = None
if TABLES:
    from functions.shared.db import load_all_models
    models = load_all_models()
    t4 = time.perf_counter()
    for short in TABLES:
        models[short]._get_connection().connection.client
    clients_ms = (time.perf_counter() - t4) * 1000
print(json.dumps({"import_ms": (t1 - t0) * 1000, "first_ms": (t2 - t1) * 1000,
                  "status": response.get("statusCode", 200),
                  "plugins_ms": plugins_ms, "clients_ms": clients_ms}))
"""

_BASELINE = """
from fastapi import FastAPI
from mangum import Mangum
app = FastAPI()
@app.get("/v1/baseline/health")
def health():
    return {"status": "ok"}
handler = Mangum(app, lifespan="off")
"""


def _runtime_dir(root: Path) -> Path:
    """A folder holding only what the Lambda Python runtime provides (links into this venv)."""
    import boto3
    import botocore

    site = Path(botocore.__file__).resolve().parent.parent
    target = root / "runtime"
    target.mkdir()
    (target / "__pycache__").mkdir()
    for name in RUNTIME_PROVIDED:
        for source in (site / name, site / f"{name}.py"):
            if source.exists():
                (target / source.name).symlink_to(source)
        # a top-level module's bytecode (six) lives in site-packages/__pycache__: without it every
        # probe compiled six.py, which the runtime's installed packages never do
        for compiled in (site / "__pycache__").glob(f"{name}.*.pyc"):
            (target / "__pycache__" / compiled.name).symlink_to(compiled)
    assert Path(boto3.__file__).resolve().parent.parent == site
    return target


def _probe(
    bundle: Path,
    runtime: Path,
    handler: str,
    path: str,
    plugins: bool,
    env: dict[str, str],
    event: dict | None = None,
    tables: tuple[str, ...] = (),
    invoke: bool = True,
) -> dict:
    module, attr = handler.rsplit(".", 1)
    code = (
        _PROBE.replace("MODULE", repr(module))
        .replace("ATTR", repr(attr))
        .replace("INVOKE", str(invoke))
        .replace("PATH", repr(path))
        .replace("PLUGINS", str(plugins))
        .replace("EVENT", repr(event))
        .replace("TABLES", repr(tables))
    )
    # Lambda names the handler in the reserved variable _HANDLER (functions/startup_gc.py reads it)
    env = {**env, "_HANDLER": handler}
    # -S: no site-packages; -I would also drop PYTHONPATH, so set sys.path explicitly instead.
    bootstrap = f"import sys; sys.path[:0] = [{str(bundle)!r}, {str(runtime)!r}]\n" + code
    result = subprocess.run(
        [sys.executable, "-S", "-c", bootstrap], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    if result.returncode != 0:
        raise click.ClickException(f"{module} failed to start:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def precompile_module(path: Path) -> None:
    """Give the baseline module the same precompiled form as the bundle's own code."""
    import py_compile

    py_compile.compile(str(path), invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)


def zipped_size(directory: Path) -> int:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(directory))
    return buffer.tell()


def _extras(name: str) -> tuple[str, ...]:
    from infra.bundling import function_extras

    return function_extras(SPEC_NAMES.get(name, name))


def _tables(name: str) -> tuple[str, ...]:
    from functions.specs import spec_of

    return spec_of(SPEC_NAMES.get(name, name)).tables


def run(repeats: int = 5, functions: tuple[str, ...] = ALL_FUNCTIONS, echo=click.echo) -> dict:  # type: ignore[no-untyped-def]
    from crosslive.regions import load_regions
    from infra.bundling import LAMBDA_PYTHON_VERSION, build_bundle

    local_version = f"{sys.version_info.major}.{sys.version_info.minor}"
    region = load_regions()[0]
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_REGION": region.aws_region,
        "AWS_DEFAULT_REGION": region.aws_region,
        "CROSSLIVE_STAGE": "prod",
        "CROSSLIVE_PLUGINS": ",".join(region.plugins),
        "CROSSLIVE_MARKETS": ",".join(region.markets),
        "POWERTOOLS_METRICS_NAMESPACE": "crosslive",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
        "CROSSLIVE_AUTH_JWKS_URL": "https://cognito-idp.example/jwks.json",
        # Lambda puts the role's credentials in the environment; without them botocore's client
        # creation would look for credentials on the network (the instance metadata service)
        "AWS_ACCESS_KEY_ID": "ASIABENCHBENCHBENCH0",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_SESSION_TOKEN": "bench",
    }
    with tempfile.TemporaryDirectory(prefix="crosslive-coldstart-") as tmp:
        root = Path(tmp)
        echo(f"building the bundle for CPython {local_version} (this machine) and {LAMBDA_PYTHON_VERSION} (Lambda) ...")
        bundles: dict[tuple[str, ...], Path] = {}
        zip_bytes: dict[tuple[str, ...], int] = {}
        for extras in sorted({_extras(name) for name in functions} | {()}):
            label = "+".join(extras) or "base"
            bundle = build_bundle(
                root / f"bundle-{label}", log=lambda m: echo(f"  {m}"), python_version=local_version, extras=extras
            )
            deployed = (
                bundle
                if local_version == LAMBDA_PYTHON_VERSION
                else build_bundle(root / f"deployed-{label}", log=lambda m: echo(f"  {m}"), extras=extras)
            )
            bundles[extras] = bundle
            zip_bytes[extras] = zipped_size(deployed)
        (bundles[()] / "bench_baseline.py").write_text(_BASELINE)
        precompile_module(bundles[()] / "bench_baseline.py")
        runtime = _runtime_dir(root)
        results: dict[str, dict] = {}
        targets: list[tuple[str, str, str, bool, tuple[str, ...], dict | None]] = [
            ("baseline", "bench_baseline.handler", "/v1/baseline/health", False, (), None)
        ]
        imported_only: set[str] = set()
        for name in functions:
            if name in STREAM_FUNCTIONS:
                handler, first_event = STREAM_FUNCTIONS[name]
                targets.append((name, handler, "", True, _extras(name), first_event))
                if first_event is None:
                    imported_only.add(name)
            else:
                targets.append((name, f"functions.{name}.app.handler", f"/v1/{name}/health", True, _extras(name), None))
        # Round-robin: each round starts every function once, so a slow spell of a shared machine
        # lands on all of them instead of on the one whose repeats it happened to cover.
        samples: dict[str, list[dict]] = {target[0]: [] for target in targets}
        tables_of = {name: _tables(name) if name != "baseline" else () for name in samples}
        rounds = [target for _ in range(repeats) for target in targets]
        with click.progressbar(rounds, label="cold starts", item_show_func=lambda t: t[0] if t else "") as bar:
            for name, handler, path, plugins, extras, event in bar:
                tables = tables_of[name]
                invoke = name not in imported_only
                sample = _probe(bundles[extras], runtime, handler, path, plugins, env, event, tables, invoke)
                if sample["status"] != 200:
                    raise click.ClickException(f"{name}: health returned {sample['status']}")
                samples[name].append(sample)
        for name, _handler, _path, plugins, _extras_of, _event in targets:
            results[name] = {
                key: statistics.median(s[key] for s in samples[name])
                for key in ("import_ms", "first_ms") + (("plugins_ms", "clients_ms") if plugins else ())
            }
            results[name]["tables"] = len(tables_of[name])
    base_total = results["baseline"]["import_ms"] + results["baseline"]["first_ms"]
    echo("")
    header = f"{'function':<22}{'import ms':>10}{'1st req ms':>11}{'total ms':>10}{'x baseline':>11}"
    echo(header + f"{'plugins ms':>11}{'clients ms':>11}{'zip MB':>8}")
    for name, figures in results.items():
        total = figures["import_ms"] + figures["first_ms"]
        plugins_ms = f"{figures['plugins_ms']:.0f}" if figures.get("plugins_ms") is not None else "-"
        clients = f"{figures['clients_ms']:.0f} ({figures['tables']})" if figures.get("clients_ms") is not None else "-"
        size = zip_bytes[_extras(name) if name != "baseline" else ()] / 1e6
        echo(
            f"{name:<22}{figures['import_ms']:>10.0f}{figures['first_ms']:>11.1f}{total:>10.0f}"
            f"{total / base_total:>11.2f}{plugins_ms:>11}{clients:>11}{size:>8.1f}"
        )
    echo("")
    echo("clients ms (n): making the DynamoDB clients of the n tables in the function's spec, after the")
    echo("health check (what a first request touching them pays besides its calls); not in total ms")
    echo(f"zip MB: the deployed bundle for CPython {LAMBDA_PYTHON_VERSION} (functions with the same extras share it)")
    if imported_only:
        echo(f"{', '.join(sorted(imported_only))}: scheduled, imported only (a run reads DynamoDB; nobody waits on it)")
    echo(f"median of {repeats} fresh processes each, started round-robin; machine: {os.cpu_count()} cores")
    return {"results": results, "zip_bytes": {"+".join(k) or "base": v for k, v in zip_bytes.items()}}


@click.command("coldstart")
@click.option("--repeats", default=5, show_default=True, help="fresh processes per function")
@click.option("--function", "functions", multiple=True, type=click.Choice(ALL_FUNCTIONS), help="default: all")
def command(repeats: int, functions: tuple[str, ...]) -> None:
    """Cold start per function: import + first request (the fan-out: an empty batch) in a fresh
    process, and bundle size."""
    run(repeats=repeats, functions=functions or ALL_FUNCTIONS)
