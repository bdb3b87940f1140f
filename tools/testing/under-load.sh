#!/usr/bin/env bash
# `npm run test:under-load`: the same suite as `npm test`, while a CPU stressor keeps every core busy the whole run,
# so a test that only passes on a quiet machine shows up here and not on someone's busy laptop or CI runner.
#   STRESS_WORKERS   CPU workers (default: one per core, `nproc`)
# Needs Debian's stress-ng (installed with apt when missing and running as root). The stressor stops whatever
# happens: success, failure or Ctrl-C.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

if ! command -v stress-ng >/dev/null; then
  if [[ "$(id -u)" != 0 ]]; then
    echo "under-load: stress-ng is missing; install it: sudo apt-get install -y stress-ng" >&2
    exit 127
  fi
  echo "under-load: installing stress-ng (apt)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq stress-ng >/dev/null
fi

workers="${STRESS_WORKERS:-$(nproc)}"
# Its own process group, so stopping it stops every worker it forked.
setsid stress-ng --cpu "$workers" --quiet &
stressor=$!
stop_stressor() {
  kill -TERM -- "-$stressor" 2>/dev/null || true
  wait "$stressor" 2>/dev/null || true
}
trap stop_stressor EXIT
trap 'exit 130' INT TERM

started=$(date +%s)
echo "under-load: stress-ng --cpu $workers (pid $stressor) for the whole run; then npm test" >&2
status=0
npm test || status=$?
echo "under-load: npm test exited $status after $(($(date +%s) - started)) s with $workers CPU stressors" >&2
exit "$status"
