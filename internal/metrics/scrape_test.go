package metrics_test

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/panelsim/panelsim/simtest"
)

// scrape GETs a listener's /metrics and parses it as Prometheus's text format.
func scrape(t *testing.T, root string) map[string]*dto.MetricFamily {
	t.Helper()
	req, err := http.NewRequest("GET", root+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/plain")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		body, _ := io.ReadAll(res.Body)
		t.Fatalf("GET %s/metrics: %d %s: %.300s", root, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("parse %s/metrics: %v", root, err)
	}
	return fams
}

// labels reads "k=v,k=v".
func labels(s string) map[string]string {
	out := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			out[k] = v
		}
	}
	return out
}

// series is the metric of family name whose labels include want ("k=v,k=v"), nil when none.
func series(fams map[string]*dto.MetricFamily, name, want string) *dto.Metric {
	f := fams[name]
	if f == nil {
		return nil
	}
	w := labels(want)
next:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		if len(have) != len(w) {
			continue
		}
		for k, v := range w {
			if have[k] != v {
				continue next
			}
		}
		return m
	}
	return nil
}

// value is a counter's or gauge's value (0 when the series does not exist).
func value(fams map[string]*dto.MetricFamily, name, want string) float64 {
	m := series(fams, name, want)
	switch {
	case m == nil:
		return 0
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	}
	return 0
}

// sum adds the values of every series of a counter family whose labels include want.
func sum(fams map[string]*dto.MetricFamily, name, want string) float64 {
	f := fams[name]
	if f == nil {
		return 0
	}
	w := labels(want)
	total := 0.0
next:
	for _, m := range f.Metric {
		for _, l := range m.Label {
			if v, ok := w[l.GetName()]; ok && v != l.GetValue() {
				continue next
			}
		}
		total += m.Counter.GetValue()
	}
	return total
}

// count is a histogram's sample count (0 when the series does not exist).
func count(fams map[string]*dto.MetricFamily, name, want string) uint64 {
	m := series(fams, name, want)
	if m == nil || m.Histogram == nil {
		return 0
	}
	return m.Histogram.GetSampleCount()
}

// labelValues lists every label value of every panelsim series.
func labelValues(fams map[string]*dto.MetricFamily) []string {
	var out []string
	for name, f := range fams {
		if !strings.HasPrefix(name, "panelsim_") {
			continue
		}
		for _, m := range f.Metric {
			for _, l := range m.Label {
				out = append(out, l.GetValue())
			}
		}
	}
	sort.Strings(out)
	return out
}

// control calls the control API with a token on any URL (a listener's root or an API's base).
func control(t *testing.T, method, url, token, body string) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Panelsim-Token", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// pending is the world's pending tasks as GET /_sim/clock tells them.
func pending(t *testing.T, c *simtest.Client) int64 {
	t.Helper()
	return c.Control("GET", "/_sim/clock", nil).Expect(t, 200).Int("pendingTasks")
}

func must(t *testing.T, what string, got, want float64) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func mustCount(t *testing.T, fams map[string]*dto.MetricFamily, name, lbls string, want uint64) {
	t.Helper()
	if got := count(fams, name, lbls); got != want {
		t.Errorf("%s{%s} count = %d, want %d", name, lbls, got, want)
	}
}

func fmtID(id int64) string { return fmt.Sprint(id) }
