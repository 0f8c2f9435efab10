#!/usr/bin/env bash
# The whole platform on this machine (embedded default): installs what it needs, then runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/crosslive dev "$@"
