#!/usr/bin/env bash
# Install what the app needs and start it on the embedded default (SQLite under data/).
# On the very first start a demo campaign (illustrative frame, simulated responses) is created.
# Extra arguments go to `streamlit run` (e.g. --server.port 8502).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system.sh scripts/apt-app.txt
bash scripts/install-python.sh requirements.txt
mkdir -p data
if [ -z "${TCM_SURVEY_DB:-}" ] && [ ! -f data/tcm-survey.sqlite ]; then
  echo "First start: creating the demo campaign in data/tcm-survey.sqlite"
  .venv/bin/python -m survey demo --db sqlite:///data/tcm-survey.sqlite
fi
.venv/bin/python -m app.preflight  # refuses to start on a bad setting (e.g. a short TCM_SURVEY_ADMIN_PASSWORD)
exec .venv/bin/python -m streamlit run streamlit_app.py "$@"
