#!/usr/bin/env bash
# Create .venv/ at the repo root and install the project into it (idempotent).
# Why pip in a venv: the CPU wheel of torch==2.13.0 lies on the machines' disk and pip finds it;
# uv and poetry would pull a multi-GB CUDA build instead.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
# llama-cpp-python (the llm extra) compiles llama.cpp. A native build picks up AMX on CPUs that report it,
# and its AMX matmul crashes on these VMs; build for AVX2, which every machine of this kind has.
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF}"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=".venv/.installed${extras:+-${extras//,/-}}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
  touch "$stamp"
fi
