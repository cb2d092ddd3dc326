#!/usr/bin/env bash
# Load test: GET one built VirtFusion server with wrk at 64 connections, against panelsim and,
# in the same run, against a static echo server answering the same bytes (and Prism when
# PRISM=path/to/prism or prism on the PATH, with ../shared/reference/virtfusion-openapi.yaml).
# It is row 1 of bench/perf.sh, which has the other rows, a base build (BASE_REF) and profiles:
#   npm install --prefix /tmp/prism @stoplight/prism-cli@5.14.2
#   PRISM=/tmp/prism/node_modules/.bin/prism bench/load.sh
#   bench/load.sh [seconds per run, default 10] [rounds, default 3]
set -euo pipefail
SECS=${1:-${SECS:-10}} ROUNDS=${2:-${ROUNDS:-3}} exec "$(dirname "$0")/perf.sh" 1
