#!/usr/bin/env bash
# `npm run test:docker` (opt-in; not part of `npm test`): proves the container stack on a real Docker engine.
#   1. Debian's docker.io, docker-compose (1.29) and debootstrap, installed with apt when missing (as root);
#   2. dockerd with the vfs storage driver, started when none answers (and stopped again at the end);
#   3. local base images with no registry (tools/docker/base-images.sh), then every image of docker-compose.yml
#      built from docker/Dockerfile on them (NODE_IMAGE build arg);
#   4. the stack up through `npm run compose` on its own project and network, with the data folder mounted;
#   5. every container healthy (the migration jobs exited 0; `docker ps` logged), an API key from the keys CLI, one
#      cycle through the API gateway (POST /v1/analyze), its decisions read back (GET /v1/decisions), then one paper
#      run through the API (POST /v1/paper-runs, polled on GET /v1/paper-runs/{runId} until completed): its cycles,
#      orders, fills and equity printed; it fails when no cycle ran;
#   6. everything torn down whatever happened (containers, network, volumes, project images, build cache, and the
#      dockerd this run started), checked, with the disk peak of the run.
# Only the API gateway publishes a port (127.0.0.1:ATS_DOCKER_API_PORT): the stack's NATS and Postgres stay on its
# own network and never meet the machine's 127.0.0.1:4222 and :5432.
# Settings: DATA__DIR (data folder; default as `npm run compose`), ATS_DOCKER_API_PORT (host port, default 18080),
# ATS_DOCKER_DEADLINE_S (how long the stack may take to become healthy, default 1200: vfs on two cores is slow),
# ATS_DOCKER_PAPER_SYMBOLS / _FROM / _TO (the paper run, default AAPL,MSFT,NVDA over 2023-03-01..2023-03-10),
# ATS_DOCKER_PAPER_DEADLINE_S (how long it may take, default 900), ATS_DOCKER_REPLICAS (copies of each app
# instead of the compose file's replicas, e.g. 1 for a shorter check: vfs copies every container),
# ATS_DOCKER_SOURCE (what the images are built from: worktree, the default, or a git revision such as HEAD),
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

# docker-compose 1.29 warns on every call that it ignores deploy.resources.reservations: said once here instead.
compose() { bash "$here/compose.sh" "$@" 2> >(grep -v 'deploy sub-keys are not supported' >&2); }
# vfs copies the whole image for each new container: creating a dozen at once outlasts Compose v1's 60 s HTTP
# timeout, so allow longer. No COMPOSE_PARALLEL_LIMIT below the number of services: Compose v1 shares that one
# limit between services and their containers, and services waiting on a dependency's health check held every
# slot (the stack hung half created, with technical-agent, portfolio-manager, orchestrator, api-gateway and
# backtester never created).
export COMPOSE_HTTP_TIMEOUT="${COMPOSE_HTTP_TIMEOUT:-600}"

