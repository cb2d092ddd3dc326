#!/usr/bin/env bash
# Performance harness: the rows of the performance issue, each measured as same-run ratios.
# In every round the targets run one after the other (alternating; the order is reversed in
# even rounds), and each table ends with the median of the rounds. A BASE simulator built from a git ref and the CURRENT checkout's
# simulator are measured in the same run, with the static echo baseline where a row has one.
#
#   bench/perf.sh ROW|all        ROW: 1 get, 2 list, 3 advance, 4 worlds, 5 create, 6 startup
#
#   1  GET one built VirtFusion server vs bench/static answering the same bytes (Prism too when
#      PRISM or prism on the PATH, and ../shared/reference/virtfusion-openapi.yaml, are there)
#   2  GET /servers?results=100 with SERVERS servers: first page, last page, every page in turn
#      (bench/lua/pages.lua), each vs bench/static serving the captured pages; BIG=1 adds
#      BIG_SERVERS servers in fresh processes
#   3  POST /_sim/clock/advance over BUILDS built servers (about 11 tasks each) while READERS
#      clients GET one server of the same world: advance wall time, GET p99 and max during it
#   4  WORLDS worlds under --any-token: RSS (VmRSS, RssAnon, RssFile), idle CPU and write_bytes
#      over IDLE_SECS, then GET with a random token of the WORLDS (bench/lua/tokens.lua) vs GET
#      with one token
#   5  wrk POST /servers (bench/lua/create.lua); create+build pairs/s at 1 and 64 clients
#   6  start-up with the four listeners: exec to the first URL line and to health 200, median
#
# Environment:
#   SECS=10 ROUNDS=3       seconds of each load run, alternating rounds (quick: SECS=2 ROUNDS=1)
#   BASE_REF=              a git ref to build the BASE simulator from ("merge-base": the merge
#                          base of HEAD with BASE_BRANCH, default main); empty: current only
#   CONNS=64 THREADS=2     wrk connections and threads; WRK_TIMEOUT=10s
#   SERVERS=10000 BIG=0 BIG_SERVERS=100000 (row 2); BUILDS=5000 READERS=2 ADVANCE=3600 (row 3;
#                          its profile covers the first ADVANCE_PROFILE_SECS=30 of the advance)
#   WORLDS=10000 SETTLE_SECS=6 IDLE_SECS=10 (row 4); STARTS=5 starts a round (row 6)
#   PROFILE=1              also a CPU profile of each simulator in rows 1-4, during an extra run
#                          (not in the tables), from its --pprof listener, into
#                          PROFILE_DIR/<row>[-<variant>]-<label>.txt (default bench/profiles),
#                          label BASE_LABEL (base) or CURRENT_LABEL (current); PROFILE_SECS=SECS
#   CURRENT_ARGS=          more flags for the current simulator only (CURRENT_ARGS="--answer-cache 0":
#                          every read worked out afresh)
#   PERF_TMP=$TMPDIR       where the data files go (a real disk: writes fsync)
#
# CPU per request: utime+stime of the server process (/proc/PID/stat fields 14 and 15, in
# CLK_TCK ticks) before and after each run, over the requests wrk reports. Any non-2xx answer
# or socket error (connect, read, write, timeout) stops the script with a non-zero status.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
row=${1:-all}
case $row in 1 | 2 | 3 | 4 | 5 | 6 | all) ;; *)
  sed -n '2,/^set -euo/p' "$0" | sed '$d;s/^# \{0,1\}//'
  exit 2
  ;;
esac
SECS=${SECS:-10}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}
BASE_REF=${BASE_REF:-}
BASE_BRANCH=${BASE_BRANCH:-main}
SERVERS=${SERVERS:-10000}
BIG=${BIG:-0}
BIG_SERVERS=${BIG_SERVERS:-100000}
BUILDS=${BUILDS:-5000}
READERS=${READERS:-2}
ADVANCE=${ADVANCE:-3600}
ADVANCE_PROFILE_SECS=${ADVANCE_PROFILE_SECS:-30}
WORLDS=${WORLDS:-10000}
SETTLE_SECS=${SETTLE_SECS:-6}
IDLE_SECS=${IDLE_SECS:-10}
STARTS=${STARTS:-5}
PROFILE=${PROFILE:-0}
PROFILE_SECS=${PROFILE_SECS:-$SECS}
BASE_LABEL=${BASE_LABEL:-base}
CURRENT_LABEL=${CURRENT_LABEL:-current}
LOG_LEVEL=${LOG_LEVEL:-error}

