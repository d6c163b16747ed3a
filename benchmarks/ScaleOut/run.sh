#!/usr/bin/env bash
# Scale-out benchmark (issue 23, docs/scaling.md), one run, figures printed as ratios:
#  1. throughput through HAProxy (deploy/haproxy/haproxy.cfg) of 1 instance pinned to core 0 (taskset -c 0) vs 2
#     instances pinned to cores 0 and 1, same images, same run: "scale-out ratio" (goal >= 1.8);
#  2. the shared store's cost per request: one instance on core 0 with the embedded store, then on Redis, then on
#     Redis with a replica and Accounts:RedisReplicaAcks=1 (WAIT after reserve and commit): Redis commands per image
#     (INFO commandstats), p50/p99 latency and the p99 added over the embedded store.
# Needs: dotnet, redis-server, redis-cli, haproxy, taskset, 2+ cores. Builds Release first.
# Usage: benchmarks/ScaleOut/run.sh [requests-per-phase (default 40)] [image (default tests/.../Fixtures/coffee.png)]
#        (MODEL=falcon to measure another tier; SKIP_BUILD=1 to reuse the Release build; ONLY=store for part 2 alone)
# The machine must be otherwise idle for the ratio to mean anything: the script prints `uptime` first and last.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
requests=${1:-40}
image=${2:-$root/tests/FapiHub.FunctionalTests/Fixtures/coffee.png}
model=${MODEL:-ghost}
work=$(mktemp -d /tmp/fapihub-scaleout-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "uptime before: $(uptime)"
echo "cores: $(nproc); requests per phase: $requests; image: $(basename "$image"); model: $model"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  dotnet build -c Release -v q src/Api/FapiHub.Api.csproj >/dev/null
  dotnet build -c Release -v q benchmarks/LoadGenerator/FapiHub.LoadGenerator.csproj >/dev/null
fi
api=$root/src/Api/bin/Release/net10.0
loadgen=(dotnet "$root/benchmarks/LoadGenerator/bin/Release/net10.0/FapiHub.LoadGenerator.dll")

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
key="fh_live_$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)"

start_redis() { # port [replicaof-port]
  local dir=$work/redis-$1; mkdir -p "$dir"
  local extra=(); [ $# -gt 1 ] && extra=(--replicaof 127.0.0.1 "$2")
  redis-server --port "$1" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no "${extra[@]}" >"$dir/log" 2>&1 &
  pids+=($!)
  until redis-cli -p "$1" ping >/dev/null 2>&1; do sleep 0.1; done
}

start_api() { # core port redis-connection-string(or empty) [extra env...]
  local core=$1 p=$2 redis=$3; shift 3
  env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$p" \
    ConnectionStrings__Redis="$redis" Accounts__RedisKeyPrefix=bench \
    ApiKeys__Bootstrap__0__Key="$key" ApiKeys__Bootstrap__0__Plan=payg ApiKeys__Bootstrap__0__Credits=100000000 \
    Plans__payg__PerMinute=1000000 Inference__MaxConcurrency=1 Inference__IntraOpThreads=1 Inference__MaxQueue=1000 Inference__TimeoutSeconds=600 Accounts__ReservationTimeoutSeconds=900 \
    "$@" taskset -c "$core" dotnet "$api/FapiHub.Api.dll" >"$work/api-$p.log" 2>&1 &
  pids+=($!)
  until curl -fs "http://127.0.0.1:$p/health/ready" >/dev/null 2>&1; do sleep 0.5; done
}

stop_all_apis() { for p in "${api_pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; api_pids=(); }

start_haproxy() { # ports...
  local cfg=$work/haproxy-$$.cfg i=1
  grep -v '^\s*server ' deploy/haproxy/haproxy.cfg >"$cfg"
  for p in "$@"; do echo "    server api$i 127.0.0.1:$p" >>"$cfg"; i=$((i + 1)); done
  lb=$(port)
  HAPROXY_BIND="127.0.0.1:$lb" HAPROXY_SOCKET="$work/haproxy.sock" haproxy -db -f "$cfg" >"$work/haproxy.log" 2>&1 &
  haproxy_pid=$!
  pids+=($haproxy_pid)
  # Every server UP in HAProxy's own view (runtime API), so the measurement starts with the whole pool.
  until python3 - "$work/haproxy.sock" "$#" <<'PY'
import socket, sys
try:
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"show stat\n")
    rows = b"".join(iter(lambda: s.recv(65536), b"")).decode().splitlines()
except OSError:
    sys.exit(1)
up = [r for r in rows if r.startswith("api,api") and ",UP," in r]
sys.exit(0 if len(up) == int(sys.argv[2]) else 1)
PY
  do sleep 0.2; done
}

load() { # url concurrency requests -> prints the load generator's report
  "${loadgen[@]}" --url "$1" --key "$key" --image "$image" --concurrency "$2" --requests "$3" --field "model=$model"
}
figure() { grep -oE "$1" | head -1 | awk '{print $NF}'; } # the number ending the first match

redis_port=$(port); start_redis "$redis_port"

api_pids=()
if [ "${ONLY:-}" != store ]; then
# 1. Scale-out through HAProxy. Concurrency 3 per instance keeps each one's single inference slot busy.
p1=$(port); start_api 0 "$p1" "127.0.0.1:$redis_port"; api_pids+=("${pids[-1]}")
start_haproxy "$p1"
load "http://127.0.0.1:$p1" 1 3 >/dev/null # warm-up, direct
one=$(load "http://127.0.0.1:$lb" 3 "$requests"); echo "--- 1 instance (core 0) through HAProxy"; echo "$one"
kill "$haproxy_pid"; wait "$haproxy_pid" 2>/dev/null || true
p2=$(port); start_api 1 "$p2" "127.0.0.1:$redis_port"; api_pids+=("${pids[-1]}")
start_haproxy "$p1" "$p2"
load "http://127.0.0.1:$p2" 1 3 >/dev/null
two=$(load "http://127.0.0.1:$lb" 6 "$((requests * 2))"); echo "--- 2 instances (cores 0, 1) through HAProxy"; echo "$two"
kill "$haproxy_pid"; wait "$haproxy_pid" 2>/dev/null || true
stop_all_apis
t1=$(echo "$one" | figure 'throughput: [0-9.]+'); t2=$(echo "$two" | figure 'throughput: [0-9.]+')
echo "scale-out ratio: $(python3 -c "print(f'{$t2/$t1:.2f}')")x ($t1 -> $t2 images/s)"
fi

# 2. The shared store's cost: same instance on core 0, concurrency 1 (latency, not throughput).
# Round trips a request makes: MONITOR lists every command a client sent (the commands a script runs are tagged
# "lua" and left out), without the time-driven background ones: the recovery service's seeding check (EXISTS every
# probe interval), the client's heartbeats and handshakes.
round_trips() { # monitor-file
  awk '!/ lua\]/ && /^[0-9.]+ \[/ && tolower($0) !~ /"(exists|ping|info|client|cluster|config|echo|subscribe|command|hello|role|select|monitor)"/ {n++} END {print n+0}' "$1"
}
store_phase() { # label redis-connection-string [extra env...]
  local label=$1 redis=$2; shift 2
  local p; p=$(port); start_api 0 "$p" "$redis" "$@"; api_pids+=("${pids[-1]}")
  load "http://127.0.0.1:$p" 1 3 >/dev/null
  local before after out
  redis-cli -p "$redis_port" monitor >"$work/monitor" 2>/dev/null &
  local monitor=$!
  out=$(load "http://127.0.0.1:$p" 1 "$requests")
  kill "$monitor" 2>/dev/null || true; wait "$monitor" 2>/dev/null || true
  local trips; trips=$(round_trips "$work/monitor")
  local waits; waits=$(awk '!/ lua\]/ && tolower($0) ~ /"wait"/ {n++} END {print n+0}' "$work/monitor")
  stop_all_apis
  local p50 p99; p50=$(echo "$out" | figure 'p50 [0-9.]+'); p99=$(echo "$out" | figure 'p99 [0-9.]+')
  echo "$out" | grep -E '^(statuses|200 latency)' | sed "s/^/  $label: /" || true
  echo "$label: p50 $p50 ms, p99 $p99 ms, Redis round trips per request $(python3 -c "print(f'{$trips/$requests:.1f}')") (of which WAIT $(python3 -c "print(f'{$waits/$requests:.1f}')")) (all requests 200: $(echo "$out" | grep -c "statuses: 200 × $requests" || true))"
  last_p99=$p99
}
echo "--- store cost (1 instance, core 0, concurrency 1, $requests requests each)"
store_phase "embedded store" "" ; e99=$last_p99
store_phase "Redis" "127.0.0.1:$redis_port" ; r99=$last_p99
replica_port=$(port); start_redis "$replica_port" "$redis_port"
until redis-cli -p "$redis_port" info replication | grep -q 'connected_slaves:1'; do sleep 0.1; done
store_phase "Redis + replica, WAIT 1" "127.0.0.1:$redis_port" Accounts__RedisReplicaAcks=1 ; w99=$last_p99
echo "p99 added over the embedded store: Redis $(python3 -c "print(f'{$r99-$e99:+.0f}')") ms, Redis + WAIT 1 $(python3 -c "print(f'{$w99-$e99:+.0f}')") ms"
echo "uptime after: $(uptime)"
