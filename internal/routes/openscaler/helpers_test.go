package openscaler_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// Figures of the default fixtures (fixtures/openscaler/world.yaml).
const (
	createSeconds   = 60 // the sum of the create steps' "after"
	createSteps     = 8
	startSeconds    = 5
	bootSeconds     = 45
	shutdownSeconds = 20
	timeoutSeconds  = 60
	powerOffSeconds = 2
	rebootSeconds   = 10
	resetSeconds    = 3
	deleteSeconds   = 15
)

// env is a simulator with an OpenScaler client on the default token.
type env struct {
	t *testing.T
	s *simtest.Sim
	c *simtest.Client
}

func newEnv(t *testing.T, opts ...simtest.Option) *env {
	t.Helper()
	s := simtest.New(t, opts...)
	return &env{t: t, s: s, c: s.Client("openscaler", simtest.DefaultToken)}
}

func (e *env) advance(d time.Duration) { e.t.Helper(); e.s.Advance(simtest.DefaultToken, d) }

// vmBody is a valid creation request; extra is pairs of keys and values to set (a nil
// value removes the key).
func vmBody(name string, extra ...any) map[string]any {
	body := map[string]any{"size": "b-1-2-50", "project_id": "default", "name": name, "region": "alg1", "distro": "debian-13"}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == nil {
			delete(body, extra[i].(string))
			continue
		}
		body[extra[i].(string)] = extra[i+1]
	}
	return body
}

// event is one server-sent event.
type event struct {
	name string
	data string
}

func (ev event) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(ev.data))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("event %s: data is not a JSON object: %q", ev.name, ev.data)
	}
	return m
}

// stream is an open creation stream.
type stream struct {
	t      *testing.T
	res    *http.Response
	events chan event
}

// openCreate posts a VM creation and returns its stream, or the plain answer when it was
// refused before streaming.
func (e *env) openCreate(c *simtest.Client, body any) (*stream, *simtest.Response) {
	e.t.Helper()
	return e.openStream(c, "/vms", body)
}

// openStream posts a creation to path (/vms, /lbs) and returns its stream, or the plain
// answer when it was refused before streaming.
func (e *env) openStream(c *simtest.Client, path string, body any) (*stream, *simtest.Response) {
	e.t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", c.Base+path, bytes.NewReader(raw))
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	res, err := (&http.Client{}).Do(req)
	if err != nil {
		e.t.Fatalf("create: %v", err)
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		defer res.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(res.Body)
		out := &simtest.Response{Status: res.StatusCode, Header: res.Header, Body: buf.Bytes()}
		dec := json.NewDecoder(bytes.NewReader(out.Body))
		dec.UseNumber()
		dec.Decode(&out.JSON)
		return nil, out
	}
	s := &stream{t: e.t, res: res, events: make(chan event, 64)}
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var cur event
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				cur.name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				cur.data += strings.TrimSpace(strings.TrimPrefix(line, "data:"))
			case line == "" && (cur.name != "" || cur.data != ""):
				s.events <- cur
				cur = event{}
			}
		}
	}()
	e.t.Cleanup(func() { res.Body.Close() })
	return s, nil
}

// next is the next event; it fails the test when none comes within a few seconds or the
// stream ended.
func (s *stream) next() event {
	s.t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			s.t.Fatal("the stream ended")
		}
		return ev
	case <-time.After(5 * time.Second):
		s.t.Fatal("no event within 5 s")
	}
	return event{}
}

// quiet fails the test when an event arrives within d.
func (s *stream) quiet(d time.Duration) {
	s.t.Helper()
	select {
	case ev, ok := <-s.events:
		if ok {
			s.t.Fatalf("unexpected event %s %s", ev.name, ev.data)
		}
	case <-time.After(d):
	}
}

// ended fails the test unless the stream ends (without another event) soon.
func (s *stream) ended() {
	s.t.Helper()
	select {
	case ev, ok := <-s.events:
		if ok {
			s.t.Fatalf("event after the last one: %s %s", ev.name, ev.data)
		}
	case <-time.After(5 * time.Second):
		s.t.Fatal("the stream did not end")
	}
}

// final reads events up to the last one and returns it with the number of progress events.
func (s *stream) final() (event, int) {
	s.t.Helper()
	n := 0
	for {
		ev := s.next()
		if ev.name != "progress" {
			s.ended()
			return ev, n
		}
		n++
	}
}