cd "$(dirname "$0")/.."
repo=$(pwd)
PROFILE_DIR=${PROFILE_DIR:-$repo/bench/profiles}
HZ=$(getconf CLK_TCK)
tmp=$(mktemp -d "${PERF_TMP:-${TMPDIR:-/tmp}}/panelsim-perf.XXXXXX")
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
  echo "perf.sh: $*" >&2
  exit 1
}
forget() { # PID: no longer ours to end (reaped)
  local p keep=()
  for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  pids=("${keep[@]}")
}
note() { echo "# $*" >&2; }
for tool in wrk go curl git; do
  command -v "$tool" >/dev/null || die "$tool is not installed (wrk: apt-get install wrk)"
done

# --- binaries -------------------------------------------------------------------------------
declare -A BIN FIX LABEL REV
mkdir -p "$tmp/bin"
note "building current, bench/static and bench/perfkit"
go build -o "$tmp/bin/current" ./cmd/simulator
go build -o "$tmp/bin/static" ./bench/static
go build -o "$tmp/bin/perfkit" ./bench/perfkit
kit=$tmp/bin/perfkit
BIN[current]=$tmp/bin/current
LABEL[current]=$CURRENT_LABEL
REV[current]="$(git describe --always --dirty 2>/dev/null || echo unknown) (this checkout)"
SIMS=()
if [ -n "$BASE_REF" ]; then
  ref=$BASE_REF
  [ "$ref" = merge-base ] && ref=$(git merge-base HEAD "$BASE_BRANCH")
  rev=$(git rev-parse --verify "$ref^{commit}") || die "BASE_REF $BASE_REF is not a commit"
  note "building base from $rev"
  mkdir -p "$tmp/base-src"
  git archive "$rev" | tar -x -C "$tmp/base-src"
  (cd "$tmp/base-src" && go build -o "$tmp/bin/base" ./cmd/simulator)
  BIN[base]=$tmp/bin/base
  LABEL[base]=$BASE_LABEL
  REV[base]="$(git log -1 --format='%h %s' "$rev" | cut -c1-70)"
  SIMS+=(base)
fi
SIMS+=(current)

# bigfix SRC OUT: the fixtures of the checkout SRC with hypervisors and IP blocks big enough
# for 100,000+ servers (as bench/bench_test.go bigFixtures); only the changed file is written.
bigfix() {
  mkdir -p "$2/virtfusion"
  sed -e 's/maxMemory: 65536/maxMemory: 1000000000/g' -e 's/maxCpu: 32/maxCpu: 100000000/g' \
    -e 's/storage: 2000/storage: 1000000000/g' \
    -e 's/{start: 198.51.100.10, end: 198.51.100.250}/{start: 10.0.0.1, end: 10.255.255.254}/' \
    "$1/fixtures/virtfusion/world.yaml" >"$2/virtfusion/world.yaml"
  grep -q 'maxMemory: 1000000000' "$2/virtfusion/world.yaml" && grep -q '10.255.255.254' "$2/virtfusion/world.yaml" ||
    die "the fixtures of $1 no longer have the hypervisor and IP block lines to enlarge"
}
bigfix "$repo" "$tmp/fix-current"
FIX[current]=$tmp/fix-current
if [ -n "${BIN[base]:-}" ]; then
  bigfix "$tmp/base-src" "$tmp/fix-base"
  FIX[base]=$tmp/fix-base
fi

# --- processes ------------------------------------------------------------------------------
declare -A PID URL PPORT
wait_line() { # file key pid
  local i
  for i in $(seq 300); do
    grep -q "^$2=" "$1" 2>/dev/null && break
    kill -0 "$3" 2>/dev/null || break
    sleep 0.1
  done
  grep -q "^$2=" "$1" 2>/dev/null || {
    cat "$1" "${1%.out}.err" >&2 2>/dev/null || true
    die "no $2 line in $1"
  }
  grep "^$2=" "$1" | head -1 | cut -d= -f2
}

