package verify

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Outcome is how one exchange replayed.
type Outcome struct {
	// Index counts the recording's exchanges from 1.
	Index  int    `json:"index"`
	Method string `json:"method"`
	// Path is the recorded path; Sent the path (and query) as replayed, with the
	// simulator's ids.
	Path string `json:"path"`
	Sent string `json:"sent"`
	// Status is the recorded status, SimulatorStatus the simulator's.
	Status          int          `json:"status"`
	SimulatorStatus int          `json:"simulatorStatus"`
	Differences     []Difference `json:"differences"`
	// Error says why the exchange could not be replayed at all.
	Error string `json:"error,omitempty"`
	// Exchange is the recorded exchange, and Answer the simulator's body.
	Exchange Exchange `json:"-"`
	Answer   []byte   `json:"-"`
}

// Match reports whether the simulator answered as the panel did.
func (o *Outcome) Match() bool { return o.Error == "" && len(o.Differences) == 0 }

// Result is how a recording replayed.
type Result struct {
	File      string    `json:"file"`
	Provider  string    `json:"provider"`
	Exchanges []Outcome `json:"exchanges"`
}

// Matches counts the exchanges that match.
func (r *Result) Matches() int {
	n := 0
	for i := range r.Exchanges {
		if r.Exchanges[i].Match() {
			n++
		}
	}
	return n
}

// minAdvance is the smallest clock gap replayed; shorter ones add up until they reach it.
const minAdvance = time.Second

// Replay sends the recording's requests, in order, to the target and compares each answer
// with the recorded one. Before each request the world's clock is moved on by the time the
// recording says passed since the first exchange; during an exchange that took a while
// (a creation streamed as events), once the answer's header has arrived, by the time it
// took. An error is returned only when the target cannot be reached at all.
func Replay(ctx context.Context, rec *Recording, t *Target) (*Result, error) {
	res := &Result{File: rec.File, Provider: rec.Provider}
	ids := newIDMap()
	var start time.Time
	var advanced time.Duration
	catchUp := func(to time.Time) error {
		if start.IsZero() || to.IsZero() {
			return nil
		}
		if gap := to.Sub(start) - advanced; gap >= minAdvance {
			if err := t.advance(ctx, gap); err != nil {
				return err
			}
			advanced += gap
		}
		return nil
	}
	for i, x := range rec.Exchanges {
		if start.IsZero() {
			start = x.At
		}
		if err := catchUp(x.At); err != nil {
			return res, err
		}
		o := Outcome{Index: i + 1, Method: x.Method, Path: x.Path, Status: x.Status, Exchange: x}
		o.Sent = ids.rewritePath(x.Path)
		if q := ids.rewriteQuery(x.Query); q != "" {
			o.Sent += "?" + q
		}
		body := ids.rewriteBody(x.ContentType, x.Body)
		ans, err := t.send(ctx, rec.Provider, x.Method, o.Sent, x.Accept, x.ContentType, ids.rewriteHeaders(x.Headers), body)
		if err != nil {
			if i == 0 {
				return res, fmt.Errorf("%s: %w", rec.Name(), err)
			}
			o.Error = err.Error()
			res.Exchanges = append(res.Exchanges, o)
			continue
		}
		if err := catchUp(duringExchange(rec.Exchanges, i, ans.Header)); err != nil {
			ans.Body.Close()
			return res, err
		}
		o.Answer, err = io.ReadAll(ans.Body)
		ans.Body.Close()
		if err != nil {
			o.Error = "reading the answer: " + err.Error()
		}
		o.SimulatorStatus = ans.StatusCode
		o.Differences = compareAnswer(x, ans.StatusCode, ans.Header, o.Answer)
		if rv, ok := decodeJSON(x.Response); ok {
			if gv, ok := decodeJSON(o.Answer); ok {
				ids.learnAnswer(pathKind(x.Path), "", rv, gv)
			}
		}
		res.Exchanges = append(res.Exchanges, o)
	}
	return res, nil
}

// duringExchange is how far the world's clock must have come, on the recording's clock,
// for exchange i to end: its end, and for an event stream (which ends only when what it
// follows ends on the world's clock) the start of the next exchange too, since the
// recorder cannot tell when the stream's last event came.
func duringExchange(xs []Exchange, i int, h http.Header) time.Time {
	x := xs[i]
	end := x.At.Add(time.Duration(x.Seconds * float64(time.Second)))
	if mediaType(h.Get("Content-Type")) == "text/event-stream" && i+1 < len(xs) && xs[i+1].At.After(end) {
		end = xs[i+1].At
	}
	return end
}

// compareAnswer lists the differences between a recorded answer and the simulator's.
func compareAnswer(x Exchange, status int, h http.Header, body []byte) []Difference {
	var diffs []Difference
	if status != x.Status {
		diffs = append(diffs, Difference{Path: "status", Recorded: fmt.Sprint(x.Status), Simulator: fmt.Sprint(status)})
	}
	recType, gotType := mediaType(x.ResponseType), mediaType(h.Get("Content-Type"))
	if recType != gotType && len(x.Response)+len(body) > 0 {
		diffs = append(diffs, Difference{Path: "Content-Type", Recorded: orAbsent(x.ResponseType), Simulator: orAbsent(h.Get("Content-Type"))})
	}
	if recType == "text/event-stream" && gotType == recType {
		return append(diffs, compareEvents(x.Response, body)...)
	}
	rv, recJSON := decodeJSON(x.Response)
	gv, gotJSON := decodeJSON(body)
	switch {
	case recJSON && gotJSON:
		diffs = compareShape(diffs, "$", "", rv, gv, false)
	case recJSON:
		diffs = append(diffs, Difference{Path: "body", Recorded: "JSON " + kind(rv), Simulator: describe(body)})
	case gotJSON:
		diffs = append(diffs, Difference{Path: "body", Recorded: describe(x.Response), Simulator: "JSON " + kind(gv)})
	case (len(x.Response) == 0) != (len(body) == 0):
		diffs = append(diffs, Difference{Path: "body", Recorded: describe(x.Response), Simulator: describe(body)})
	}
	return diffs
}

func describe(body []byte) string {
	if len(body) == 0 {
		return "empty"
	}
	return fmt.Sprintf("%d bytes, not JSON", len(body))
}

func orAbsent(s string) string {
	if s == "" {
		return absent
	}
	return s
}
