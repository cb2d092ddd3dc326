package servers

import (
	"hash/fnv"
	"math"
	"sort"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// The statistics a server has, by what it is: traffic for every server, CPU, memory and disk
// I/O for VMs (the hypervisor measures them), power and sensor readings for servers with an
// IPMI BMC.
const (
	statBandwidth = "bandwidth"
	statCPU       = "cpu"
	statMemory    = "memory"
	statDiskIO    = "diskio"
	statIPMI      = "ipmi"
)

// available lists the statistics of a server.
func available(s *tenantos.Server) []string {
	out := []string{statBandwidth}
	if s.TypeOfServer == "vm" {
		out = append(out, statCPU, statMemory, statDiskIO)
	}
	if s.PowerType == "ipmi" {
		out = append(out, statIPMI)
	}
	return out
}

// getAvailableStatistics answers GET /api/servers/{server}/stats/getAvailableStatistics:
// {available: […]}, the statistics the server has: bandwidth for every server; cpu, memory
// and diskio for VMs; ipmi for servers with an IPMI BMC. predefined and user_id are accepted
// and change nothing.
func (g *group) getAvailableStatistics(c echo.Context) error {
	who := tenantos.CallerOf(c)
	var out []string
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, who.User, serverID(c))
		if err == nil {
			out = available(s)
		}
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, map[string][]string{"available": out})
}

// statsInput is the body of the statistics operations.
type statsInput struct {
	From       string `json:"from"`
	To         string `json:"to"`
	Predefined string `json:"predefined"`
	UserID     int64  `json:"user_id"`
	GroupBy    string `json:"groupBy"`
	Summary    bool   `json:"summary"`
}

// The answer of a statistics operation (the vendor documents none), the same for graph and
// text mode:
//
//	{"statsMode": "graph", "period": {"from": <unix>, "to": <unix>, "interval": <seconds>},
//	 "series": [{"name": "cpu", "unit": "%", "data": [[<unix>, <value>], …]}, …],
//	 "summary": {"cpu": {"min": …, "max": …, "avg": …, "last": …}, …}}
//
// Points are every interval seconds (60 s for an hour, up to a day for long periods, at most
// 400 points), on multiples of the interval, from the start of the period to its end; the
// end is never after the world's clock, and a period starts no earlier than the server was
// added. Values are seeded by the server (p.Faker("stats", id)) and the point's time, with a
// daily rhythm: the same clock gives the same answer. Network statistics add "port" to each
// series; with summary true a "traffic" object (GB in, out and total over the period, and
// the 95th percentiles of the rates in Mbit/s); with groupBy 1mo a "months" list of the same
// figures per calendar month. user_id is accepted and changes nothing.
type statsView struct {
	StatsMode string                  `json:"statsMode"`
	Period    periodView              `json:"period"`
	Series    []series                `json:"series"`
	Summary   map[string]seriesTotals `json:"summary"`
	Traffic   *trafficTotals          `json:"traffic,omitempty"`
	Months    []trafficTotals         `json:"months,omitempty"`
}

type periodView struct {
	From     int64 `json:"from"`
	To       int64 `json:"to"`
	Interval int64 `json:"interval"`
}

type series struct {
	Name string       `json:"name"`
	Port string       `json:"port,omitempty"`
	Unit string       `json:"unit"`
	Data [][2]float64 `json:"data"`
}

type seriesTotals struct {
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
	Avg  float64 `json:"avg"`
	Last float64 `json:"last"`
}

type trafficTotals struct {
	Period   string  `json:"period,omitempty"` // "2025-08" in months
	InGB     float64 `json:"in_gb"`
	OutGB    float64 `json:"out_gb"`
	TotalGB  float64 `json:"total_gb"`
	P95In    float64 `json:"95th_in"`
	P95Out   float64 `json:"95th_out"`
	P95Total float64 `json:"95th_total"`
}

// metric is how one series' values are made: around base, with a daily wave of amp and noise
// of jitter, kept within [lo, hi].
type metric struct {
	name, unit        string
	base, amp, jitter float64
	lo, hi            float64
	constant          bool
}

func (g *group) getCpuStatistics(c echo.Context) error     { return g.statistics(c, statCPU) }
func (g *group) getMemoryStatistics(c echo.Context) error  { return g.statistics(c, statMemory) }
func (g *group) getDiskIoStatistics(c echo.Context) error  { return g.statistics(c, statDiskIO) }
func (g *group) getIpmiStatistics(c echo.Context) error    { return g.statistics(c, statIPMI) }
func (g *group) getNetworkStatistics(c echo.Context) error { return g.statistics(c, statBandwidth) }

