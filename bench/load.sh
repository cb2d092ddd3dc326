#!/usr/bin/env bash
# Load test: GET one built VirtFusion server with wrk at 64 connections, against panelsim and,
# in the same run, against a static echo server answering the same bytes. Bounded in time;
# everything it starts stops with it. Needs wrk (apt-get install wrk).
#   bench/load.sh [seconds per run, default 10] [rounds, default 3]
set -euo pipefail
secs=${1:-10}
rounds=${2:-3}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
command -v wrk >/dev/null || { echo "load.sh: wrk is not installed (apt-get install wrk)"; exit 2; }
go build -o "$tmp/simulator" ./cmd/simulator
go build -o "$tmp/static" ./bench/static

wait_line() { # file key
  for _ in $(seq 100); do grep -q "^$2=" "$1" 2>/dev/null && break; sleep 0.1; done
  grep "^$2=" "$1" | head -1 | cut -d= -f2
}
"$tmp/simulator" --data "$tmp/db" --clock manual --virtfusion 127.0.0.1:0 --openscaler off --log-level error >"$tmp/sim.out" 2>&1 &
pids+=($!)
vf=$(wait_line "$tmp/sim.out" PANELSIM_VIRTFUSION_URL)
api="$vf/api/v1"
auth=(-H "Authorization: Bearer panelsim" -H "Content-Type: application/json")
user=$(curl -sf "${auth[@]}" -d '{"name":"Load","email":"load@example.com"}' "$api/users" | sed 's/.*"data":{"id":\([0-9]*\).*/\1/')
srv=$(curl -sf "${auth[@]}" -d "{\"packageId\":1,\"userId\":$user,\"hypervisorId\":1}" "$api/servers" | sed 's/.*"data":{"id":\([0-9]*\).*/\1/')
curl -sf "${auth[@]}" -d '{"operatingSystemId":1}' "$api/servers/$srv/build" >/dev/null
curl -sf -H "X-Panelsim-Token: panelsim" -H "Content-Type: application/json" -d '{"seconds":3600}' "$vf/_sim/clock/advance" >/dev/null
curl -sf "${auth[@]}" "$api/servers/$srv" >"$tmp/body.json"
"$tmp/static" -body "$tmp/body.json" >"$tmp/static.out" 2>&1 &
pids+=($!)
st=$(wait_line "$tmp/static.out" STATIC_URL)

echo "body: $(wc -c <"$tmp/body.json") bytes; wrk -t2 -c64 -d${secs}s, $rounds rounds, alternating"
for r in $(seq "$rounds"); do
  for target in static panelsim; do
    if [ "$target" = static ]; then url="$st/api/v1/servers/$srv"; else url="$api/servers/$srv"; fi
    out=$(wrk -t2 -c64 -d"${secs}s" --latency -H "Authorization: Bearer panelsim" "$url")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    printf "round %d %-9s %10s req/s  p50 %-8s p99 %-8s %s\n" "$r" "$target" "$rps" "$p50" "$p99" "${non2xx:+non-2xx: $non2xx}"
  done
done
