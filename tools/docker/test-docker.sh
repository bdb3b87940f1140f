#!/usr/bin/env bash
# `npm run test:docker` (opt-in; not part of `npm test`): proves the container stack on a real Docker engine.
#   1. Debian's docker.io, docker-compose (1.29) and debootstrap, installed with apt when missing (as root);
#   2. dockerd with the vfs storage driver, started when none answers (and stopped again at the end);
#   3. local base images with no registry (tools/docker/base-images.sh), then every image of docker-compose.yml
#      built from docker/Dockerfile on them (NODE_IMAGE build arg);
#   4. the stack up through `npm run compose` on its own project and network, with the data folder mounted;
#   5. every container healthy (the migration job exited 0), an API key from the keys CLI, one cycle through the
#      API gateway (POST /v1/analyze), its decisions read back (GET /v1/decisions), evidence printed;
#   6. everything torn down (containers, network, volumes) whatever happened.
# Settings: DATA__DIR (data folder; default as `npm run compose`), ATS_DOCKER_API_PORT (host port, default 18080),
# ATS_DOCKER_DEADLINE_S (how long the stack may take to become healthy, default 1200: vfs on two cores is slow),
# ATS_DOCKER_KEEP=1 (leave the stack running for a look; `npm run compose -- down -v` removes it).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
here="$root/tools/docker"

export ATS_COMPOSE_PROJECT="${ATS_COMPOSE_PROJECT:-ats-docker-check}"
export API_PORT="${ATS_DOCKER_API_PORT:-18080}"
deadline_s="${ATS_DOCKER_DEADLINE_S:-1200}"
started_at=$(date +%s)

log() { printf '[test:docker +%4ss] %s\n' "$(($(date +%s) - started_at))" "$*"; }
fail() { log "FAILED: $*"; exit 1; }

