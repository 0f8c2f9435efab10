#!/usr/bin/env bash
# Install what the project needs on a fresh machine: the venv with every Python dependency,
# the pinned CDK CLI from npm, and (with --browser) Debian's Chromium for the browser tests and
# GStreamer for the encoder interop test.
# Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
for arg in "$@"; do [[ "$arg" == "--browser" ]] && want_browser=1; done

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

PY=${PYTHON:-python3}
stamp=.venv/.crosslive-installed
if [[ ! -x .venv/bin/python ]]; then
  step "creating .venv"
  "$PY" -m venv .venv
fi
if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" ]]; then
  step "installing Python dependencies (first time ~1-2 min)"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[dev]'
  touch "$stamp"
fi
if [[ ! -x node_modules/.bin/cdk ]] || ! grep -q '"version": "2.1148.1"' node_modules/aws-cdk/package.json 2>/dev/null; then
  step "installing the pinned CDK CLI (npm)"
  npm install --no-audit --no-fund --loglevel=error
fi
if [[ "$want_browser" == 1 ]]; then
  packages=()
  [[ -x /usr/bin/chromium ]] || packages+=(chromium chromium-driver)
  # Every built-in market's script must render (tests/browser/test_first_hour.py fails on a
  # missing glyph). Debian's default fonts (DejaVu: Latin, Vietnamese, Arabic) have no Thai and no
  # CJK glyphs: TLWG's fonts for Thai, Droid Sans Fallback (7 MB, Han + kana + hangul; Noto CJK is
  # 91 MB) for Japanese and Chinese.
  fc-list :lang=th 2>/dev/null | grep -q . || packages+=(fonts-thai-tlwg)
  fc-list :lang=ja 2>/dev/null | grep -q . && fc-list :lang=zh 2>/dev/null | grep -q . || packages+=(fonts-droid-fallback)
  fc-list :lang=ar 2>/dev/null | grep -q . || packages+=(fonts-dejavu-core)
  # GStreamer 1.22's webrtcbin, driven from the system python3 through PyGObject, publishes over
  # WHIP as a merchant's own encoder would (tests/media/test_gstreamer_whip.py).
  gst_packages=(gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
    gstreamer1.0-plugins-ugly gstreamer1.0-nice gstreamer1.0-libav python3-gi gir1.2-gst-plugins-bad-1.0
    gir1.2-gstreamer-1.0)
  for package in "${gst_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || packages+=("$package")
  done
  if (( ${#packages[@]} )); then
    step "installing Debian's ${packages[*]} for the browser and encoder tests"
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${packages[@]}" >/dev/null
  fi
fi