// statistics answers POST /api/servers/{server}/stats/{kind}/{statsMode} (see statsView). A
// kind the server does not have (getAvailableStatistics) is 422 on server; a period whose
// from is after its to, or a date that is not one, is 422 on from or to.
func (g *group) statistics(c echo.Context, kind string) error {
	var in statsInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	who := tenantos.CallerOf(c)
	var s *tenantos.Server
	var now time.Time
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		var err error
		s, err = tenantos.VisibleServer(tx, who.User, serverID(c))
		now = tx.Now
		return err
	})
	if err != nil {
		return err
	}
	if !tenantos.Contains(available(s), kind) {
		return tenantos.Invalidf("server", "The server has no %s statistics.", kind)
	}
	from, to, err := period(now, s.Created, in)
	if err != nil {
		return err
	}
	step := interval(to.Sub(from))
	out := &statsView{StatsMode: provider.PathString(c, "statsMode"), Summary: map[string]seriesTotals{}}
	times := pointTimes(from, to, step)
	out.Period = periodView{From: from.Unix(), To: to.Unix(), Interval: int64(step / time.Second)}
	seed := g.p.Faker("stats", s.ID).Uint64()
	for _, m := range g.metrics(s, kind) {
		sr := series{Name: m.name, Unit: m.unit, Data: make([][2]float64, 0, len(times))}
		if kind == statBandwidth {
			sr.Port = "uplink"
		}
		for _, t := range times {
			sr.Data = append(sr.Data, [2]float64{float64(t), m.value(seed, t)})
		}
		out.Series = append(out.Series, sr)
		out.Summary[m.name] = totals(sr.Data)
	}
	if kind == statBandwidth {
		in_, out_ := out.Series[0].Data, out.Series[1].Data
		if in.Summary {
			t := traffic(in_, out_, float64(step/time.Second))
			out.Traffic = &t
		}
		if in.GroupBy == "1mo" {
			out.Months = months(in_, out_, float64(step/time.Second))
		}
	}
	return tenantos.OK(c, out)
}

// metrics are the series of one kind of statistics of a server.
func (g *group) metrics(s *tenantos.Server, kind string) []metric {
	fk := g.p.Faker("stats-"+kind, s.ID)
	switch kind {
	case statCPU:
		b := fk.Float64Range(4, 35)
		return []metric{{name: "cpu", unit: "%", base: b, amp: b / 2, jitter: b / 2, lo: 0, hi: 100}}
	case statMemory:
		total := 1024.0
		if s.VM != nil && s.VM.MemoryMB > 0 {
			total = float64(s.VM.MemoryMB)
		}
		used := total * fk.Float64Range(0.3, 0.7)
		return []metric{{name: "used", unit: "MB", base: used, amp: total * 0.08, jitter: total * 0.04, lo: 0, hi: total},
			{name: "total", unit: "MB", base: total, constant: true, lo: total, hi: total}}
	case statDiskIO:
		r, w := fk.Float64Range(50, 800), fk.Float64Range(100, 1500)
		return []metric{{name: "read", unit: "kB/s", base: r, amp: r / 2, jitter: r / 2, lo: 0, hi: 1e7},
			{name: "write", unit: "kB/s", base: w, amp: w / 2, jitter: w / 2, lo: 0, hi: 1e7}}
	case statIPMI:
		watts, inlet, cpu := fk.Float64Range(90, 240), fk.Float64Range(21, 26), fk.Float64Range(38, 55)
		return []metric{{name: "power", unit: "W", base: watts, amp: watts * 0.15, jitter: watts * 0.05, lo: 0, hi: 2000},
			{name: "inlet_temperature", unit: "°C", base: inlet, amp: 1.5, jitter: 0.6, lo: 0, hi: 60},
			{name: "cpu_temperature", unit: "°C", base: cpu, amp: 6, jitter: 2, lo: 0, hi: 100}}
	}
	rin, rout := math.Max(s.Traffic.RateIn, 0.05), math.Max(s.Traffic.RateOut, 0.05)
	return []metric{{name: "in", unit: "Mbit/s", base: rin, amp: rin / 2, jitter: rin / 2, lo: 0, hi: 100000},
		{name: "out", unit: "Mbit/s", base: rout, amp: rout / 2, jitter: rout / 2, lo: 0, hi: 100000}}
}

// value is the metric at time t: the base, a daily wave peaking in the evening, and noise
// from the seed, the metric and t.
func (m metric) value(seed uint64, t int64) float64 {
	if m.constant {
		return round2(m.base)
	}
	h := fnv.New64a()
	h.Write([]byte(m.name))
	x := splitmix(seed ^ h.Sum64() ^ uint64(t)*0x9E3779B97F4A7C15)
	noise := float64(x>>11)/float64(1<<53) - 0.5
	wave := math.Sin(2 * math.Pi * (float64(t%86400)/86400 - 0.55))
	v := m.base + m.amp*wave + m.jitter*noise
	return round2(math.Min(m.hi, math.Max(m.lo, v)))
}