# --- 1. packages ----------------------------------------------------------------------------------------------
missing=()
[[ -x /usr/bin/docker && -x /usr/sbin/dockerd ]] || missing+=(docker.io)
command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if ((${#missing[@]})); then
  [[ "$(id -u)" == 0 ]] || fail "missing ${missing[*]}: run as root, or install them with apt"
  log "installing ${missing[*]} (apt)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Debian's 20.10 client builds with BuildKit (RUN --mount); another client on PATH may lack buildx.
export DOCKER="${DOCKER:-/usr/bin/docker}"
export DOCKER_BUILDKIT=1

# --- 2. daemon ------------------------------------------------------------------------------------------------
started_daemon=
if ! "$DOCKER" info >/dev/null 2>&1; then
  [[ "$(id -u)" == 0 ]] || fail "no Docker daemon answers and starting one needs root"
  log "starting dockerd --storage-driver=vfs (log: /var/tmp/ats-dockerd.log)"
  setsid dockerd --storage-driver=vfs >/var/tmp/ats-dockerd.log 2>&1 &
  started_daemon=$!
  for _ in $(seq 1 60); do "$DOCKER" info >/dev/null 2>&1 && break; sleep 1; done
  "$DOCKER" info >/dev/null 2>&1 || fail "dockerd did not come up: $(tail -5 /var/tmp/ats-dockerd.log)"
fi
log "docker $("$DOCKER" version --format '{{.Server.Version}}') storage=$("$DOCKER" info --format '{{.Driver}}')"

# docker-compose 1.29 warns on every call that it ignores deploy.resources.reservations: said once here instead.
compose() { bash "$here/compose.sh" "$@" 2> >(grep -v 'deploy sub-keys are not supported' >&2); }
# vfs copies the whole image for each new container: creating a dozen at once outlasts Compose v1's 60 s HTTP
# timeout, so allow longer and create fewer at a time.
export COMPOSE_HTTP_TIMEOUT="${COMPOSE_HTTP_TIMEOUT:-600}" COMPOSE_PARALLEL_LIMIT="${COMPOSE_PARALLEL_LIMIT:-4}"
docker compose version >/dev/null 2>&1 \
  || log "docker-compose 1.29 ignores deploy.resources.reservations (limits and replicas apply)"

teardown() {
  local status=$?
  if ((status != 0)); then
    log "stack state and recent logs, for diagnosis:"
    compose ps 2>&1 || true
    compose logs --no-color --tail=40 2>&1 | tail -200 || true
  fi
  if [[ "${ATS_DOCKER_KEEP:-0}" == 1 ]]; then
    log "ATS_DOCKER_KEEP=1: stack left running (project $ATS_COMPOSE_PROJECT)"
  else
    log "tearing down: containers, network and volumes of project $ATS_COMPOSE_PROJECT"
    compose down --volumes --remove-orphans --timeout 30 >/dev/null 2>&1 || true
    # vfs stores every layer as a full copy (the project images take tens of GB): drop them and the build cache,
    # keep the base images for the next run.
    log "removing the project images and the build cache (base images kept)"
    "$DOCKER" image rm -f $("$DOCKER" image ls --format '{{.Repository}}:{{.Tag}}' | grep '^ats/') >/dev/null 2>&1 || true
    "$DOCKER" builder prune -af >/dev/null 2>&1 || true
    "$DOCKER" image prune -f >/dev/null 2>&1 || true
    if [[ -n "$started_daemon" ]]; then
      log "stopping the dockerd this run started (pid $started_daemon)"
      kill "$started_daemon" 2>/dev/null || true
      wait "$started_daemon" 2>/dev/null || true
    fi
  fi
  if ((status == 0)); then log "PASSED in $(($(date +%s) - started_at)) s"; else log "exit $status"; fi
}
trap teardown EXIT

# --- 3. images ------------------------------------------------------------------------------------------------
# vfs: the base images plus ~9 project images and their build cache need about 50 GB at the peak.
docker_root="$("$DOCKER" info --format '{{.DockerRootDir}}')"
free_gb=$(df -BG --output=avail "$docker_root" | tail -1 | tr -dc 0-9)
min_free_gb="${ATS_DOCKER_MIN_FREE_GB:-55}"
((free_gb >= min_free_gb)) || fail "only ${free_gb} GB free under $docker_root; vfs needs about ${min_free_gb} GB (ATS_DOCKER_MIN_FREE_GB)"
# shellcheck source=base-images.sh
source "$here/base-images.sh"
build_base_images
export NATS_IMAGE="$NATS_BASE_IMAGE" POSTGRES_IMAGE="$POSTGRES_BASE_IMAGE"

mapfile -t services < <(compose config --services)
build_image() { # <image> <docker build args...>
  local image=$1 t0
  shift
  t0=$(date +%s)
  "$DOCKER" build --quiet --build-arg NODE_IMAGE="$NODE_BASE_IMAGE" -f docker/Dockerfile -t "$image" "$@" . >/dev/null \
    || fail "building $image"
  log "built $image in $(($(date +%s) - t0)) s ($("$DOCKER" image inspect --format '{{.Size}}' "$image" | awk '{printf "%d MB", $1/1e6}'))"
}
build_image ats/migrate:latest --target migrate
apps=()
for service in "${services[@]}"; do
  [[ -f "apps/$service/package.json" ]] || continue
  apps+=("$service")
  build_image "ats/$service:latest" --build-arg APP="$service"
done

# The build cache (every intermediate layer, full copies on vfs) is not needed to run: free the disk for the
# containers, which vfs creates as full copies of their images too.
"$DOCKER" builder prune -af >/dev/null
log "build cache dropped; $(df -BG --output=avail "$docker_root" | tail -1 | tr -d ' ') free"

# --- 4. up ----------------------------------------------------------------------------------------------------
log "compose up (project $ATS_COMPOSE_PROJECT, API on 127.0.0.1:$API_PORT): ${services[*]/prometheus/}"
compose up -d --no-build 2>&1 | sed 's/^/  compose| /'

# --- 5. healthy, then one cycle -------------------------------------------------------------------------------
# Every container: healthy by its health check, or (the migration job) exited 0. Apps are in a restart loop while
# their dependencies come up, so wait on the state, not on the first answer.
container_states() {
  local id
  for id in $(compose ps -q); do
    "$DOCKER" inspect --format \
      '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.ExitCode}}' "$id"
  done | sed 's#^/##' | sort
}
# Every service but the monitoring profile's prometheus, each with its replicas (Compose may run several).
min_containers=$(( ${#services[@]} - 1 ))
log "waiting for every container (at least $min_containers) to be healthy (deadline ${deadline_s} s)"
wait_started=$(date +%s)
last=""
while :; do
  states="$(container_states)"
  total=$(grep -c . <<<"$states" || true)
  ready=$(awk '($3 == "healthy") || ($2 == "exited" && $3 == "none" && $4 == 0)' <<<"$states" | wc -l)
  [[ "$states" != "$last" ]] && { log "$ready/$total ready"; sed 's/^/    /' <<<"$states"; last="$states"; }
  if awk '$2 == "exited" && $4 != 0' <<<"$states" | grep -q .; then fail "a container exited with an error"; fi
  ((total >= min_containers && ready == total)) && break
  (($(date +%s) - wait_started > deadline_s)) && fail "not every container healthy within ${deadline_s} s"
  sleep 5
done
log "every container healthy after $(($(date +%s) - wait_started)) s:"
sed 's/^/    /' <<<"$states"

network="${ATS_COMPOSE_PROJECT}_default"
log "API key (keys CLI in the migrate image, on network $network)"
key_json="$("$DOCKER" run --rm --network "$network" \
  -e DATABASE__URL="postgresql://ats_api_gateway:$(sed -n 's/^POSTGRES_PASSWORD_API_GATEWAY=//p' docker/postgres/credentials.env)@postgres:5432/trading" -e LOG_LEVEL=warn \
  ats/migrate:latest npm run -s keys -w @ats/api-gateway -- create --name=docker-check --scopes=read,trade)" \
  || fail "keys create"
api_key="$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).key)' <<<"$key_json")"
log "key $(node -e 'const k=JSON.parse(require("fs").readFileSync(0,"utf8"));process.stdout.write(`${k.id} scopes=${k.scopes}`)' <<<"$key_json")"

api="http://127.0.0.1:$API_PORT"
log "GET $api/health"
curl -fsS "$api/health" | sed 's/^/    /'
echo
log "POST $api/v1/analyze (one cycle: orchestrator -> technical, sentiment, risk, portfolio agents over NATS)"
cycle="$(curl -fsS --max-time 300 -X POST "$api/v1/analyze" -H "authorization: Bearer $api_key" \
  -H 'content-type: application/json' -H 'x-request-id: docker-check-cycle-1' \
  -d '{"symbols":["AAPL","MSFT","NVDA"],"pattern":"sequential"}')" || fail "POST /v1/analyze"
node - "$cycle" <<'NODE' || fail "the cycle's answer"
const c = JSON.parse(process.argv[2]);
const by = {};
for (const d of c.decisions) by[d.agent] = (by[d.agent] ?? 0) + 1;
console.log(`    cycle ${c.correlationId} run=${c.runId} asOf=${c.asOf} status=${c.status} degraded=${JSON.stringify(c.degraded)}`);
console.log(`    decisions by agent ${JSON.stringify(by)}`);
for (const d of c.decisions.filter((x) => x.agent === 'portfolio'))
  console.log(`    ${d.symbol} ${d.signal} confidence=${d.confidence} — ${d.reasoning.slice(0, 110)}`);
console.log(`    targets ${JSON.stringify(c.targets)}`);
if (c.status !== 'completed' || c.decisions.length === 0 || c.degraded.length > 0) process.exit(1);
NODE
log "GET $api/v1/decisions (the cycle's decisions as stored in Postgres)"
stored="$(curl -fsS "$api/v1/decisions?correlationId=docker-check-cycle-1&limit=100" -H "authorization: Bearer $api_key")" \
  || fail "GET /v1/decisions"
node -e 'const b=JSON.parse(process.argv[1]);const items=b.items??b.decisions??b;console.log(`    ${items.length} decisions stored for docker-check-cycle-1`);if(!items.length)process.exit(1)' "$stored" \
  || fail "no stored decisions"
log "one cycle done through the API gateway"
