package ui

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/panelsim/panelsim/internal/journal"
)

// The charts are small SVG drawings made on the server: shapes whose coordinates are worked
// out here and written by the templates.

// rect is a bar of a chart.
type rect struct {
	X, Y, W, H float64
	Class      string
	Title      string
}

// dot is a point of a chart.
type dot struct {
	X, Y  float64
	Class string
	Title string
}

// label is a text of a chart.
type label struct {
	X, Y   float64
	Text   string
	Anchor string
}

// chart is one SVG drawing.
type chart struct {
	W, H   float64
	Rects  []rect
	Dots   []dot
	Labels []label
}

// timelineChart draws the tasks on the virtual clock: one lane per provider and kind, the
// tasks that ran as filled dots and those pending as rings, with the clock's now as a line.
func timelineChart(t taskAnswer) chart {
	type item struct {
		lane string
		at   time.Time
		ran  bool
		id   uint64
	}
	var items []item
	for _, r := range t.Ran {
		items = append(items, item{r.Provider + "/" + r.Kind, r.At, true, r.ID})
	}
	for _, p := range t.Pending {
		items = append(items, item{p.Provider + "/" + p.Kind, p.Due, false, p.ID})
	}
	c := chart{W: 900, H: 40}
	if len(items) == 0 {
		c.Labels = append(c.Labels, label{X: 10, Y: 24, Text: "No task has run or is pending yet."})
		return c
	}
	lo, hi := t.Now, t.Now
	lanes := map[string]int{}
	var names []string
	for _, it := range items {
		if it.at.Before(lo) {
			lo = it.at
		}
		if it.at.After(hi) {
			hi = it.at
		}
		if _, ok := lanes[it.lane]; !ok {
			lanes[it.lane] = 0
			names = append(names, it.lane)
		}
	}
	sort.Strings(names)
	for i, n := range names {
		lanes[n] = i
	}
	const left, right, top, lane = 190.0, 20.0, 24.0, 22.0
	span := hi.Sub(lo).Seconds()
	if span <= 0 {
		span = 1
	}
	x := func(at time.Time) float64 { return left + (c.W-left-right)*at.Sub(lo).Seconds()/span }
	c.H = top + lane*float64(len(names)) + 26
	for i, n := range names {
		y := top + lane*float64(i)
		c.Rects = append(c.Rects, rect{X: left, Y: y + lane/2 - 0.5, W: c.W - left - right, H: 1, Class: "lane"})
		c.Labels = append(c.Labels, label{X: left - 8, Y: y + lane/2 + 4, Text: n, Anchor: "end"})
	}
	for _, it := range items {
		class, what := "pending", "due"
		if it.ran {
			class, what = "ran", "ran"
		}
		c.Dots = append(c.Dots, dot{X: x(it.at), Y: top + lane*float64(lanes[it.lane]) + lane/2, Class: class,
			Title: fmt.Sprintf("%s task %d %s at %s", it.lane, it.id, what, vtime(it.at))})
	}
	nx := x(t.Now)
	c.Rects = append(c.Rects, rect{X: nx - 1, Y: top - 6, W: 2, H: lane*float64(len(names)) + 6, Class: "now", Title: "now " + vtime(t.Now)})
	bottom := c.H - 6
	c.Labels = append(c.Labels, label{X: left, Y: bottom, Text: vtime(lo), Anchor: "start"},
		label{X: c.W - right, Y: bottom, Text: vtime(hi), Anchor: "end"})
	return c
}

// opStats is one operation's requests in the journal: how many, how many failed, their
// latency, and its charts.
type opStats struct {
	Name            string
	Count, Errors   int
	Mean, P50, P95  float64
	Max             float64
	Rate, Latencies chart
}

// requestsData is the requests page.
type requestsData struct {
	Ops     []opStats
	Bucket  string
	Entries int
	From    string
	To      string
}

