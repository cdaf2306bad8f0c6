#!/usr/bin/env bash
# The test command: install the test extras into .venv/, lint, then run the whole pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
.venv/bin/ruff check assistant tests eval
.venv/bin/python -m pytest -q "$@"