# start_sim NAME WHICH [flags...]: a simulator (VirtFusion only, manual clock) on a new data file.
start_sim() {
  local name=$1 which=$2
  shift 2
  local extra=()
  if [ "$PROFILE" = 1 ]; then
    local help
    help=$("${BIN[$which]}" serve --help 2>&1 || true)
    if [[ $help == *--pprof* ]]; then
      PPORT[$name]=$("$kit" port)
      extra+=(--pprof "127.0.0.1:${PPORT[$name]}")
    else
      note "$which has no --pprof: not profiled"
    fi
  fi
  if [[ $which == current && -n ${CURRENT_ARGS:-} ]]; then
    read -ra more <<<"$CURRENT_ARGS"
    extra+=("${more[@]}")
  fi
  "${BIN[$which]}" --data "$tmp/$name.db" --clock manual --virtfusion 127.0.0.1:0 --tenantos off --e24cloud off \
    --openscaler off --log-level "$LOG_LEVEL" "${extra[@]}" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  PID[$name]=$!
  pids+=($!)
  URL[$name]=$(wait_line "$tmp/$name.out" PANELSIM_VIRTFUSION_URL "${PID[$name]}")
}

start_static() { # NAME static-flags...
  local name=$1
  shift
  "$tmp/bin/static" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  PID[$name]=$!
  pids+=($!)
  URL[$name]=$(wait_line "$tmp/$name.out" STATIC_URL "${PID[$name]}")
}

stop() { # NAME: SIGTERM, wait, data file removed
  local p=${PID[$1]}
  kill "$p" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  forget "$p"
  rm -f "$tmp/$1.db"
}

ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; } # utime+stime (fields 14, 15)
wbytes() { awk '/^write_bytes/ {print $2}' "/proc/$1/io"; }
memkb() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }
cpu_us() { awk -v a="$1" -v b="$2" -v n="$3" -v hz="$HZ" 'BEGIN {printf "%.1f", (b - a) * 1e6 / hz / n}'; }

tsv=$tmp/results.tsv
: >"$tsv"
record() { # group round target ref peer values...
  local IFS=$'\t'
  echo "$*" >>"$tsv"
}


# run_wrk GROUP ROUND TARGET REF PEER PROCNAME URL [wrk options] [-- script args]: one wrk run
# against the process PROCNAME, recorded in GROUP unless GROUP is "-"; DUR overrides SECS.
run_wrk() {
  local group=$1 round=$2 target=$3 ref=$4 peer=$5 name=$6 url=$7
  shift 7
  local pid=${PID[$name]} t0 t1 out req rps p50 p99 non se cpu opts=() sargs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1") && shift; done
  [ $# -eq 0 ] || { shift && sargs=(-- "$@"); }
  t0=$(ticks "$pid")
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DUR:-$SECS}s" --timeout "$WRK_TIMEOUT" --latency "${opts[@]}" "$url" "${sargs[@]}" 2>&1) || {
    echo "$out" >&2
    die "wrk failed against $target ($url)"
  }
  t1=$(ticks "$pid")
  read -r req rps p50 p99 non se <<<"$(parse_wrk <<<"$out")"
  if [ "$non" != 0 ] || [ "$se" != 0 ] || [ "$req" = 0 ]; then
    echo "$out" >&2
    die "$target ($url): $non non-2xx answers, $se socket errors, $req requests"
  fi
  cpu=$(cpu_us "$t0" "$t1" "$req")
  printf '#   %-10s round %-2s %-18s %10s req/s  p50 %7s ms  p99 %7s ms  %8s CPU µs/req  (%s requests, 0 non-2xx, 0 socket errors)\n' \
    "$group" "$round" "$target" "$rps" "$p50" "$p99" "$cpu" "$req" >&2
  [ "$group" = - ] || record "$group" "$round" "$target" "$ref" "$peer" "$rps" "$p50" "$p99" "$cpu"
}