# Teardown is armed before the daemon starts: whatever fails from here on, nothing this run started is left.
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
    # Nothing of the project may survive: its containers (the keys CLI's included), network and volumes.
    local project_filter="label=com.docker.compose.project=$ATS_COMPOSE_PROJECT" left
    left="$( { "$DOCKER" ps -aq --filter "$project_filter"; "$DOCKER" ps -aq --filter "ancestor=ats/migrate:latest"
      "$DOCKER" network ls -q --filter "$project_filter"; "$DOCKER" volume ls -q --filter "$project_filter"; } 2>/dev/null)"
    if [[ -n "$left" ]]; then
      log "teardown left: $(tr '\n' ' ' <<<"$left")"
      ((status == 0)) && status=1
    else
      log "no container, network or volume of the project is left"
    fi
    # vfs stores every layer as a full copy (the project images take tens of GB): drop them and the build cache,
    # keep the base images for the next run.
    log "removing the project images and the build cache (base images kept)"
    "$DOCKER" image rm -f $("$DOCKER" image ls --format '{{.Repository}}:{{.Tag}}' | grep '^ats/') >/dev/null 2>&1 || true
    "$DOCKER" builder prune -af >/dev/null 2>&1 || true
    "$DOCKER" image prune -f >/dev/null 2>&1 || true
    log "images kept: $("$DOCKER" image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' 2>/dev/null | tr '\n' ' ')"
    if [[ -n "${started_daemon:-}" ]]; then
      log "stopping the dockerd this run started (pid $started_daemon)"
      kill "$started_daemon" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 "$started_daemon" 2>/dev/null || break; sleep 1; done
      wait "$started_daemon" 2>/dev/null || true
      if kill -0 "$started_daemon" 2>/dev/null; then
        log "dockerd (pid $started_daemon) is still running after 60 s"
        ((status == 0)) && status=1
      else
        left="$(pgrep -a -f '^(/usr/s?bin/)?(dockerd|containerd|containerd-shim[a-z0-9-]*|docker-proxy)( |$)' | tr '\n' ';' || true)"
        log "dockerd stopped; Docker processes left: ${left:-none}"
        [[ -z "$left" ]] || { ((status == 0)) && status=1; }
      fi
    fi
    if [[ -n "${host_net_saved:-}" ]] && ! kill -0 "$started_daemon" 2>/dev/null; then
      [[ -s "$host_net_saved" ]] && iptables-restore <"$host_net_saved"
      sysctl -qw net.ipv4.ip_forward="$host_ip_forward"
      ((host_had_docker0)) || ip link delete docker0 2>/dev/null || true
      rm -f "$host_net_saved"
      log "host network as before dockerd: iptables restored ($(iptables-save | grep -c DOCKER || true) Docker rules), ip_forward=$(sysctl -n net.ipv4.ip_forward), docker0 $(ip link show docker0 >/dev/null 2>&1 && echo present || echo absent)"
    fi
  fi
  [[ -n "${build_context:-}" ]] && rm -rf "$build_context"
  if [[ -n "${disk_sampler:-}" ]]; then
    kill "$disk_sampler" 2>/dev/null || true
    wait "$disk_sampler" 2>/dev/null || true
    local min_mb end_mb
    min_mb=$(cat "$disk_min_file")
    end_mb=$(df -BM --output=avail "$docker_root" | tail -1 | tr -dc 0-9)
    log "disk under $docker_root: $((disk_free_at_start_mb / 1024)) GB free at the start, $((min_mb / 1024)) GB at the least (peak use $(((disk_free_at_start_mb - min_mb) / 1024)) GB), $((end_mb / 1024)) GB at the end"
    rm -f "$disk_min_file"
  fi
  if ((status == 0)); then log "PASSED in $(($(date +%s) - started_at)) s"; else log "exit $status"; fi
  exit "$status"
}
trap teardown EXIT
# Interrupted (Ctrl-C, kill): tear down all the same.
trap 'exit 130' INT TERM HUP

# --- 2. daemon ------------------------------------------------------------------------------------------------
started_daemon= host_net_saved=
if ! "$DOCKER" info >/dev/null 2>&1; then
  [[ "$(id -u)" == 0 ]] || fail "no Docker daemon answers and starting one needs root"
  # dockerd changes the host's network to suit its bridges (iptables chains and NAT rules, FORWARD policy DROP,
  # ip_forward on, a docker0 bridge) and leaves them when it stops: note them now, put them back at teardown.
  host_net_saved="$(mktemp /var/tmp/ats-docker-host-net.XXXXXX)"
  iptables-save >"$host_net_saved" 2>/dev/null || true
  host_ip_forward="$(sysctl -n net.ipv4.ip_forward)"
  host_had_docker0=0
  ip link show docker0 >/dev/null 2>&1 && host_had_docker0=1
  log "starting dockerd --storage-driver=vfs (log: /var/tmp/ats-dockerd.log)"
  setsid dockerd --storage-driver=vfs >/var/tmp/ats-dockerd.log 2>&1 &
  started_daemon=$!
  for _ in $(seq 1 60); do "$DOCKER" info >/dev/null 2>&1 && break; sleep 1; done
  "$DOCKER" info >/dev/null 2>&1 || fail "dockerd did not come up: $(tail -5 /var/tmp/ats-dockerd.log)"
fi
log "docker $("$DOCKER" version --format '{{.Server.Version}}') storage=$("$DOCKER" info --format '{{.Driver}}')"
docker compose version >/dev/null 2>&1 \
  || log "docker-compose 1.29 ignores deploy.resources.reservations (limits and replicas apply)"

