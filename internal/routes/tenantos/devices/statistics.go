package devices

import (
	"fmt"
	"hash/fnv"
	"math"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// The answer of getStatistics (the vendor documents none):
//
//	{"mode": "graph", "groupBy": "5m", "from": <unix>, "to": <unix>, "interval": <seconds>,
//	 "ports": [{"portId": 1, "portName": "ge-0/0/0", "unit": "Mbit/s",
//	            "series": [{"name": "in", "data": [[<unix>, <value>], …]}, {"name": "out", …}],
//	            "summary": {"in": {"min", "max", "avg", "95th", "last"}, "out": …}}, …]}
//
// Switch ports measure their traffic in and out (Mbit/s), PDU outlets their power draw (W).
// Points are every interval seconds, on multiples of it, from the start of the period to its
// end; the end is never after the world's clock and the start never before the device was
// added. A port with nothing connected carries nothing, and a port measures 0 while it was
// disabled; otherwise the values are seeded by the device and the port (p.Faker) and the
// point's time, with a daily rhythm: the same clock gives the same answer. text mode answers
// the same figures (mode tells which was asked for).
type statsView struct {
	Mode     string      `json:"mode"`
	GroupBy  string      `json:"groupBy"`
	From     int64       `json:"from"`
	To       int64       `json:"to"`
	Interval int64       `json:"interval"`
	Ports    []portStats `json:"ports"`
}

type portStats struct {
	PortID   int64               `json:"portId"`
	PortName string              `json:"portName"`
	Unit     string              `json:"unit"`
	Series   []series            `json:"series"`
	Summary  map[string]totalsOf `json:"summary"`
}

type series struct {
	Name string       `json:"name"`
	Data [][2]float64 `json:"data"`
}

type totalsOf struct {
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
	Avg  float64 `json:"avg"`
	P95  float64 `json:"95th"`
	Last float64 `json:"last"`
}

// maxPoints is how many points a series may have.
const maxPoints = 2000

var reGroupBy = regexp.MustCompile(`^(\d+)(m|min|h|d|w|mo)$`)

// groupBy reads an interval: 5m, 1h, 1d, 1w, 1mo (30 days).
func groupBy(s string) (time.Duration, bool) {
	m := reGroupBy.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n, _ := strconv.Atoi(m[1])
	if n < 1 {
		return 0, false
	}
	unit := map[string]time.Duration{"m": time.Minute, "min": time.Minute, "h": time.Hour, "d": 24 * time.Hour,
		"w": 7 * 24 * time.Hour, "mo": 30 * 24 * time.Hour}[m[2]]
	return time.Duration(n) * unit, true
}

// autoInterval is the smallest usual spacing that gives at most 400 points over span.
func autoInterval(span time.Duration) time.Duration {
	for _, d := range []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour,
		2 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour} {
		if span/d <= 400 {
			return d
		}
	}
	return 7 * 24 * time.Hour
}

// getStatistics answers the statistics of the device's ports (see statsView).
func getStatistics(a *actionRun) (any, error) {
	now := a.tx.Now.UTC()
	from, to := now.Add(-24*time.Hour), now
	if s, ok := str(a.body["from"]); ok && s != "" {
		t, ok := parseTime(s)
		if !ok {
			return nil, tenantos.Invalid("from", "The from is not a valid date.")
		}
		from = t
	}
	if s, ok := str(a.body["to"]); ok && s != "" {
		t, ok := parseTime(s)
		if !ok {
			return nil, tenantos.Invalid("to", "The to is not a valid date.")
		}
		to = t
	}
	if from.After(to) {
		return nil, tenantos.Invalid("to", "The to must be a date after or equal to from.")
	}
	if to.After(now) {
		to = now
	}
	if from.Before(a.d.Created) {
		from = a.d.Created.UTC()
	}
	if from.After(to) {
		from = to
	}
	mode, _ := str(a.body["mode"])
	switch mode {
	case "":
		mode = "graph"
	case "graph", "text":
	default:
		return nil, tenantos.Invalid("mode", "The mode must be text or graph.")
	}
	step := autoInterval(to.Sub(from))
	label, _ := str(a.body["groupBy"])
	if label != "" {
		d, ok := groupBy(label)
		if !ok {
			return nil, tenantos.Invalid("groupBy", "The group by must be an interval such as 5m, 1h, 1d, 1w or 1mo.")
		}
		if to.Sub(from)/d > maxPoints {
			return nil, tenantos.Invalidf("groupBy", "The group by gives more than %d points for the period.", maxPoints)
		}
		step = d
	} else {
		label = shortDuration(step)
	}
	ports, err := a.statPorts()
	if err != nil {
		return nil, err
	}
	times := pointTimes(from, to, step)
	out := &statsView{Mode: mode, GroupBy: label, From: from.Unix(), To: to.Unix(), Interval: int64(step / time.Second), Ports: []portStats{}}
	seed := a.g.p.Faker("device-stats", a.d.ID).Uint64()
	for _, p := range ports {
		ps := portStats{PortID: p.ID, PortName: p.Name, Unit: "Mbit/s", Series: []series{}, Summary: map[string]totalsOf{}}
		metrics := a.portMetrics(p)
		if a.d.Kind == tenantos.DevicePDU {
			ps.Unit = "W"
		}
		for _, m := range metrics {
			sr := series{Name: m.name, Data: make([][2]float64, 0, len(times))}
			for _, t := range times {
				v := 0.0
				if !downAt(p, t) {
					v = m.value(seed, p.ID, t)
				}
				sr.Data = append(sr.Data, [2]float64{float64(t), v})
			}
			ps.Series = append(ps.Series, sr)
			ps.Summary[m.name] = summarise(sr.Data)
		}
		out.Ports = append(out.Ports, ps)
	}
	return out, nil
}

