#!/usr/bin/env bash
# Create .venv (Python 3.11+) and install the given requirements file into it.
# Usage: scripts/install-python.sh requirements.txt|requirements-dev.txt
set -euo pipefail
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r "$1"
# The project's own modules as bytecode, once: every command then starts without compiling some
# hundred modules (Python writes these files itself on a first import, except where
# PYTHONDONTWRITEBYTECODE is set, as in many containers; a changed module is compiled afresh).
.venv/bin/python -m compileall -q -j 0 accounts analysis app sampling survey tabular streamlit_app.py >/dev/null