# --- 3. images ------------------------------------------------------------------------------------------------
# vfs: the base images plus ~9 project images and their build cache need about 50 GB at the peak.
docker_root="$("$DOCKER" info --format '{{.DockerRootDir}}')"
free_gb=$(df -BG --output=avail "$docker_root" | tail -1 | tr -dc 0-9)
min_free_gb="${ATS_DOCKER_MIN_FREE_GB:-55}"
((free_gb >= min_free_gb)) || fail "only ${free_gb} GB free under $docker_root; vfs needs about ${min_free_gb} GB (ATS_DOCKER_MIN_FREE_GB)"
# The disk peak of the run: the least free space under the Docker root, sampled every 5 s until teardown.
disk_free_at_start_mb=$(df -BM --output=avail "$docker_root" | tail -1 | tr -dc 0-9)
disk_min_file="$(mktemp /var/tmp/ats-docker-disk.XXXXXX)"
echo "$disk_free_at_start_mb" >"$disk_min_file"
(
  min=$disk_free_at_start_mb
  while sleep 5; do
    now=$(df -BM --output=avail "$docker_root" | tail -1 | tr -dc 0-9)
    ((now < min)) && { min=$now; echo "$min" >"$disk_min_file"; }
  done
) &
disk_sampler=$!
log "${free_gb} GB free under $docker_root"
# shellcheck source=base-images.sh
source "$here/base-images.sh"
build_base_images
export NATS_IMAGE="$NATS_BASE_IMAGE" POSTGRES_IMAGE="$POSTGRES_BASE_IMAGE"

# Every image is built from one snapshot of the checkout, taken now: a checkout that changes while the images
# build (an editor, other work in the same tree) would otherwise give each image other sources and miss the
# build cache on each. ATS_DOCKER_SOURCE=worktree (default: the files git tracks or would track, as they are on
# disk) or a git revision (e.g. HEAD: what is committed).
source_rev="${ATS_DOCKER_SOURCE:-worktree}"
build_context="$(mktemp -d /var/tmp/ats-docker-context.XXXXXX)"
if [[ "$source_rev" == worktree ]]; then
  # Tracked and untracked-but-not-ignored files; a tracked file deleted on disk is skipped.
  git ls-files -z --cached --others --exclude-standard \
    | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$build_context" -xf -
else
  git archive --format=tar "$source_rev" | tar -C "$build_context" -xf -
fi
[[ -f "$build_context/docker/Dockerfile" ]] || fail "no docker/Dockerfile in the build snapshot ($source_rev)"
log "build context: a snapshot of the $source_rev ($(git rev-parse --short HEAD)$( [[ "$source_rev" == worktree && -n "$(git status --porcelain)" ]] && echo ' + uncommitted changes')), $(du -sh "$build_context" | cut -f1)"

