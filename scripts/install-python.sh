#!/usr/bin/env bash
# Create .venv (Python 3.11+) and install the given requirements file into it.
# Usage: scripts/install-python.sh requirements.txt|requirements-dev.txt
set -euo pipefail
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r "$1"