// requestCharts works out per operation the request rate (requests per time bucket, on the
// host's clock) and the latency of the journal's entries.
func requestCharts(entries []journal.Entry) requestsData {
	out := requestsData{Entries: len(entries)}
	if len(entries) == 0 {
		return out
	}
	const buckets = 40
	lo, hi := entries[0].WallTime, entries[0].WallTime
	for _, e := range entries {
		if e.WallTime.Before(lo) {
			lo = e.WallTime
		}
		if e.WallTime.After(hi) {
			hi = e.WallTime
		}
	}
	width := hi.Sub(lo) / buckets
	width = max(width, time.Second).Round(time.Second)
	out.Bucket, out.From, out.To = width.String(), lo.UTC().Format(time.TimeOnly), hi.UTC().Format(time.TimeOnly)
	byOp := map[string][]journal.Entry{}
	for _, e := range entries {
		name := e.Operation
		if name == "" {
			name = e.Method + " " + e.Path
		}
		name = e.Provider + " · " + name
		byOp[name] = append(byOp[name], e)
	}
	maxLatency := 0.0
	for _, e := range entries {
		maxLatency = math.Max(maxLatency, e.Millis)
	}
	for name, es := range byOp {
		st := opStats{Name: name, Count: len(es)}
		counts := make([]int, buckets+1)
		lat := make([]float64, 0, len(es))
		for _, e := range es {
			if e.Status >= 400 || e.Status == 0 {
				st.Errors++
			}
			i := int(e.WallTime.Sub(lo) / width)
			counts[min(i, buckets)]++
			lat = append(lat, e.Millis)
			st.Mean += e.Millis
		}
		st.Mean /= float64(len(es))
		sort.Float64s(lat)
		st.P50, st.P95, st.Max = quantile(lat, 0.5), quantile(lat, 0.95), lat[len(lat)-1]
		st.Rate = barChart(counts, width)
		st.Latencies = latencyChart(es, lo, hi, maxLatency)
		out.Ops = append(out.Ops, st)
	}
	sort.Slice(out.Ops, func(i, j int) bool {
		if out.Ops[i].Count != out.Ops[j].Count {
			return out.Ops[i].Count > out.Ops[j].Count
		}
		return out.Ops[i].Name < out.Ops[j].Name
	})
	return out
}

func quantile(sorted []float64, q float64) float64 {
	return sorted[int(math.Ceil(q*float64(len(sorted))))-1]
}

// barChart draws counts per bucket as bars.
func barChart(counts []int, width time.Duration) chart {
	c := chart{W: 320, H: 60}
	top := 1
	for _, n := range counts {
		top = max(top, n)
	}
	bw := c.W / float64(len(counts))
	for i, n := range counts {
		h := (c.H - 14) * float64(n) / float64(top)
		c.Rects = append(c.Rects, rect{X: float64(i)*bw + 1, Y: c.H - 12 - h, W: bw - 2, H: h, Class: "bar",
			Title: fmt.Sprintf("%d requests in %s", n, width)})
	}
	c.Labels = append(c.Labels, label{X: 0, Y: c.H - 1, Text: fmt.Sprintf("peak %d per %s", top, width), Anchor: "start"})
	return c
}

// latencyChart draws each request's latency against the time it came, on a scale shared by
// every operation.
func latencyChart(es []journal.Entry, lo, hi time.Time, top float64) chart {
	c := chart{W: 320, H: 60}
	span := hi.Sub(lo).Seconds()
	if span <= 0 {
		span = 1
	}
	if top <= 0 {
		top = 1
	}
	for _, e := range es {
		class := "ok"
		if e.Status >= 400 || e.Status == 0 {
			class = "err"
		}
		c.Dots = append(c.Dots, dot{X: 3 + (c.W-6)*e.WallTime.Sub(lo).Seconds()/span, Y: c.H - 12 - (c.H-16)*e.Millis/top, Class: class,
			Title: fmt.Sprintf("%.2f ms, status %d", e.Millis, e.Status)})
	}
	c.Labels = append(c.Labels, label{X: 0, Y: c.H - 1, Text: fmt.Sprintf("0 – %.1f ms", top), Anchor: "start"})
	return c
}

// funcs are the templates' helpers.
var funcs = template.FuncMap{
	"vtime": vtime,
	"ms":    func(f float64) string { return fmt.Sprintf("%.2f", f) },
	"f1":    func(f float64) string { return fmt.Sprintf("%.1f", f) },
	"join":  strings.Join,
	"pct": func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	},
	"deref": func(p *int) int {
		if p == nil {
			return -1
		}
		return *p
	},
	"statusClass": func(n int) string {
		switch {
		case n >= 500 || n == 0:
			return "s5"
		case n >= 400:
			return "s4"
		}
		return "s2"
	},
	"inc": func(n int) int { return n + 1 },
	// bodyNote describes a kept body: its content type, its size, and how much is shown.
	"bodyNote": func(contentType string, bytes, shown int) string {
		if contentType == "" {
			contentType = "no content type"
		}
		note := contentType + ", " + strconv.Itoa(bytes) + " bytes"
		if bytes > shown {
			note += " (first " + strconv.Itoa(shown) + " shown)"
		}
		return note
	},
}
