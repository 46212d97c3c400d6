#!/usr/bin/env bash
# Install what the app needs and start it on the embedded default (SQLite under data/).
# On the very first start a demo campaign (illustrative frame, simulated responses) is created.
#
# The internet reaches the app through nginx (Debian's, set up and started here: app/proxy.py),
# which times out half-sent requests (client_header_timeout, client_body_timeout), limits
# connections (limit_conn per address, worker_connections) and forwards each browser's address;
# Streamlit itself listens on 127.0.0.1 only. Issue 23 item 1.
#   TCM_SURVEY_PORT       the public port nginx listens on (default 8501)
#   TCM_SURVEY_APP_PORT   the app's own port on 127.0.0.1 (default 8601)
# Extra arguments go to `streamlit run` (e.g. --logger.level debug).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system.sh scripts/apt-app.txt
bash scripts/install-python.sh requirements.txt
mkdir -p data
chmod 0700 data
if [ -z "${TCM_SURVEY_DB:-}" ] && [ ! -f data/tcm-survey.sqlite ]; then
  echo "First start: creating the demo campaign in data/tcm-survey.sqlite"
  .venv/bin/python -m survey demo --db sqlite:///data/tcm-survey.sqlite
fi
.venv/bin/python -m app.preflight  # refuses to start on a bad setting (e.g. a short TCM_SURVEY_ADMIN_PASSWORD)
port="${TCM_SURVEY_PORT:-8501}"
app_port="${TCM_SURVEY_APP_PORT:-8601}"
# Forwarding headers are believed from this machine's nginx only (app/clients.py).
export TCM_SURVEY_TRUSTED_PROXIES="${TCM_SURVEY_TRUSTED_PROXIES:-127.0.0.1,::1}"
ulimit -n 4096 2>/dev/null || true  # the app's own file limit (nginx keeps it under 1,024 connections)
.venv/bin/python -m app.proxy start --listen "$port" --upstream "127.0.0.1:$app_port" --dir data/nginx
trap '.venv/bin/python -m app.proxy stop --dir data/nginx' EXIT
echo "The app: http://<this server>:$port/ (nginx in front of Streamlit on 127.0.0.1:$app_port)"
.venv/bin/python -m streamlit run streamlit_app.py --server.address 127.0.0.1 --server.port "$app_port" "$@"
