#!/usr/bin/env bash
# Makes Debian's Chromium available for the headless browser tests (playwright-core drives /usr/bin/chromium;
# browser downloads are impossible offline). Installs with apt-get when run as root; otherwise explains.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is missing: install the Debian package 'chromium' (sudo apt-get install -y chromium)" >&2
  exit 1
fi
echo "[setup] installing chromium (Debian package) for browser tests"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
