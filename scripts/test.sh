#!/usr/bin/env bash
# The test command: install the test, generator and training extras into .venv/ (and Debian's Chromium for the
# browser test), lint, run every test tier (unit, integration, slow, browser: plain `pytest` runs only the
# first two), and with them the eval gate: the extractive answerer on eval/qa.jsonl and the unseen dev split
# against the [gate] and [gate_dev] thresholds of eval/thresholds.toml, on its own index and report in a
# temporary folder, so a user's index is never touched (tests/evaluation/test_runner.py::test_the_eval_gate_...,
# run beside the other tests rather than after them; its table is printed in the summary below).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test,llm,train
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
.venv/bin/ruff check assistant tests eval
# Two workers (pytest-xdist; a file's tests stay on one worker, so its fixtures are built once): the slow
# tier waits on processes, servers and a browser much of the time, and the other worker uses that time.
.venv/bin/python -m pytest -q -m "" -n 2 --dist loadfile --durations=20 -rP "$@"
