package verify

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// event is one server-sent event.
type event struct {
	name string
	data []byte
}

// parseEvents reads a text/event-stream body.
func parseEvents(body []byte) []event {
	var out []event
	cur := event{}
	flush := func() {
		if cur.name != "" || len(cur.data) > 0 {
			if cur.name == "" {
				cur.name = "message"
			}
			out = append(out, cur)
		}
		cur = event{}
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "event:"):
			cur.name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			if len(cur.data) > 0 {
				cur.data = append(cur.data, '\n')
			}
			cur.data = append(cur.data, strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " ")...)
		}
	}
	flush()
	return out
}

// compareEvents compares two event streams: the sequence of event names, with repeats of
// one name in a row counted once (how many progress events a stream sends depends on how
// the clock moved), and the shape of the first event of each name and of the last event.
func compareEvents(rec, got []byte) []Difference {
	r, g := parseEvents(rec), parseEvents(got)
	var diffs []Difference
	if rn, gn := names(r), names(g); rn != gn {
		diffs = append(diffs, Difference{Path: "events", Recorded: show(rn), Simulator: show(gn)})
		return diffs
	}
	first := map[string]int{}
	for i, e := range g {
		if _, ok := first[e.name]; !ok {
			first[e.name] = i
		}
	}
	seen := map[string]bool{}
	for i, e := range r {
		j, ok := first[e.name]
		if i == len(r)-1 {
			j, ok = len(g)-1, true
		} else if seen[e.name] {
			continue
		}
		seen[e.name] = true
		if !ok {
			continue
		}
		path := fmt.Sprintf("events[%s]", e.name)
		rv, rok := decodeJSON(e.data)
		gv, gok := decodeJSON(g[j].data)
		if rok && gok {
			diffs = compareShape(diffs, path, "", rv, gv, false)
		} else if rok != gok {
			diffs = append(diffs, Difference{Path: path, Recorded: describe(e.data), Simulator: describe(g[j].data)})
		}
	}
	return diffs
}

func names(es []event) string {
	var out []string
	for _, e := range es {
		if len(out) == 0 || out[len(out)-1] != e.name {
			out = append(out, e.name)
		}
	}
	return strings.Join(out, " ")
}
