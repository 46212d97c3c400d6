#!/usr/bin/env bash
# Install everything the tests need (Debian packages, Python packages) and run every test.
# Extra arguments go to pytest (e.g. -k scoring).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system.sh scripts/apt-app.txt scripts/apt-test.txt
bash scripts/install-python.sh requirements-dev.txt
bash scripts/install-node.sh
for hook in scripts/test.d/*.sh; do
  [ -e "$hook" ] && source "$hook"   # e.g. start a PostgreSQL server and export its URL
done
set +e
.venv/bin/python -m pytest -n 2 "$@"   # both cores; later arguments (e.g. -n 0) win
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "ERROR: pytest collected no tests; refusing to report success." >&2
fi
exit "$status"
