#!/usr/bin/env bash
# The tiers end to end (issue 20), one run, figures printed as ratios to falcon's:
# one Release server with default settings, a 1200x900 JPEG (astronaut.png resized, quality 90, about 1 MP), one warm-up
# request per tier, then ROUNDS rounds of falcon, ghost, aurora in turn (curl, one request at a time), reading the
# server's X-Processing-Ms and X-Inference-Ms headers; p50 per tier and the ratio of each p50 to falcon's.
# Needs: dotnet, curl, ImageMagick (apt-get install imagemagick), python3. Usage: benchmarks/Tiers/run.sh [rounds (default 8)]
# (SKIP_BUILD=1 reuses the Release build). The machine must be otherwise idle: `uptime` is printed first and last.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
rounds=${1:-8}
work=$(mktemp -d /tmp/fapihub-tiers-XXXXXX)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo "uptime before: $(uptime)"
[ "${SKIP_BUILD:-0}" = 1 ] || dotnet build -c Release -v q src/Api/FapiHub.Api.csproj >/dev/null
im=$(command -v magick || command -v convert-im6.q16 || echo convert)   # Debian: apt-get install imagemagick
"$im" "$root/tests/FapiHub.FunctionalTests/Fixtures/astronaut.png" -resize '1200x900!' -quality 90 "$work/photo.jpg"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
key=fh_live_LocalDevelopmentKey0000000000000000   # appsettings.Development.json's key (unlimited plan)
(cd "$root/src/Api/bin/Release/net10.0" && ASPNETCORE_URLS=http://127.0.0.1:$port ASPNETCORE_ENVIRONMENT=Development \
  exec dotnet FapiHub.Api.dll >"$work/server.log" 2>&1) &
server=$!
until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; do
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.5
done

one() { # model -> "processing inference"
  curl -s -o /dev/null -D - -H "ApiKey: $key" -F "image=@$work/photo.jpg" -F "model=$1" "http://127.0.0.1:$port/v2/rembg/" |
    tr -d '\r' | awk -F': ' 'tolower($1)=="x-processing-ms"{p=$2} tolower($1)=="x-inference-ms"{i=$2} END{print p, i}'
}
models=(falcon ghost aurora)
for m in "${models[@]}"; do one "$m" >/dev/null; done
for ((r = 1; r <= rounds; r++)); do
  for m in "${models[@]}"; do echo "$m $(one "$m")" >>"$work/times"; done
done
python3 - "$work/times" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
p50 = {}
for m in ("falcon", "ghost", "aurora"):
    proc = [float(r[1]) for r in rows if r[0] == m]
    inf = [float(r[2]) for r in rows if r[0] == m]
    p50[m] = (statistics.median(proc), statistics.median(inf))
print(f"{'tier':8} {'p50 processing':>15} {'p50 model':>10} {'outside':>8} {'/ falcon':>9}")
for m, (p, i) in p50.items():
    print(f"{m:8} {p:13.0f}ms {i:8.0f}ms {p - i:6.0f}ms {p / p50['falcon'][0]:9.2f}")
PY
echo "uptime after: $(uptime)"
