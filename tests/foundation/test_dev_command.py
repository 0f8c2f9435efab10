"""`crosslive dev`: one command serves every function, prints URLs and tokens, stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx

from crosslive.dev.platform import free_port
from functions import FUNCTIONS


def test_dev_serves_every_function_and_stops_on_ctrl_c():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "crosslive.cli", "dev", "--port", str(port), "--no-media"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: list[str] = []
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 120
        while "press Ctrl-C to stop" not in "".join(lines):
            assert time.monotonic() < deadline, "".join(lines)
            line = process.stdout.readline()
            assert line, f"dev exited early:\n{''.join(lines)}"
            lines.append(line)
        output = "".join(lines)
        assert "merchant (demo-merchant, CN)" in output and "eyJ" in output  # a token to paste
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            for name in FUNCTIONS:
                assert client.get(f"/v1/{name}/health").json()["status"] == "ok"
                assert client.get(f"/v1/{name}/openapi.json").status_code == 200
        # WHEN Ctrl-C
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    # THEN it stops by itself, saying so, with exit code 0
    assert process.returncode == 0, rest
    assert "stopped" in rest
