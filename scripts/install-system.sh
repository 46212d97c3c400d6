#!/usr/bin/env bash
# Install the Debian packages listed in the given list files (skips what is already installed).
# Usage: scripts/install-system.sh scripts/apt-app.txt [scripts/apt-test.txt]
set -euo pipefail
packages=$(grep -hvE '^\s*(#|$)' "$@" | tr '\n' ' ')
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "Installing Debian packages:$missing"
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends $missing
