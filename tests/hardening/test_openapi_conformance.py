"""Every function's OpenAPI document describes the API it serves: schemathesis checks it live.

schemathesis (pinned in the dev extra) runs with every check on against each
``/v1/<function>/openapi.json`` of the embedded platform, once with a merchant's token and once
with a viewer's: no server error, no response that breaks its schema, no status or content type
the document does not list, no schema-violating request accepted (``schemathesis.toml`` beside
this file says what is tuned and why). It runs as a CLI against a real HTTP listener, as a client
would see the API.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from crosslive.dev.platform import free_port
from functions import FUNCTIONS

CONFIG = Path(__file__).with_name("schemathesis.toml")
MAX_EXAMPLES = "4"
SEED = "20261202"  # fixed, so main's CI is reproducible; change it to explore further


@pytest.fixture(scope="module")
def listener(embedded) -> Iterator[str]:
    """The session's gateway on a real loopback port (schemathesis talks HTTP)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(embedded.asgi_app(), host="127.0.0.1", port=port, log_level="error", access_log=False)
    )
    thread = threading.Thread(target=server.run, name="schemathesis-target", daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the gateway did not start")
        threading.Event().wait(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _schemathesis(base: str, function: str, token: str, workdir: Path) -> subprocess.Popen[str]:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file", str(CONFIG), "--no-color",
        "run", f"{base}/v1/{function}/openapi.json",
        "--checks", "all",
        "--max-examples", MAX_EXAMPLES,
        "--seed", SEED,
        "--workers", "1",
        "--generation-database", "none",
        "--header", f"Authorization: Bearer {token}",
    ]  # fmt: skip
    env = {**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_TELEMETRY": "false"}
    # cwd: schemathesis keeps a crash cache in ./.schemathesis; keep it out of the repository
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=workdir
    )


@pytest.mark.slow
@pytest.mark.parametrize("function", FUNCTIONS)
def test_schemathesis_finds_nothing(listener, token, function, tmp_path):
    # GIVEN a merchant's and a viewer's token
    callers = {
        "merchant": token("merchant", sub="st-merchant", market="CN"),
        "viewer": token("viewer", sub="st-viewer", market="ID"),
    }
    # WHEN schemathesis probes the function's document with each (both at once)
    runs = {who: _schemathesis(listener, function, bearer, tmp_path) for who, bearer in callers.items()}
    outputs = {who: run.communicate(timeout=300)[0] for who, run in runs.items()}
    # THEN every check passes for both
    for who, run in runs.items():
        assert run.returncode == 0, f"schemathesis as {who} on {function}:\n{outputs[who][-6000:]}"
        assert "passed" in outputs[who]
