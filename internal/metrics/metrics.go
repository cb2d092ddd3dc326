// Package metrics is panelsim's Prometheus registry: every metric the simulator exports, and
// the handler that serves them at /metrics on every listener. Each simulator has a registry
// of its own (several can run in one process). The packages it measures never import
// Prometheus: they offer hooks (a func in their options, a field to set) that the simulator
// fills with the methods here. No metric carries a token or a world id as a label: every
// label takes its values from a bounded set (provider names, operationIds and route paths
// of the documents, status codes, task kinds, library scenarios).
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Names of the metrics panelsim exports (the Go and process collectors add their own).
const (
	RequestsTotal   = "panelsim_requests_total"
	RequestDuration = "panelsim_request_duration_seconds"
	Worlds          = "panelsim_worlds"
	TasksPending    = "panelsim_tasks_pending"
	TasksRunTotal   = "panelsim_tasks_run_total"
	RuleHitsTotal   = "panelsim_scenario_rule_hits_total"
	StoreSize       = "panelsim_store_size_bytes"
	CommitDuration  = "panelsim_store_commit_duration_seconds"
)

// Control is the provider label of the control API's calls (under /_sim), whatever the
// listener; their operation label is the route path.
const Control = "control"

// NoOperation is the operation label of a request that reached no operation and no route
// (an unknown path, a method the path does not take).
const NoOperation = "none"

// Buckets are the latency buckets in seconds: 0.1 ms to 10 s, about three to a decade.
var Buckets = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// Sources are the figures the registry reads when it is scraped.
type Sources struct {
	// Worlds is the number of worlds.
	Worlds func() int
	// TasksPending is the number of tasks waiting for their due time in every world.
	TasksPending func() int64
	// StoreBytes is the size of the store's file.
	StoreBytes func() int64
}

// Metrics is one simulator's registry and its instruments.
type Metrics struct {
	reg      *prometheus.Registry
	handler  http.Handler
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	tasksRun *prometheus.CounterVec
	ruleHits *prometheus.CounterVec
	commit   prometheus.Histogram
	ops      opTable
}

// New makes a registry with every panelsim metric, reading src when scraped, and Go's and
// the process's collectors.
func New(src Sources) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: RequestsTotal,
			Help: "API and control requests answered, by provider, operation and status code."},
			[]string{"provider", "operation", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: RequestDuration,
			Help: "Time from a request's arrival (its body read) to its answer, by provider and operation.", Buckets: Buckets},
			[]string{"provider", "operation"}),
		tasksRun: prometheus.NewCounterVec(prometheus.CounterOpts{Name: TasksRunTotal,
			Help: "Tasks carried out and committed when their world's clock reached them, by provider and task kind."},
			[]string{"provider", "kind"}),
		ruleHits: prometheus.NewCounterVec(prometheus.CounterOpts{Name: RuleHitsTotal,
			Help: `Scenario rules that fired, by provider and scenario ("posted" for a world's own scenarios).`},
			[]string{"provider", "scenario"}),
		commit: prometheus.NewHistogram(prometheus.HistogramOpts{Name: CommitDuration,
			Help: "Time of one commit of the store: the write transaction of its writers and the sync to disk.", Buckets: Buckets}),
	}
	m.ops.m = m
	m.reg.MustRegister(m.requests, m.duration, m.tasksRun, m.ruleHits, m.commit,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: Worlds, Help: "Worlds the simulator holds."},
			func() float64 { return float64(call(src.Worlds)) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: TasksPending, Help: "Tasks waiting for their due time, in every world."},
			func() float64 { return float64(call(src.TasksPending)) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: StoreSize, Help: "Size of the store's bbolt file."},
			func() float64 { return float64(call(src.StoreBytes)) }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

// call is f's figure, 0 when there is no f.
func call[T int | int64](f func() T) T {
	if f == nil {
		return 0
	}
	return f()
}

// Handler serves the registry in Prometheus's text format (or what the scraper asks for).
func (m *Metrics) Handler() http.Handler { return m.handler }

// Operation is the instruments of one operation of one provider, made on first use and kept:
// a request's observation allocates nothing once its operation and status were seen.
func (m *Metrics) Operation(provider, operation string) *Operation {
	return m.ops.get(provider, operation)
}

// TaskRun returns the function that counts one committed task of a provider's kind (the
// counter is made now, so every kind shows from the start).
func (m *Metrics) TaskRun(provider, kind string) func() {
	return m.tasksRun.WithLabelValues(provider, kind).Inc
}

// RuleHit counts a scenario rule that fired; scenario is a library scenario's name, or
// "posted" for a world's own (scenarios.Engine.OnFire says which).
func (m *Metrics) RuleHit(provider, scenario string) {
	m.ruleHits.WithLabelValues(provider, scenario).Inc()
}

// Commit records the duration of one commit of the store.
func (m *Metrics) Commit(d time.Duration) { m.commit.Observe(d.Seconds()) }
