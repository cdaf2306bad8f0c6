#!/usr/bin/env bash
# Create .venv/ at the repo root and install the project into it (idempotent).
# Why pip in a venv: the CPU wheel of torch==2.13.0 lies on the machines' disk and pip finds it;
# uv and poetry would pull a multi-GB CUDA build instead.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=".venv/.installed${extras:+-$extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
  touch "$stamp"
fi
