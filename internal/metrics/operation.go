package metrics

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// opKey names an operation of a provider.
type opKey struct{ provider, operation string }

// opTable keeps the Operation of each provider and operation seen. Readers load the map
// without a lock; a new operation replaces it with a copy (operations are a bounded set,
// seen once each).
type opTable struct {
	m   *Metrics
	mu  sync.Mutex
	ops atomic.Pointer[map[opKey]*Operation]
}

func (t *opTable) get(provider, operation string) *Operation {
	k := opKey{provider, operation}
	if ops := t.ops.Load(); ops != nil {
		if o := (*ops)[k]; o != nil {
			return o
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	old := t.ops.Load()
	if old != nil {
		if o := (*old)[k]; o != nil {
			return o
		}
	}
	o := &Operation{requests: t.m.requests, provider: provider, operation: operation,
		latency: t.m.duration.WithLabelValues(provider, operation)}
	next := make(map[opKey]*Operation, 1+lenOf(old))
	if old != nil {
		for k, v := range *old {
			next[k] = v
		}
	}
	next[k] = o
	t.ops.Store(&next)
	return o
}

func lenOf(m *map[opKey]*Operation) int {
	if m == nil {
		return 0
	}
	return len(*m)
}

// Operation is the request counters (one per status code seen) and the latency histogram of
// one provider's operation.
type Operation struct {
	requests            *prometheus.CounterVec
	provider, operation string
	latency             prometheus.Observer
	mu                  sync.Mutex
	codes               atomic.Pointer[[]codeCounter] // replaced, never changed in place
}

// codeCounter is the request counter of one status code.
type codeCounter struct {
	code int
	c    prometheus.Counter
}

// Observe counts one request answered with status code after d.
func (o *Operation) Observe(code int, d time.Duration) {
	o.counter(code).Inc()
	o.latency.Observe(d.Seconds())
}

// counter is the request counter of code, made on its first request.
func (o *Operation) counter(code int) prometheus.Counter {
	if codes := o.codes.Load(); codes != nil {
		for _, cc := range *codes {
			if cc.code == code {
				return cc.c
			}
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	var old []codeCounter
	if codes := o.codes.Load(); codes != nil {
		old = *codes
	}
	for _, cc := range old {
		if cc.code == code {
			return cc.c
		}
	}
	c := o.requests.WithLabelValues(o.provider, o.operation, strconv.Itoa(code))
	next := append(append(make([]codeCounter, 0, len(old)+1), old...), codeCounter{code, c})
	o.codes.Store(&next)
	return c
}