// vm creates a VM through the stream, runs the clock through its creation and returns its
// id.
func (e *env) vm(body map[string]any) int64 {
	e.t.Helper()
	s, refused := e.openCreate(e.c, body)
	if refused != nil {
		e.t.Fatalf("create refused: %v", refused)
	}
	if ev := s.next(); ev.name != "progress" {
		e.t.Fatalf("first event %s %s", ev.name, ev.data)
	}
	e.advance(createSeconds * time.Second)
	ev, _ := s.final()
	if ev.name != "200" {
		e.t.Fatalf("final event %s %s", ev.name, ev.data)
	}
	id, _ := ev.json(e.t)["id"].(json.Number).Int64()
	return id
}

func (e *env) get(id int64, query string) *simtest.Response {
	e.t.Helper()
	return e.c.Do("GET", fmt.Sprintf("/vms/%d%s", id, query), nil)
}

func (e *env) state(id int64) string {
	e.t.Helper()
	return e.get(id, "?only=state").Expect(e.t, 200).String("state")
}

func (e *env) action(id int64, typ string) *simtest.Response {
	e.t.Helper()
	return e.c.Do("POST", fmt.Sprintf("/vms/%d/actions", id), map[string]any{"type": typ})
}

// withFixtures is the embedded fixtures with replacements (pairs of old and new text) made
// in openscaler/world.yaml.
func withFixtures(t *testing.T, replace ...string) simtest.Option {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"world.yaml", "virtfusion/world.yaml", "openscaler/world.yaml"} {
		raw, err := os.ReadFile(filepath.Join("../../../fixtures", name))
		if err != nil {
			t.Fatal(err)
		}
		s := string(raw)
		if name == "openscaler/world.yaml" {
			for i := 0; i+1 < len(replace); i += 2 {
				if !strings.Contains(s, replace[i]) {
					t.Fatalf("fixtures have no %q", replace[i])
				}
				s = strings.Replace(s, replace[i], replace[i+1], 1)
			}
		}
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return simtest.WithFixtures(dir)
}

func itoa(n int64) string { return fmt.Sprint(n) }

// Figures of the load balancers in the default fixtures.
const (
	lbCreateSeconds = 30 // the sum of the lbCreate steps' "after"
	lbDeleteSeconds = 10
	consoleIdle     = 600
)

// lbBody is a valid load balancer creation request; extra as for vmBody.
func lbBody(name string, extra ...any) map[string]any {
	body := map[string]any{"name": name, "project_id": "default", "region": "alg1", "vpc_id": 1, "size": "small", "visibility": "public"}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == nil {
			delete(body, extra[i].(string))
			continue
		}
		body[extra[i].(string)] = extra[i+1]
	}
	return body
}

// lb creates a load balancer through its stream, runs the clock through its creation and
// returns its id (a string, as the API writes it).
func (e *env) lb(body map[string]any) string {
	e.t.Helper()
	s, refused := e.openStream(e.c, "/lbs", body)
	if refused != nil {
		e.t.Fatalf("lb create refused: %v", refused)
	}
	if ev := s.next(); ev.name != "progress" {
		e.t.Fatalf("first event %s %s", ev.name, ev.data)
	}
	e.advance(lbCreateSeconds * time.Second)
	ev, _ := s.final()
	if ev.name != "200" {
		e.t.Fatalf("final event %s %s", ev.name, ev.data)
	}
	id, _ := ev.json(e.t)["id"].(string)
	return id
}

// pyErrors is a FastAPI 422 body in short: "type loc: msg" for each error, joined with " | "
// (loc as a dotted path: body.ssh_keys.0).
func pyErrors(t *testing.T, res *simtest.Response) string {
	t.Helper()
	items, ok := res.Get("detail").([]any)
	if !ok {
		t.Fatalf("not FastAPI's 422: %d %s", res.Status, res.Body)
	}
	var out []string
	for _, it := range items {
		m := it.(map[string]any)
		var loc []string
		for _, l := range m["loc"].([]any) {
			loc = append(loc, fmt.Sprint(l))
		}
		out = append(out, fmt.Sprintf("%s %s: %s", m["type"], strings.Join(loc, "."), m["msg"]))
	}
	return strings.Join(out, " | ")
}