mapfile -t services < <(compose config --services)
build_image() { # <image> <docker build args...>
  local image=$1 t0
  shift
  t0=$(date +%s)
  "$DOCKER" build --quiet --build-arg NODE_IMAGE="$NODE_BASE_IMAGE" -f "$build_context/docker/Dockerfile" -t "$image" "$@" "$build_context" >/dev/null \
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
# The one published port must be free (the machine's own services keep theirs: NATS 4222 and Postgres 5432 are
# never published by the stack).
if ss -Hltn "sport = :$API_PORT" 2>/dev/null | grep -q .; then
  fail "127.0.0.1:$API_PORT is taken: set ATS_DOCKER_API_PORT to a free port"
fi
# ATS_DOCKER_REPLICAS=N runs N copies of each app instead of the compose file's replicas: on vfs every container
# is a full copy of its image, made at start and deleted at teardown, so fewer copies make a much shorter check.
scale=()
if [[ -n "${ATS_DOCKER_REPLICAS:-}" ]]; then
  for app in "${apps[@]}"; do [[ "$app" == orchestrator ]] || scale+=(--scale "$app=$ATS_DOCKER_REPLICAS"); done
  log "replicas: $ATS_DOCKER_REPLICAS of each app (ATS_DOCKER_REPLICAS; the orchestrator stays one)"
fi
log "compose up (project $ATS_COMPOSE_PROJECT, API on 127.0.0.1:$API_PORT): ${services[*]/prometheus/}"
compose up -d --no-build "${scale[@]}" 2>&1 | sed 's/^/  compose| /'

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
log "docker ps (project $ATS_COMPOSE_PROJECT, with health):"
"$DOCKER" ps -a --filter "label=com.docker.compose.project=$ATS_COMPOSE_PROJECT" \
  --format 'table {{.Names}}\t{{.Image}}\t{{.Status}}\t{{.Ports}}' | sed 's/^/    /'
# Published host ports: the API gateway's alone.
published="$("$DOCKER" ps --filter "label=com.docker.compose.project=$ATS_COMPOSE_PROJECT" --format '{{.Ports}}' \
  | grep -o '[0-9.]*:[0-9]*->' | sort -u | tr '\n' ' ')"
[[ "$published" == "127.0.0.1:$API_PORT-> " ]] || fail "published host ports: '$published' (expected 127.0.0.1:$API_PORT only)"
log "published host ports: ${published}(the machine's 127.0.0.1:4222 and :5432 untouched)"

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
cycle="$(curl -sS --fail-with-body --max-time 300 -X POST "$api/v1/analyze" -H "authorization: Bearer $api_key" \
  -H 'content-type: application/json' -H 'x-request-id: docker-check-cycle-1' \
  -d '{"symbols":["AAPL","MSFT","NVDA"],"pattern":"sequential"}')" || fail "POST /v1/analyze: $cycle"
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
cycle_id="$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).correlationId)' "$cycle")"
log "GET $api/v1/decisions (the cycle's decisions as stored in Postgres)"
stored="$(curl -sS --fail-with-body "$api/v1/decisions?correlationId=$cycle_id&limit=100" -H "authorization: Bearer $api_key")" \
  || fail "GET /v1/decisions: $stored"
node -e 'const b=JSON.parse(process.argv[1]);console.log(`    ${b.decisions.length} decisions stored for ${process.argv[2]}`);if(!b.decisions.length)process.exit(1)' "$stored" "$cycle_id" \
  || fail "no stored decisions"
log "one cycle done through the API gateway"

# One paper run through the API: the orchestrator replays the mounted data folder's daily bars through the agents
# and the paper broker (orders through JetStream into Postgres); its progress is read back from Postgres.
paper_symbols="${ATS_DOCKER_PAPER_SYMBOLS:-AAPL,MSFT,NVDA}"
paper_from="${ATS_DOCKER_PAPER_FROM:-2023-03-01}"
paper_to="${ATS_DOCKER_PAPER_TO:-2023-03-10}"
paper_deadline_s="${ATS_DOCKER_PAPER_DEADLINE_S:-900}"
paper_body="$(node -e 'const [s, from, to] = process.argv.slice(1);
  process.stdout.write(JSON.stringify({ symbols: s.split(","), from, to, pattern: "sequential", initialCash: 100000 }))' \
  "$paper_symbols" "$paper_from" "$paper_to")"
log "POST $api/v1/paper-runs $paper_body"
accepted="$(curl -sS --fail-with-body --max-time 300 -X POST "$api/v1/paper-runs" -H "authorization: Bearer $api_key" \
  -H 'content-type: application/json' -H 'x-request-id: docker-check-paper-1' -d "$paper_body")" \
  || fail "POST /v1/paper-runs: $accepted"
run_id="$(node -e 'const a=JSON.parse(process.argv[1]);if(!a.runId)process.exit(1);process.stdout.write(a.runId)' "$accepted")" \
  || fail "POST /v1/paper-runs answered $accepted"
log "accepted: $accepted"
paper_started=$(date +%s)
last=""
while :; do
  run="$(curl -sS --fail-with-body --max-time 60 "$api/v1/paper-runs/$run_id" -H "authorization: Bearer $api_key")" \
    || fail "GET /v1/paper-runs/$run_id: $run"
  line="$(node -e 'const r=JSON.parse(process.argv[1]);
    process.stdout.write(`${r.status} cycles=${r.cycles} orders=${r.orders} fills=${r.fills} equity=${r.equity} asOf=${r.asOf}`)' "$run")"
  [[ "$line" != "$last" ]] && { log "paper run $run_id: $line"; last="$line"; }
  case "$line" in
    running*) ;;
    completed*) break ;;
    *) fail "paper run $run_id ended $line" ;;
  esac
  (($(date +%s) - paper_started > paper_deadline_s)) && fail "paper run $run_id not completed within ${paper_deadline_s} s"
  sleep 3
done
node - "$run" <<'NODE' || fail "the paper run ran no cycle"
const r = JSON.parse(process.argv[2]);
console.log(`    run ${r.runId}: ${r.status} ${r.startedAt} .. ${r.finishedAt}`);
console.log(`    cycles ${r.cycles}, orders ${r.orders}, fills ${r.fills}, equity ${r.equity} (as of ${r.asOf})`);
console.log(`    settings ${JSON.stringify(r.settings)}`);
if (r.status !== 'completed' || r.cycles < 1 || r.equity === null) process.exit(1);
NODE
log "paper run completed through the API gateway in $(($(date +%s) - paper_started)) s"