# profile FILE PROCNAME COMMAND...: a CPU profile of PROCNAME over PROFILE_SECS while COMMAND runs.
profile() {
  local file=$1 name=$2
  shift 2
  if [ -z "${PPORT[$name]:-}" ]; then
    "$@" >/dev/null
    return
  fi
  mkdir -p "$(dirname "$file")" "$tmp/pprof"
  PPROF_TMPDIR=$tmp/pprof go tool pprof -top -nodecount=40 \
    "http://127.0.0.1:${PPORT[$name]}/debug/pprof/profile?seconds=$PROFILE_SECS" >"$file.tmp" 2>"$tmp/pprof.err" &
  local pp=$!
  pids+=($pp)
  sleep 0.3
  "$@" >/dev/null
  wait "$pp" || die "pprof of $name failed: $(cat "$tmp/pprof.err")"
  forget "$pp"
  mv "$file.tmp" "$file"
  note "profile: ${file#"$repo"/}"
}
profile_wrk() { # FILE PROCNAME URL [wrk args]: an unrecorded wrk run one second longer than the profile
  local file=$1 name=$2
  shift 2
  DUR=$((PROFILE_SECS + 1)) profile "$file" "$name" run_wrk - p "$name" "" "" "$name" "$@"
}

kitvars() { # perfkit SUBCOMMAND flags...: its KEY=VALUE lines become shell variables
  local out
  out=$("$kit" "$@") || die "perfkit $1 failed"
  eval "$out"
}
table() { # GROUP [perfkit table flags]
  local g=$1
  shift
  echo
  echo "**$g**"
  echo
  "$kit" table -in "$tsv" -group "$g" "$@"
}
alternate() { # ROUND TARGETS...: the targets in order, reversed in even rounds (no target always first)
  local r=$1
  shift
  if [ $((r % 2)) -eq 0 ]; then
    local i
    for ((i = $#; i >= 1; i--)); do echo "${!i}"; done
  else
    printf '%s\n' "$@"
  fi
}
peer_of() { [ "$1" = current ] && [ -n "${BIN[base]:-}" ] && echo base || true; }
auth=(-H "Authorization: Bearer panelsim")
ctl=(-H "X-Panelsim-Token: panelsim" -H "Content-Type: application/json")

header() {
  echo
  echo "## Row $1"
  echo
  echo "\`bench/perf.sh $row\` with SECS=$SECS ROUNDS=$ROUNDS CONNS=$CONNS THREADS=$THREADS BASE_REF=${BASE_REF:-(none)} $2"
  echo
  local s
  for s in "${SIMS[@]}"; do echo "- $s: ${REV[$s]}"; done
  echo "- $(nproc) CPUs, $(uname -r), $(go version | cut -d' ' -f3), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
}

# --- row 1: GET one built server ------------------------------------------------------------
row1() {
  local s id="" body r prism="" pr="" vendor=../shared/reference/virtfusion-openapi.yaml
  for s in "${SIMS[@]}"; do
    start_sim "r1-$s" "$s"
    kitvars fill -url "${URL[r1-$s]}" -servers 1 -build -c 1
    [ -z "$id" ] || [ "$id" = "$FIRST_ID" ] || die "row 1: server ids differ ($id, $FIRST_ID)"
    id=$FIRST_ID
    curl -sf "${ctl[@]}" -d '{"seconds":3600}' "${URL[r1-$s]}/_sim/clock/advance" >/dev/null
    curl -sf "${auth[@]}" "${URL[r1-$s]}/api/v1/servers/$id" >"$tmp/r1-$s.json"
  done
  start_static r1-static -body "$tmp/r1-current.json"
  local targets=(static)
  prism=${PRISM:-$(command -v prism || true)}
  if [ -n "$prism" ] && [ -f "$vendor" ]; then
    local port
    port=$("$kit" port)
    "$prism" mock -h 127.0.0.1 -p "$port" "$vendor" >/dev/null 2>&1 &
    PID[r1-prism]=$!
    pids+=($!)
    pr="http://127.0.0.1:$port"
    for _ in $(seq 300); do curl -sf -o /dev/null "${auth[@]}" "$pr/servers/$id" && break; sleep 0.1; done
    targets+=(prism)
  fi
  targets+=("${SIMS[@]}")
  header 1 "(GET /api/v1/servers/$id of a built server; wrk -t$THREADS -c$CONNS --latency)"
  for s in "${SIMS[@]}"; do echo "- $s answer: $(wc -c <"$tmp/r1-$s.json") bytes"; done
  echo "- static: bench/static -body (the current answer)${prism:+; prism: $("$prism" --version) on $vendor}"
  for r in $(seq "$ROUNDS"); do
    for s in $(alternate "$r" "${targets[@]}"); do
      case $s in
      static) run_wrk 1 "$r" static "" "" r1-static "${URL[r1-static]}/api/v1/servers/$id" "${auth[@]}" ;;
      prism) run_wrk 1 "$r" prism static "" r1-prism "$pr/servers/$id" "${auth[@]}" ;;
      *) run_wrk 1 "$r" "$s" static "$(peer_of "$s")" "r1-$s" "${URL[r1-$s]}/api/v1/servers/$id" "${auth[@]}" ;;
      esac
    done
  done
  table 1 -refname static
  if [ "$PROFILE" = 1 ]; then
    for s in "${SIMS[@]}"; do
      profile_wrk "$PROFILE_DIR/1-${LABEL[$s]}.txt" "r1-$s" "${URL[r1-$s]}/api/v1/servers/$id" "${auth[@]}"
    done
  fi
  for s in "${SIMS[@]}" static; do stop "r1-$s"; done
  [ -z "$pr" ] || stop r1-prism
}

