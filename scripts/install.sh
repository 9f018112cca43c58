#!/usr/bin/env bash
# Install torch-katas (editable) and its dependencies into the active Python.
#   TORCH_VERSION  torch release to install (default 2.13.0)
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet "torch==${TORCH_VERSION:-2.13.0}"
python -m pip install --quiet -e ".[dev]"