// statPorts are the ports the body's portIds name (every port when none are named).
func (a *actionRun) statPorts() ([]*tenantos.DevicePort, error) {
	var out []*tenantos.DevicePort
	raw, ok := a.body["portIds"]
	if !ok || raw == nil {
		for i := range a.d.Ports {
			out = append(out, &a.d.Ports[i])
		}
		return out, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, tenantos.Invalid("portIds", "The port ids must be an array.")
	}
	for i, v := range list {
		ref, _ := str(v)
		p := a.d.FindPort(ref)
		if p == nil {
			return nil, tenantos.Invalidf(fmt.Sprintf("portIds.%d", i), "The network device has no port %s.", ref)
		}
		out = append(out, p)
	}
	return out, nil
}

// metric is how one series of a port is made: around base, with a daily wave of amp and noise
// of jitter, never below 0.
type metric struct {
	name              string
	base, amp, jitter float64
}

// portMetrics are the series of a port: nothing flows through a port nothing hangs on; a
// switch port carries its servers' traffic (their last rates when known), an outlet their
// power draw.
func (a *actionRun) portMetrics(p *tenantos.DevicePort) []metric {
	conns := a.w.at(a.d, p.ID)
	fk := a.g.p.Faker("device-port-stats", a.d.ID*10000+p.ID)
	if a.d.Kind == tenantos.DevicePDU {
		w := 0.0
		if len(conns) > 0 {
			w = fk.Float64Range(90, 260) * float64(len(conns))
		}
		return []metric{{name: "power", base: w, amp: w * 0.12, jitter: w * 0.05}}
	}
	in, out := 0.0, 0.0
	for _, c := range conns {
		rin, rout := fk.Float64Range(0.5, 20), fk.Float64Range(1, 60)
		if s := a.w.servers[c.ServerID]; s != nil && s.Traffic.RateIn > 0 {
			rin, rout = s.Traffic.RateIn, math.Max(s.Traffic.RateOut, 0.05)
		}
		in, out = in+rin, out+rout
	}
	return []metric{{name: "in", base: in, amp: in / 2, jitter: in / 2}, {name: "out", base: out, amp: out / 2, jitter: out / 2}}
}

// value is the metric of a port at time t.
func (m metric) value(seed uint64, port, t int64) float64 {
	if m.base == 0 {
		return 0
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", m.name, port)
	x := splitmix(seed ^ h.Sum64() ^ uint64(t)*0x9E3779B97F4A7C15)
	noise := float64(x>>11)/float64(1<<53) - 0.5
	wave := math.Sin(2 * math.Pi * (float64(t%86400)/86400 - 0.55))
	return round2(math.Max(0, m.base+m.amp*wave+m.jitter*noise))
}

// downAt reports whether a port was disabled at unix time t.
func downAt(p *tenantos.DevicePort, t int64) bool {
	for _, s := range p.Down {
		if t >= s.From.Unix() && (s.To == nil || t < s.To.Unix()) {
			return true
		}
	}
	return false
}

func splitmix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

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

// summarise gives a series' minimum, maximum, average, 95th percentile and last value.
func summarise(data [][2]float64) totalsOf {
	if len(data) == 0 {
		return totalsOf{}
	}
	t := totalsOf{Min: data[0][1], Max: data[0][1], Last: data[len(data)-1][1]}
	sum := 0.0
	vals := make([]float64, 0, len(data))
	for _, p := range data {
		t.Min, t.Max, sum = math.Min(t.Min, p[1]), math.Max(t.Max, p[1]), sum+p[1]
		vals = append(vals, p[1])
	}
	t.Avg = round2(sum / float64(len(data)))
	sort.Float64s(vals)
	t.P95 = vals[max(int(math.Ceil(0.95*float64(len(vals))))-1, 0)]
	return t
}

// shortDuration writes an interval as groupBy does: 5m, 1h, 1d, 1w.
func shortDuration(d time.Duration) string {
	switch {
	case d%(7*24*time.Hour) == 0:
		return fmt.Sprintf("%dw", d/(7*24*time.Hour))
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return fmt.Sprintf("%dm", d/time.Minute)
}