func splitmix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// period is the span a statistics request asks for: a predefined one (24h by default), or
// from and to; never after now, and not before the server was added.
func period(now, created time.Time, in statsInput) (time.Time, time.Time, error) {
	now = now.UTC()
	to, from := now, now.Add(-24*time.Hour)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch in.Predefined {
	case "1h":
		from = now.Add(-time.Hour)
	case "today":
		from = day
	case "24h":
	case "14days":
		from = now.AddDate(0, 0, -14)
	case "30days":
		from = now.AddDate(0, 0, -30)
	case "all":
		from = created
	case "currentWeek":
		from = day.AddDate(0, 0, -((int(now.Weekday()) + 6) % 7))
	case "week":
		from = now.AddDate(0, 0, -7)
	case "month":
		from = now.AddDate(0, -1, 0)
	case "currentMonth":
		from = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	case "year":
		from = now.AddDate(-1, 0, 0)
	case "":
		if in.From != "" {
			f, ok := parseTime(in.From)
			if !ok {
				return from, to, tenantos.Invalid("from", "The from is not a valid date.")
			}
			from = f
		}
		if in.To != "" {
			t, ok := parseTime(in.To)
			if !ok {
				return from, to, tenantos.Invalid("to", "The to is not a valid date.")
			}
			to = t
		}
		if from.After(to) {
			return from, to, tenantos.Invalid("to", "The to must be a date after or equal to from.")
		}
	default:
		return from, to, tenantos.Invalid("predefined", "The selected predefined is invalid.")
	}
	if to.After(now) {
		to = now
	}
	if from.Before(created) {
		from = created
	}
	if from.After(to) {
		from = to
	}
	return from.UTC(), to.UTC(), nil
}

// interval is the spacing of points over a span: the smallest of the usual ones that gives
// at most 400 points.
func interval(span time.Duration) time.Duration {
	for _, d := range []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour,
		2 * time.Hour, 6 * time.Hour, 12 * time.Hour} {
		if span/d <= 400 {
			return d
		}
	}
	day := 24 * time.Hour
	if n := span / (400 * day); n > 0 {
		return (n + 1) * day
	}
	return day
}

// pointTimes are the multiples of step from from to to (unix seconds); at least the last one
// at or before to.
func pointTimes(from, to time.Time, step time.Duration) []int64 {
	st := int64(step / time.Second)
	first := (from.Unix() + st - 1) / st * st
	last := to.Unix() / st * st
	var out []int64
	for t := first; t <= last; t += st {
		out = append(out, t)
	}
	if len(out) == 0 {
		out = append(out, last)
	}
	return out
}

// totals summarises a series.
func totals(data [][2]float64) seriesTotals {
	if len(data) == 0 {
		return seriesTotals{}
	}
	t := seriesTotals{Min: data[0][1], Max: data[0][1], Last: data[len(data)-1][1]}
	sum := 0.0
	for _, p := range data {
		t.Min, t.Max, sum = math.Min(t.Min, p[1]), math.Max(t.Max, p[1]), sum+p[1]
	}
	t.Avg = round2(sum / float64(len(data)))
	return t
}

// traffic totals rates in Mbit/s taken every step seconds: GB moved and 95th percentiles.
func traffic(in, out [][2]float64, step float64) trafficTotals {
	var t trafficTotals
	var ins, outs, sums []float64
	for i := range in {
		t.InGB += in[i][1] * step / 8 / 1000
		t.OutGB += out[i][1] * step / 8 / 1000
		ins, outs, sums = append(ins, in[i][1]), append(outs, out[i][1]), append(sums, in[i][1]+out[i][1])
	}
	t.InGB, t.OutGB = round2(t.InGB), round2(t.OutGB)
	t.TotalGB = round2(t.InGB + t.OutGB)
	t.P95In, t.P95Out, t.P95Total = p95(ins), p95(outs), p95(sums)
	return t
}

// months groups the traffic by calendar month.
func months(in, out [][2]float64, step float64) []trafficTotals {
	var res []trafficTotals
	start := 0
	for i := 1; i <= len(in); i++ {
		if i < len(in) && month(in[i][0]) == month(in[start][0]) {
			continue
		}
		t := traffic(in[start:i], out[start:i], step)
		t.Period = month(in[start][0])
		res = append(res, t)
		start = i
	}
	return res
}

func month(unix float64) string { return time.Unix(int64(unix), 0).UTC().Format("2006-01") }

// p95 is the 95th percentile of values (nearest rank).
func p95(values []float64) float64 {
	if len(values) == 0 {
		return 0
	}
	s := append([]float64(nil), values...)
	sort.Float64s(s)
	i := int(math.Ceil(0.95*float64(len(s)))) - 1
	return round2(s[max(i, 0)])
}