# --- row 2: list pages ----------------------------------------------------------------------
row2_phase() { # SERVERS TAG
  local n=$1 tag=$2 s last="" r v
  for s in "${SIMS[@]}"; do
    start_sim "r2$tag-$s" "$s" --fixtures "${FIX[$s]}"
    note "row 2: $n servers into $s"
    "$kit" fill -url "${URL[r2$tag-$s]}" -servers "$n" -c 64 >/dev/null
    local lp
    lp=$(curl -sf "${auth[@]}" "${URL[r2$tag-$s]}/api/v1/servers?results=100&page=1" | grep -o '"last_page":[0-9]*' | cut -d: -f2)
    [ -z "$last" ] || [ "$last" = "$lp" ] || die "row 2: last pages differ ($last, $lp)"
    last=$lp
  done
  local src=r2$tag-current
  note "row 2: capturing $last pages from current"
  "$kit" capture -url "${URL[$src]}" -out "$tmp/pages$tag" -pages "$last" -results 100
  start_static "r2$tag-static" -dir "$tmp/pages$tag"
  local g=2$tag
  header "$g" "(GET /api/v1/servers?results=100&page=N with $n servers, $last pages; static: bench/static -dir with every page captured from current)"
  for s in "${SIMS[@]}"; do
    echo "- $s: page 1 $(curl -sf "${auth[@]}" "${URL[r2$tag-$s]}/api/v1/servers?results=100&page=1" | wc -c) bytes, page $last $(curl -sf "${auth[@]}" "${URL[r2$tag-$s]}/api/v1/servers?results=100&page=$last" | wc -c) bytes"
  done
  echo "- rotating: bench/lua/pages.lua, pages 1..$last in turn"
  for r in $(seq "$ROUNDS"); do
    for v in first last rotate; do
      for s in $(alternate "$r" static "${SIMS[@]}"); do
        local ref="" peer=""
        [ "$s" = static ] || { ref=static; peer=$(peer_of "$s"); }
        case $v in
        first) run_wrk "$g-first" "$r" "$s" "$ref" "$peer" "r2$tag-$s" "${URL[r2$tag-$s]}/api/v1/servers?results=100&page=1" "${auth[@]}" ;;
        last) run_wrk "$g-last" "$r" "$s" "$ref" "$peer" "r2$tag-$s" "${URL[r2$tag-$s]}/api/v1/servers?results=100&page=$last" "${auth[@]}" ;;
        rotate) run_wrk "$g-rotate" "$r" "$s" "$ref" "$peer" "r2$tag-$s" "${URL[r2$tag-$s]}" "${auth[@]}" -s bench/lua/pages.lua -- "$last" 100 ;;
        esac
      done
    done
  done
  for v in first last rotate; do table "$g-$v" -refname static; done
  if [ "$PROFILE" = 1 ]; then
    for s in "${SIMS[@]}"; do
      profile_wrk "$PROFILE_DIR/$g-first-${LABEL[$s]}.txt" "r2$tag-$s" "${URL[r2$tag-$s]}/api/v1/servers?results=100&page=1" "${auth[@]}"
      profile_wrk "$PROFILE_DIR/$g-last-${LABEL[$s]}.txt" "r2$tag-$s" "${URL[r2$tag-$s]}/api/v1/servers?results=100&page=$last" "${auth[@]}"
      profile_wrk "$PROFILE_DIR/$g-rotate-${LABEL[$s]}.txt" "r2$tag-$s" "${URL[r2$tag-$s]}" "${auth[@]}" -s bench/lua/pages.lua -- "$last" 100
    done
  fi
  for s in "${SIMS[@]}" static; do stop "r2$tag-$s"; done
  rm -rf "$tmp/pages$tag"
}
row2() {
  row2_phase "$SERVERS" ""
  [ "$BIG" != 1 ] || row2_phase "$BIG_SERVERS" -big
}

