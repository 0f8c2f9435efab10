#!/usr/bin/env bash
# The full test suite: lint, types, and every test (unit, functional, CDK, media, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --browser
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 CDK_DISABLE_CLI_TELEMETRY=true
printf '\033[1m==> ruff\033[0m\n'
.venv/bin/ruff check .
printf '\033[1m==> mypy\033[0m\n'
.venv/bin/mypy crosslive functions plugins infra media_nodes bench tools
printf '\033[1m==> pytest\033[0m\n'
exec .venv/bin/pytest "$@"
