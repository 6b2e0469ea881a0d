#!/usr/bin/env bash
# Installs casefile's optional model files (slovnet's Russian NER and
# morphology models and the navec word vectors they read, MIT, from the
# natasha 1.6.0 wheel on PyPI) into the one models folder the binary, the
# tests and CI use: $CASEFILE_MODELS, else casefile/models in the platform's
# data folder (~/.local/share/casefile/models on Linux). Every file is
# checked against its pinned SHA-256. casefile never downloads anything
# while it works; this is the documented setup step.
# Usage: scripts/models.sh [--from natasha-1.6.0-py3-none-any.whl]
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --quiet --locked -p casefile -- models install "$@"
