#!/usr/bin/env bash
# One command for a fresh machine: install into .venv/, then start the chat UI on the shipped release
# (the embedded Chroma index is built on first start). Extra arguments go to `assistant chat`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/assistant chat "$@"
