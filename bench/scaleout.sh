#!/usr/bin/env bash
# Scale-out benchmark: GET of a built VirtFusion server through HAProxy, running the shipped
# deploy/haproxy/haproxy.cfg rendered for loopback (test/scaleout/proxyconf), in front of one
# instance and in front of three, with TOKENS worlds whose requests bench/lua/tokens.lua
# spreads at random; and the one instance without the proxy, for the proxy's cost. The three
# setups run side by side and alternate round by round. Writes bench/results/scaleout.md.
#   SECS=5 ROUNDS=3 bench/scaleout.sh        (TOKENS=300 CONNS=64 THREADS=2)
# On a machine with fewer cores than instances, three instances cannot serve more than one:
# the figures show the proxy's overhead and how evenly the hash spreads the worlds.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SECS=${SECS:-5} ROUNDS=${ROUNDS:-3} TOKENS=${TOKENS:-300} CONNS=${CONNS:-64} THREADS=${THREADS:-2}
OUT=${OUT:-bench/results/scaleout.md}
cd "$(dirname "$0")/.."
for tool in wrk go haproxy curl; do
  command -v "$tool" >/dev/null || { echo "scaleout.sh: $tool is not installed" >&2; exit 1; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/panelsim-scaleout.XXXXXX")
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
note() { echo "# $*" >&2; }

note "building"
go build -o "$tmp/simulator" ./cmd/simulator
go build -o "$tmp/perfkit" ./bench/perfkit
go build -o "$tmp/proxyconf" ./test/scaleout/proxyconf
port() { "$tmp/perfkit" port; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
load_before=$(load)

declare -A VF SPEC
# instance NAME: start panelsim NAME on free loopback ports.
instance() {
  local name=$1 vf tn e24 osc
  vf=$(port) tn=$(port) e24=$(port) osc=$(port)
  "$tmp/simulator" serve --data "$tmp/$name.db" --any-token --clock manual --instance-name "$name" --log-level error \
    --virtfusion "127.0.0.1:$vf" --tenantos "127.0.0.1:$tn" --e24cloud "127.0.0.1:$e24" --openscaler "127.0.0.1:$osc" >/dev/null &
  pids+=($!)
  VF[$name]=$vf
  SPEC[$name]="virtfusion=$vf,tenantos=$tn,e24cloud=$e24,openscaler=$osc"
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$vf/_sim/health" && return; sleep 0.1; done
  echo "scaleout.sh: $name did not start" >&2; exit 1
}
# proxy LABEL INSTANCE...: HAProxy with the shipped configuration in front of the instances;
# sets PROXY[LABEL] to its VirtFusion port.
declare -A PROXY
proxy() {
  local label=$1 args=() listen vf
  shift
  vf=$(port)
  listen="8081=$vf,8082=$(port),8083=$(port),8084=$(port),8404=$(port)"
  for i in "$@"; do args+=(-instance "${SPEC[$i]}"); done
  "$tmp/proxyconf" -kind haproxy -in deploy/haproxy/haproxy.cfg -listen "$listen" "${args[@]}" >"$tmp/$label.cfg"
  haproxy -db -f "$tmp/$label.cfg" >"$tmp/$label.log" 2>&1 &
  pids+=($!)
  PROXY[$label]=$vf
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$vf/" && return; sleep 0.1; done
  echo "scaleout.sh: haproxy $label did not start" >&2; cat "$tmp/$label.log" >&2; exit 1
}

note "starting 4 instances and 2 proxies"
instance one
instance three-0
instance three-1
instance three-2
proxy one one
proxy three three-0 three-1 three-2

note "filling $TOKENS worlds through each proxy (a user, a server, its build)"
"$tmp/perfkit" tokens -n "$TOKENS" >"$tmp/tokens.txt"
ids=()
for label in one three; do
  while read -r token; do
    out=$("$tmp/perfkit" fill -url "http://127.0.0.1:${PROXY[$label]}" -token "$token" -servers 1 -build -c 1 2>/dev/null)
    ids+=("$(sed -n 's/^FIRST_ID=//p' <<<"$out")")
  done <"$tmp/tokens.txt"
done
id=${ids[0]}
for i in "${ids[@]}"; do [ "$i" = "$id" ] || { echo "scaleout.sh: worlds differ in their first server's id ($i, $id)" >&2; exit 1; }; done
spread=""
for name in three-0 three-1 three-2; do
  n=$(curl -sf "http://127.0.0.1:${VF[$name]}/_sim/health" | sed -n 's/.*"worlds":\([0-9]*\).*/\1/p')
  spread="$spread $name: $((n - 1)),"
done
spread=${spread%,}
note "worlds per instance behind the 3-instance proxy:$spread (each also has the default token's)"


declare -A URL=([direct]="http://127.0.0.1:${VF[one]}" [haproxy-1]="http://127.0.0.1:${PROXY[one]}" [haproxy-3]="http://127.0.0.1:${PROXY[three]}")
rows=()
for r in $(seq "$ROUNDS"); do
  for setup in direct haproxy-1 haproxy-3; do
    out=$(wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency -s bench/lua/tokens.lua "${URL[$setup]}" -- "$tmp/tokens.txt" "/api/v1/servers/$id" 2>&1)
    read -r req rps p50 p99 non se <<<"$(parse_wrk <<<"$out")"
    if [ "$non" != 0 ] || [ "$se" != 0 ] || [ "$req" = 0 ]; then
      echo "$out" >&2
      echo "scaleout.sh: $setup: $non non-2xx, $se socket errors, $req requests" >&2
      exit 1
    fi
    note "round $r $setup: $rps req/s, p50 $p50 ms, p99 $p99 ms"
    rows+=("| $r | $setup | $rps | $p50 | $p99 |")
  done
done
load_after=$(load)

{
  echo "# Scale-out: HAProxy in front of 1 and 3 instances"
  echo
  echo "bench/scaleout.sh, $(date -u +%Y-%m-%d), SECS=$SECS ROUNDS=$ROUNDS TOKENS=$TOKENS, wrk -t$THREADS -c$CONNS,"
  echo "GET /api/v1/servers/$id (a built server) with a bearer token drawn at random from $TOKENS"
  echo "worlds (bench/lua/tokens.lua). direct: the one instance without the proxy; haproxy-1: the"
  echo "shipped deploy/haproxy/haproxy.cfg in front of it; haproxy-3: the same in front of three"
  echo "instances. Rounds alternate between the setups, which run side by side."
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
  echo "shared with other work: load average $load_before before, $load_after after."
  echo "HAProxy $(haproxy -v | head -1 | awk '{print $3}'). Worlds per instance behind haproxy-3:$spread."
  echo
  echo "| round | setup | req/s | p50 ms | p99 ms |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} >"$OUT"
note "wrote $OUT"
