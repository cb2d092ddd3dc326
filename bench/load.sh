#!/usr/bin/env bash
# Load test: GET one built VirtFusion server with wrk at 64 connections, against panelsim and,
# in the same run, against a static echo server answering the same bytes. Bounded in time;
# everything it starts stops with it. Needs wrk (apt-get install wrk). When Prism is there
# (PRISM=path/to/prism, or prism on the PATH), it joins the rounds, mocking the same
# operation from the vendor's document in ../shared/reference:
#   npm install --prefix /tmp/prism @stoplight/prism-cli@5.14.2
#   PRISM=/tmp/prism/node_modules/.bin/prism bench/load.sh
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
targets=(static panelsim)
prism=${PRISM:-$(command -v prism || true)}
vendor=../shared/reference/virtfusion-openapi.yaml
if [ -n "$prism" ] && [ -f "$vendor" ]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$prism" mock -h 127.0.0.1 -p "$port" "$vendor" >/dev/null 2>&1 &
  pids+=($!)
  pr="http://127.0.0.1:$port"
  for _ in $(seq 300); do curl -sf -o /dev/null -H "Authorization: Bearer panelsim" "$pr/servers/$srv" && break; sleep 0.1; done
  targets+=(prism)
  echo "prism: $("$prism" --version) on $vendor ($(curl -s -H "Authorization: Bearer panelsim" "$pr/servers/$srv" | wc -c) bytes)"
fi

echo "body: $(wc -c <"$tmp/body.json") bytes; wrk -t2 -c64 -d${secs}s, $rounds rounds, alternating"
for r in $(seq "$rounds"); do
  for target in "${targets[@]}"; do
    case $target in
    static) url="$st/api/v1/servers/$srv" ;;
    panelsim) url="$api/servers/$srv" ;;
    prism) url="$pr/servers/$srv" ;;
    esac
    out=$(wrk -t2 -c64 -d"${secs}s" --latency -H "Authorization: Bearer panelsim" "$url")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    printf "round %d %-9s %10s req/s  p50 %-8s p99 %-8s %s\n" "$r" "$target" "$rps" "$p50" "$p99" "${non2xx:+non-2xx: $non2xx}"
  done
done
