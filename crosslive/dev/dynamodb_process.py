"""The embedded DynamoDB (``EmbeddedDynamoDB``: moto, serialized) in a process of its own.

The embedded platform normally serves DynamoDB inside its own process (the in-process transport
halves the cost of a call). A measurement of the platform's memory then counts every item moto
stores as the platform's growth. ``DynamoDBProcess`` has the same ``start``/``endpoint``/``stop``
as ``EmbeddedDynamoDB`` and can stand in for it in ``EmbeddedPlatform(dynamodb=...)``: the
functions then reach DynamoDB over loopback HTTP, as media nodes always do, and the stored data
lives (and grows) in the child process, measured on its own (``crosslive bench soak``).

Run directly, ``python -m crosslive.dev.dynamodb_process`` serves until its stdin closes (so it
never outlives the parent) and prints ``READY <endpoint>`` once it accepts requests.
"""

from __future__ import annotations

import os
import subprocess
import sys

READY = "READY "


class DynamoDBProcess:
    """A child process serving the embedded DynamoDB on a free loopback port."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.proc: subprocess.Popen[str] | None = None
        self._endpoint: str | None = None

    @property
    def endpoint(self) -> str:
        if self._endpoint is None:
            raise RuntimeError("DynamoDBProcess is not started")
        return self._endpoint

    @property
    def pid(self) -> int:
        if self.proc is None:
            raise RuntimeError("DynamoDBProcess is not started")
        return self.proc.pid

    def start(self) -> str:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "crosslive.dev.dynamodb_process", self.host],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()  # blocks until the child serves (or dies: empty line)
        if not line.startswith(READY):
            self.stop()
            raise RuntimeError(f"the DynamoDB process did not start (it printed {line!r})")
        self._endpoint = line[len(READY) :].strip()
        return self._endpoint

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.stdin is not None:
            self.proc.stdin.close()  # the child's signal to stop
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.proc = None
        self._endpoint = None


def main() -> None:
    from crosslive.dev.dynamodb import EmbeddedDynamoDB

    host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    with EmbeddedDynamoDB(host=host) as dynamodb:
        print(f"{READY}{dynamodb.endpoint}", flush=True)
        sys.stdin.read()  # until the parent closes our stdin (or exits)


if __name__ == "__main__":
    main()
