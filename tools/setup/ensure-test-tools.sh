#!/usr/bin/env bash
# Makes the Debian tools the test suite drives available (tools/services starts or reuses the NATS and Postgres
# servers; this script makes sure their binaries and the browser exist):
#   chromium     required: headless browser tests of the HTML report and the dashboard (playwright-core drives
#                /usr/bin/chromium; browser downloads are impossible offline)
#   nats-server, postgresql   required binaries even when NATS/Postgres already answer elsewhere: the reconnect,
#                permission and chaos tests start private servers of their own
#   promtool   optional (package prometheus): `promtool check rules` on ops/alerts.rules.yml; without it the
#              alert test falls back to its own parser
# Installs with apt-get when run as root; otherwise says what to install.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
optional=()
command -v promtool >/dev/null 2>&1 || optional+=(prometheus)

[ ${#missing[@]} -eq 0 ] && [ ${#optional[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if [ ${#missing[@]} -gt 0 ]; then
    echo "missing: ${missing[*]} — install the Debian package(s): sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "note: promtool not found (sudo apt-get install -y prometheus); alert rules get the parser check only" >&2
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
echo "[setup] installing ${missing[*]} ${optional[*]} (Debian packages) for the test suite"
apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ${#optional[@]} -gt 0 ]; then
  apt-get install -y -qq --no-install-recommends "${optional[@]}" >/dev/null ||
    echo "[setup] could not install ${optional[*]}; continuing without promtool" >&2
fi
