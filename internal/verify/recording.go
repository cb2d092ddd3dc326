// Package verify replays a recording made with --record-upstream against a simulator and
// reports, exchange by exchange, where the simulator answers differently from the panel the
// recording was made against: status, Content-Type and the shape of the JSON body. Values
// that differ by nature (ids, times, secrets, free text) are not differences; ids are mapped
// from the recorded answers to the simulator's as they appear, and later requests are
// rewritten with that mapping. The recording's clock gaps are replayed on the world's clock.
package verify

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/panelsim/panelsim/internal/scenarios"
)

// Exchange is one recorded request and the answer the panel gave it.
type Exchange struct {
	Method, Path string
	// Query is the raw query string; Accept the request's Accept header; ContentType and
	// Body its body.
	Query       string
	Accept      string
	ContentType string
	Body        []byte
	// Headers are the request's headers that change the answer (scenarios.RecordedHeaders).
	Headers map[string]string
	// At is when the exchange began and Seconds how long it took, on the recorder's clock
	// (At is zero in a recording made before panelsim kept exchange times).
	At      time.Time
	Seconds float64
	// Status, ResponseType and Response are the panel's answer.
	Status       int
	ResponseType string
	Response     []byte
}

// Recording is a file written by --record-upstream.
type Recording struct {
	File      string
	Provider  string
	Exchanges []Exchange
	// scenario is the file as read, which EmitTest writes again cut short.
	scenario *scenarios.Scenario
}

// Load reads a recording. A recording made before panelsim kept the requests' times and
// bodies loads too: its requests are rebuilt from the rules' match (the body's non-secret
// fields) and its clock gaps are unknown.
func Load(file string) (*Recording, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	sc, err := scenarios.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: not a recording: %v", file, err)
	}
	rec := &Recording{File: file, Provider: sc.Provider(), scenario: sc}
	if rec.Provider == "" {
		return nil, fmt.Errorf("%s: the scenario has no <provider>/ name", file)
	}
	for i, r := range sc.Rules {
		if r.Action.Status == 0 || r.Match.Method == "" || r.Match.Path == "" {
			return nil, fmt.Errorf("%s: rule %d is not a recorded exchange (no method, path or status)", file, i+1)
		}
		x := Exchange{Method: r.Match.Method, Path: r.Match.Path, Status: r.Action.Status,
			ResponseType: header(r.Action.Headers, "Content-Type")}
		switch b := r.Action.Body.(type) {
		case nil:
		case string:
			x.Response = []byte(b)
		default:
			if x.Response, err = json.Marshal(b); err != nil {
				return nil, fmt.Errorf("%s: rule %d: %v", file, i+1, err)
			}
		}
		if ex := r.Recorded; ex != nil {
			x.At, x.Seconds = ex.At, ex.Seconds
			x.Query, x.Accept, x.ContentType, x.Body = ex.Query, ex.Accept, ex.ContentType, []byte(ex.Body)
			x.Headers = ex.Headers
		} else {
			x.Query, x.Body = oldRequest(r.Match)
			if len(x.Body) > 0 {
				x.ContentType = "application/json"
			}
		}
		rec.Exchanges = append(rec.Exchanges, x)
	}
	return rec, nil
}

// oldRequest rebuilds a request from the match of a recording that kept no request.
func oldRequest(m scenarios.Match) (query string, body []byte) {
	q := url.Values{}
	for k, v := range m.Query {
		q.Set(k, v)
	}
	if len(m.Body) > 0 {
		body, _ = json.Marshal(m.Body)
	}
	return q.Encode(), body
}

// header reads a header from a map whatever the case of its name.
func header(h map[string]string, name string) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.EqualFold(k, name) {
			return h[k]
		}
	}
	return ""
}

// Name is the recording's file name without its folder.
func (r *Recording) Name() string { return filepath.Base(r.File) }