# --- row 3: clock advance under reads -------------------------------------------------------
row3_once() { # WHICH NAME [profile file]
  local s=$1 name=$2 t0 t1
  # an advance can take longer than the default --write-timeout (60 s), which would cut its answer
  start_sim "$name" "$s" --fixtures "${FIX[$s]}" --write-timeout 1h
  note "row 3: $BUILDS servers created and built in $s"
  kitvars fill -url "${URL[$name]}" -servers "$BUILDS" -build -c 64
  local pending
  pending=$(curl -sf "${ctl[@]}" "${URL[$name]}/_sim/clock" | grep -o '"pendingTasks":[0-9]*' | cut -d: -f2)
  t0=$(ticks "${PID[$name]}")
  if [ -n "${3:-}" ]; then
    PROFILE_SECS=$ADVANCE_PROFILE_SECS profile "$3" "$name" "$kit" advance -url "${URL[$name]}" -id "$FIRST_ID" -seconds "$ADVANCE" -c "$READERS"
  else
    "$kit" advance -url "${URL[$name]}" -id "$FIRST_ID" -seconds "$ADVANCE" -c "$READERS" >"$tmp/adv.out"
  fi
  t1=$(ticks "${PID[$name]}")
  stop "$name"
  [ -z "${3:-}" ] || return 0
  eval "$(cat "$tmp/adv.out")"
  local cpu
  cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$HZ" 'BEGIN {printf "%.2f", (b - a) / hz}')
  note "row 3: $s: $pending pending, advance $ADVANCE_MS ms ran $TASKS_RUN tasks; $GETS_DURING GETs during it: p50 $DURING_P50_MS p99 $DURING_P99_MS max $DURING_MAX_MS ms"
  record 3 "$r" "$s" "" "$(peer_of "$s")" "$ADVANCE_MS" "$TASKS_RUN" "$cpu" "$GETS_DURING" "$DURING_P50_MS" "$DURING_P99_MS" "$DURING_MAX_MS" "$BEFORE_P99_MS"
}
row3() {
  local r s
  header 3 "(POST /_sim/clock/advance {\"seconds\":$ADVANCE} over $BUILDS built servers, each round on a new data file, while $READERS clients GET /api/v1/servers/{first} in a loop)"
  echo "- GETs during: every GET in flight at some moment of the advance; before: those of the second before"
  for r in $(seq "$ROUNDS"); do
    for s in $(alternate "$r" "${SIMS[@]}"); do row3_once "$s" "r3-$s-$r"; done
  done
  table 3 -cols "advance ms,tasks run,CPU s,GETs during,GET p50 ms,GET p99 ms,GET max ms,GET p99 before ms" -ratio 0,5,6
  if [ "$PROFILE" = 1 ]; then
    for s in "${SIMS[@]}"; do row3_once "$s" "r3-$s-prof" "$PROFILE_DIR/3-${LABEL[$s]}.txt"; done
  fi
}

