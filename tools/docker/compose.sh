#!/usr/bin/env bash
# `npm run compose -- <compose arguments>`: the local container stack in one step.
#   npm run compose -- up -d --build     npm run compose -- ps     npm run compose -- down
# Before calling Compose it makes sure of what docker-compose.yml needs and a fresh checkout lacks:
#   - ops/nats/credentials.env: every service's NATS password (generated, random, mode 600) when missing or short;
#   - .env: your settings over .env.example (created empty when missing: Compose v1 has no optional env files);
#   - DATA__DIR: the data folder mounted read-only into the apps (the setting, from the environment or .env, or
#     ../shared/data beside the checkout, as the apps themselves resolve it).
# Then it runs `docker compose` (v2), or Debian's docker-compose 1.29 when that is all there is, with the project
# name (ATS_COMPOSE_PROJECT, default ai-trading-system) and `--env-file ops/nats/credentials.env`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

# NATS users' passwords: written only when the file or one of its users is missing; existing ones are kept.
npx --no-install tsx -e "import('@ats/tool-nats-auth').then((m) => m.ensureCredentials())"
# Postgres: the owner's and each service role's password (generated when missing, mode 600), for interpolation.
npx --no-install tsx libs/db/src/migrations/cli.ts credentials docker/postgres/credentials.env >&2 && set -a && . docker/postgres/credentials.env && set +a

if [[ ! -e .env ]]; then
  printf '# Your settings (git-ignored); every key is documented in .env.example.\n' >.env
  echo "compose: created an empty .env (settings over .env.example)" >&2
fi

# The data folder, resolved like libs/config does: DATA__DIR (environment, then .env) relative to the workspace
# root, else ../shared/data beside the checkout.
data_dir="${DATA__DIR:-}"
if [[ -z "$data_dir" ]]; then
  data_dir="$(sed -n 's/^[[:space:]]*DATA__DIR[[:space:]]*=[[:space:]]*//p' .env | tail -1 | tr -d "\"'")"
fi
if [[ -z "$data_dir" && -d ../shared/data/ohlcv ]]; then data_dir=../shared/data; fi
if [[ -z "$data_dir" ]]; then
  echo "compose: no data folder: set DATA__DIR (in .env or the environment) to a folder with ohlcv/<SYMBOL>.csv" >&2
  exit 2
fi
[[ "$data_dir" == /* ]] || data_dir="$root/$data_dir"
if [[ ! -d "$data_dir/ohlcv" ]]; then
  echo "compose: DATA__DIR=$data_dir has no ohlcv/ folder" >&2
  exit 2
fi
export DATA__DIR="$data_dir"

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null; then
  compose=(docker-compose)
else
  echo "compose: neither 'docker compose' (v2) nor docker-compose is installed" >&2
  exit 127
fi
# docker-compose.yml unless the caller names the files (e.g. -f docker-compose.yml -f docker-compose.prod.yml).
files=(-f docker-compose.yml)
for arg in "$@"; do [[ "$arg" == -f || "$arg" == --file || "$arg" == --file=* ]] && files=(); done
exec "${compose[@]}" --project-name "${ATS_COMPOSE_PROJECT:-ai-trading-system}" --env-file ops/nats/credentials.env "${files[@]}" "$@"
