#!/usr/bin/env bash
# Install what the app needs and start it on the embedded default (SQLite under data/).
# Extra arguments go to `streamlit run` (e.g. --server.port 8502).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system.sh scripts/apt-app.txt
bash scripts/install-python.sh requirements.txt
mkdir -p data
export TCM_SURVEY_DB="${TCM_SURVEY_DB:-sqlite:///data/tcm-survey.sqlite}"
exec .venv/bin/python -m streamlit run streamlit_app.py "$@"