# --- row 4: many worlds ---------------------------------------------------------------------
mem_line() { # GROUP TARGET PROCNAME worlds/s: RSS now, then idle CPU and write_bytes over IDLE_SECS
  local pid=${PID[$3]} rss anon file t0 t1 w0 w1
  rss=$(memkb "$pid" VmRSS)
  anon=$(memkb "$pid" RssAnon)
  file=$(memkb "$pid" RssFile)
  t0=$(ticks "$pid")
  w0=$(wbytes "$pid")
  sleep "$IDLE_SECS"
  t1=$(ticks "$pid")
  w1=$(wbytes "$pid")
  local idle
  idle=$(awk -v a="$t0" -v b="$t1" -v hz="$HZ" -v s="$IDLE_SECS" 'BEGIN {printf "%.2f", (b - a) / hz / s * 100}')
  note "row 4: $2: VmRSS $rss kB, RssAnon $anon kB, RssFile $file kB; idle $idle % of a core, $((w1 - w0)) bytes written in $IDLE_SECS s"
  local which=${2%% *} peer
  peer=$(peer_of "$which")
  [ -z "$peer" ] || peer=$peer${2#"$which"}
  record "$1" 1 "$2" "" "$peer" "$4" "$((rss / 1024))" "$((anon / 1024))" "$((file / 1024))" "$idle" "$((w1 - w0))"
}
row4() {
  local s r path=/api/v1/compute/hypervisors/1
  "$kit" tokens -n "$WORLDS" >"$tmp/tokens"
  head -1 "$tmp/tokens" >"$tmp/token1"
  for s in "${SIMS[@]}"; do
    start_sim "r4-$s" "$s" --any-token
    note "row 4: $WORLDS worlds in $s"
    kitvars worlds -url "${URL[r4-$s]}" -tokens "$tmp/tokens" -c 16
    local h
    h=$(curl -sf "${URL[r4-$s]}/_sim/health" | grep -o '"worlds":[0-9]*' | cut -d: -f2)
    [ "$h" -ge "$WORLDS" ] || die "row 4: $s has $h worlds, want $WORLDS"
    note "row 4: $s: $WORLDS worlds in $WORLDS_SECS s; settling $SETTLE_SECS s"
    sleep "$SETTLE_SECS"
    mem_line 4-mem "$s" "r4-$s" "$WORLDS_PER_SEC"
  done
  header 4 "(--any-token; $WORLDS worlds made by GET /api/v1/servers?results=1 with a new random token each, 16 clients; then GET $path with a random one of those tokens (bench/lua/tokens.lua) vs with one token (the same script, a file of one token))"
  echo "- memory and idle: after the worlds are made and $SETTLE_SECS s of settling, idle over $IDLE_SECS s; \"after load\": the same after the throughput rounds"
  echo "- answer: $(curl -sf -H "Authorization: Bearer $(cat "$tmp/token1")" "${URL[r4-current]}$path" | wc -c) bytes"
  for r in $(seq "$ROUNDS"); do
    for s in $(alternate "$r" "${SIMS[@]}"); do
      local p
      p=$(peer_of "$s")
      run_wrk 4 "$r" "$s-one" "" "${p:+$p-one}" "r4-$s" "${URL[r4-$s]}$path" -s bench/lua/tokens.lua -- "$tmp/token1" "$path"
      run_wrk 4 "$r" "$s-random" "$s-one" "${p:+$p-random}" "r4-$s" "${URL[r4-$s]}$path" -s bench/lua/tokens.lua -- "$tmp/tokens" "$path"
    done
  done
  for s in "${SIMS[@]}"; do mem_line 4-mem "$s (after load)" "r4-$s" ""; done
  table 4-mem -cols "worlds made/s,VmRSS MB,RssAnon MB,RssFile MB,idle % of a core,write_bytes idle" -ratio 1,2,3,4
  table 4 -refname one-world
  if [ "$PROFILE" = 1 ]; then
    for s in "${SIMS[@]}"; do
      profile_wrk "$PROFILE_DIR/4-random-${LABEL[$s]}.txt" "r4-$s" "${URL[r4-$s]}$path" -s bench/lua/tokens.lua -- "$tmp/tokens" "$path"
      profile_wrk "$PROFILE_DIR/4-one-${LABEL[$s]}.txt" "r4-$s" "${URL[r4-$s]}$path" -s bench/lua/tokens.lua -- "$tmp/token1" "$path"
    done
  fi
  for s in "${SIMS[@]}"; do stop "r4-$s"; done
}

# --- row 5: create --------------------------------------------------------------------------
# run_pairs ROUND TARGET REF PEER NAME URL CONNS USER: create+build pairs by wrk
# (bench/lua/pairs.lua) at CONNS connections; pairs/s are the completed builds over wrk's run.
run_pairs() {
  local round=$1 target=$2 ref=$3 peer=$4 name=$5 url=$6 conns=$7 user=$8
  local pid=${PID[$name]} t0 t1 out req rps p50 p99 non se pairs pps cpu threads=$THREADS
  [ "$conns" -ge "$threads" ] || threads=$conns
  t0=$(ticks "$pid")
  out=$(wrk -t"$threads" -c"$conns" -d"${SECS}s" --timeout "$WRK_TIMEOUT" --latency "${auth[@]}" -s bench/lua/pairs.lua "$url" -- "$user" 2>&1) || {
    echo "$out" >&2
    die "wrk pairs failed against $target ($url)"
  }
  t1=$(ticks "$pid")
  read -r req rps p50 p99 non se <<<"$(parse_wrk <<<"$out")"
  pairs=$(sed -n 's/^PAIRS=//p' <<<"$out")
  if [ "$non" != 0 ] || [ "$se" != 0 ] || [ -z "$pairs" ] || [ "$pairs" = 0 ]; then
    echo "$out" >&2
    die "$target ($url): $non non-2xx answers, $se socket errors, ${pairs:-no} pairs"
  fi
  pps=$(awk -v p="$pairs" -v req="$req" -v rps="$rps" 'BEGIN {printf "%.1f", p * rps / req}') # over wrk's own duration
  cpu=$(cpu_us "$t0" "$t1" "$pairs")
  note "  5-pairs-c$conns round $round $target: $pps pairs/s (requests p50 $p50 p99 $p99 ms), $cpu CPU µs/pair"
  record "5-pairs-c$conns" "$round" "$target" "$ref" "$peer" "$pps" "$p50" "$p99" "$cpu"
}

row5() {
  local s r c
  declare -A user
  for s in "${SIMS[@]}"; do
    start_sim "r5-$s" "$s" --fixtures "${FIX[$s]}"
    kitvars fill -url "${URL[r5-$s]}" -servers 0
    user[$s]=$USER_ID
  done
  header 5 "(wrk POST /api/v1/servers, bench/lua/create.lua; create+build pairs by wrk with bench/lua/pairs.lua at 1 and $CONNS connections, each request the build of a server its thread created or else a create, a completed build a pair; one process per binary for all rounds, so the world grows)"
  for r in $(seq "$ROUNDS"); do
    for s in $(alternate "$r" "${SIMS[@]}"); do
      run_wrk 5-create "$r" "$s" "" "$(peer_of "$s")" "r5-$s" "${URL[r5-$s]}" "${auth[@]}" -s bench/lua/create.lua -- "${user[$s]}"
      for c in 1 "$CONNS"; do run_pairs "$r" "$s" "" "$(peer_of "$s")" "r5-$s" "${URL[r5-$s]}" "$c" "${user[$s]}"; done
    done
  done
  table 5-create
  table 5-pairs-c1 -cols "pairs/s,request p50 ms,request p99 ms,CPU µs/pair"
  table "5-pairs-c$CONNS" -cols "pairs/s,request p50 ms,request p99 ms,CPU µs/pair"
  for s in "${SIMS[@]}"; do stop "r5-$s"; done
}

# --- row 6: start-up ------------------------------------------------------------------------
row6() {
  local s r
  header 6 "(exec with --virtfusion, --tenantos, --e24cloud, --openscaler on 127.0.0.1:0 and a new data file, until the first PANELSIM_*_URL line and until GET /_sim/health on it answers 200; median of $STARTS starts a round)"
  for r in $(seq "$ROUNDS"); do
    for s in $(alternate "$r" "${SIMS[@]}"); do
      kitvars startup -bin "${BIN[$s]}" -n "$STARTS" -dir "$tmp"
      note "  6 round $r $s: first URL line $URL_MS ms, health 200 $HEALTH_MS ms"
      record 6 "$r" "$s" "" "$(peer_of "$s")" "$URL_MS" "$HEALTH_MS"
    done
  done
  table 6 -cols "first URL line ms,health 200 ms" -ratio 0,1
}

echo "# panelsim performance rows ($(date -u +%Y-%m-%dT%H:%MZ))"
if [ "$row" = all ]; then
  for n in 1 2 3 4 5 6; do "row$n"; done
else
  "row$row"
fi
