# panelsim: the commands a developer needs. `make run` and `make test` work on a fresh
# machine with Go installed; Go modules come through the module proxy.
GO ?= go
ARGS ?=

.PHONY: run test bench load lint build acceptance docker

## run: the simulator with its embedded defaults (VirtFusion on 127.0.0.1:8081, Tenantos 8082, e24cloud 8083, OpenScaler 8084, token "panelsim")
run:
	$(GO) run ./cmd/simulator serve $(ARGS)

## test: vet, then every test with the race detector
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

## bench: the Go benchmarks (GET vs a static echo route, create+build, an advance over 500 builds, 10k servers, start-up)
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./bench | tee bench.out

## load: the performance rows of bench/perf.sh (wrk; panelsim against a static echo baseline, Prism
## when PRISM is set, and a simulator built from BASE_REF when set, all in the same run).
## ROW=1..6 for one row; SECS=2 ROUNDS=1 for a quick pass; needs wrk (apt-get install wrk)
SECS ?= 10
ROUNDS ?= 3
ROW ?= all
BASE_REF ?=
load:
	SECS=$(SECS) ROUNDS=$(ROUNDS) BASE_REF=$(BASE_REF) bench/perf.sh $(ROW)

## lint: formatting, vet and staticcheck
lint:
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

## build: a static binary in bin/
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w" -o bin/simulator ./cmd/simulator

## acceptance: the shared acceptance checks (needs ../shared beside the checkout)
acceptance:
	../shared/acceptance/run

docker:
	docker build -t panelsim .
