# Shell functions shared by bench/perf.sh and bench/scaleout.sh (sourced, not run).

# parse_wrk: wrk's output (with --latency) on stdin; prints "requests req/s p50-ms p99-ms
# non-2xx socket-errors" on one line.
parse_wrk() {
  awk '
  function ms(v) {
    if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
    if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
    if (v ~ /m$/) return substr(v, 1, length(v) - 1) * 60000
    if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
    return v + 0
  }
  / requests in / { req = $1 }
  /^Requests\/sec:/ { rps = $2 }
  $1 == "50%" { p50 = ms($2) }
  $1 == "99%" { p99 = ms($2) }
  /Non-2xx or 3xx responses:/ { non = $NF }
  /Socket errors:/ { gsub(",", ""); se = $4 + $6 + $8 + $10 }
  END { printf "%d %s %s %s %d %d\n", req, rps, p50, p99, non, se }'
}
