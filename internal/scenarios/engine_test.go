package scenarios

import (
	"testing"
	"testing/fstest"
	"time"
)

var faults = map[string][]string{"virtfusion": {"build-fails"}, "e24cloud": {}}

func scenario(name string, rules ...Rule) *Scenario {
	return &Scenario{Name: name, Description: "test", Rules: rules}
}

func req(op, method, path string, params map[string]string, body map[string]any) *Request {
	return &Request{Provider: "virtfusion", Operation: op, Method: method, Path: path, Params: params, Body: body}
}

func TestMatch(t *testing.T) {
	r := req("getServer", "GET", "/api/v1/servers/7", map[string]string{"serverId": "7"}, map[string]any{"packageId": 2.0, "name": "x"})
	tests := []struct {
		name string
		m    Match
		want bool
	}{
		{"empty matches all", Match{}, true},
		{"operation", Match{Operation: "getServer"}, true},
		{"one of several operations", Match{Operation: "bootServer|getServer"}, true},
		{"other operation", Match{Operation: "createServer"}, false},
		{"method, any case", Match{Method: "get"}, true},
		{"path glob", Match{Path: "/api/v1/servers/*"}, true},
		{"path rest glob", Match{Path: "/api/v1/**"}, true},
		{"path too short", Match{Path: "/api/v1/*"}, false},
		{"path longer than the request", Match{Path: "/api/v1/servers/*/build"}, false},
		{"resource", Match{Resource: "7"}, true},
		{"other resource", Match{Resource: "8"}, false},
		{"has a parameter", Match{Has: []string{"serverId"}}, true},
		{"lacks a parameter", Match{Has: []string{"userId"}}, false},
		{"body field, loosely typed", Match{Body: map[string]any{"packageId": "2"}}, true},
		{"body field differs", Match{Body: map[string]any{"name": "y"}}, false},
		{"body field missing", Match{Body: map[string]any{"userId": 1}}, false},
		{"query missing", Match{Query: map[string]string{"remoteState": "true"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.matches(r); got != tt.want {
				t.Fatalf("matches = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSkipTimesAndCounters(t *testing.T) {
	e, err := NewEngine([]*Scenario{scenario("virtfusion/x", Rule{Match: Match{Operation: "createServer"}, Skip: 1, Times: 2, Action: Action{Status: 500}})}, faults)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Activate("w1", "virtfusion/x"); err != nil {
		t.Fatal(err)
	}
	var fired []bool
	for i := 0; i < 5; i++ {
		fired = append(fired, len(e.Fire("w1", req("createServer", "POST", "/api/v1/servers", nil, nil))) > 0)
	}
	if want := []bool{false, true, true, false, false}; !equal(fired, want) {
		t.Fatalf("fired %v, want %v", fired, want)
	}
	if n := len(e.Fire("w2", req("createServer", "POST", "/api/v1/servers", nil, nil))); n != 0 {
		t.Fatal("a rule fired in a world where its scenario is not active")
	}
	rep := e.List("w1").Active[0].Rules[0]
	if rep.Matched != 5 || rep.Fired != 2 {
		t.Fatalf("counters %+v", rep)
	}
	if other := (&Request{Provider: "e24cloud", Operation: "createServer"}); len(e.Fire("w1", other)) != 0 {
		t.Fatal("a virtfusion scenario fired on another provider")
	}
}

func TestProbabilityIsSeededPerWorld(t *testing.T) {
	run := func(world string) []bool {
		e, _ := NewEngine([]*Scenario{scenario("virtfusion/p", Rule{Probability: 0.5, Action: Action{Status: 500}})}, faults)
		e.Activate(world, "virtfusion/p")
		var out []bool
		for i := 0; i < 40; i++ {
			out = append(out, len(e.Fire(world, req("x", "GET", "/", nil, nil))) > 0)
		}
		return out
	}
	a, b := run("w1"), run("w1")
	if !equal(a, b) {
		t.Fatal("the same world drew differently")
	}
	n := 0
	for _, f := range a {
		if f {
			n++
		}
	}
	if n < 10 || n > 30 {
		t.Fatalf("probability 0.5 fired %d times of 40", n)
	}
}

func TestFiringOrder(t *testing.T) {
	slow := Rule{Action: Action{Latency: &Latency{Min: time.Second, Max: time.Second}}}
	e, _ := NewEngine([]*Scenario{scenario("virtfusion/two", slow, Rule{Action: Action{Status: 503}}, Rule{Action: Action{Status: 500}})}, faults)
	e.Activate("w", "virtfusion/two")
	got := e.Fire("w", req("x", "GET", "/", nil, nil))
	if len(got) != 2 || got[0].Label != "virtfusion/two#1" || got[1].Action.Status != 503 {
		t.Fatalf("firings %+v", got)
	}
}

func TestPostActivateDeactivateUndo(t *testing.T) {
	e, _ := NewEngine(nil, faults)
	s := scenario("virtfusion/mine", Rule{Action: Action{Fault: "build-fails"}})
	if err := e.Post("w", s, "posted"); err != nil {
		t.Fatal(err)
	}
	if err := e.Activate("w2", "virtfusion/mine"); err != ErrUnknown {
		t.Fatalf("another world activated a posted scenario: %v", err)
	}
	e.Activate("w", "virtfusion/mine")
	undone := 0
	e.Undoer = func(world string, u Undo) error {
		if world != "w" || u.Provider != "virtfusion" || string(u.Data) != `{"server":1}` {
			t.Errorf("undo of %s: %+v", world, u)
		}
		undone++
		return nil
	}
	for _, f := range e.Fire("w", req("x", "GET", "/", nil, nil)) {
		if err := f.AddUndo(e, "w", Undo{Provider: "virtfusion", Data: []byte(`{"server":1}`)}); err != nil {
			t.Fatal(err)
		}
	}
	if was, err := e.Deactivate("w", "virtfusion/mine"); !was || err != nil || undone != 1 {
		t.Fatalf("deactivate: %v %v, undone %d", was, err, undone)
	}
	if err := e.Delete("w", "virtfusion/mine"); err != nil {
		t.Fatal(err)
	}
	if len(e.List("w").Library) != 0 {
		t.Fatal("deleted scenario still listed")
	}
}

func TestCheck(t *testing.T) {
	for name, s := range map[string]*Scenario{
		"no provider":      scenario("x", Rule{Action: Action{Status: 500}}),
		"unknown provider": scenario("tenantos/x", Rule{Action: Action{Status: 500}}),
		"no rules":         scenario("virtfusion/x"),
		"unknown fault":    scenario("virtfusion/x", Rule{Action: Action{Fault: "meteor"}}),
		"does nothing":     scenario("virtfusion/x", Rule{}),
		"bad status":       scenario("virtfusion/x", Rule{Action: Action{Status: 999}}),
		"bad probability":  scenario("virtfusion/x", Rule{Probability: 2, Action: Action{Status: 500}}),
	} {
		if err := s.Check(faults); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestLibraryAndParse(t *testing.T) {
	fsys := fstest.MapFS{
		"scenarios/virtfusion/slow.yaml":  {Data: []byte("description: slow\nrules:\n  - match: {}\n    action: {latency: 2s}\n")},
		"scenarios/virtfusion/range.yaml": {Data: []byte("description: range\nrules:\n  - action: {latency: {min: 1s, max: 3s}}\n")},
	}
	lib, err := LoadLibrary(fsys)
	if err != nil || len(lib) != 2 || lib[1].Name != "virtfusion/slow" || lib[1].Rules[0].Action.Latency.Min != 2*time.Second {
		t.Fatalf("library %v %v", lib, err)
	}
	if lib[0].Rules[0].Action.Latency.Max != 3*time.Second {
		t.Fatalf("range %+v", lib[0].Rules[0].Action.Latency)
	}
	s, err := Parse([]byte(`{"name":"virtfusion/j","description":"json","rules":[{"match":{"operation":"getServer"},"action":{"latency":"150ms"}}]}`))
	if err != nil || s.Rules[0].Action.Latency.Min != 150*time.Millisecond {
		t.Fatalf("JSON: %v %v", s, err)
	}
	if _, err := Parse([]byte("description: x\nrulez: []\n")); err == nil {
		t.Fatal("unknown key accepted")
	}
	if lib, err := LoadLibrary(fstest.MapFS{}); err != nil || len(lib) != 0 {
		t.Fatalf("no scenarios folder: %v %v", lib, err)
	}
}

func equal(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSavedAndLoaded: what a world holds of its scenarios is saved on every change (counters
// when flushed) and a fresh engine loaded with it fires, counts and undoes as the first did.
func TestSavedAndLoaded(t *testing.T) {
	saved := map[string]Saved{}
	e, _ := NewEngine(nil, faults)
	e.Persist = func(world string, s Saved) error { saved[world] = s; return nil }
	once := scenario("virtfusion/once", Rule{Times: 2, Action: Action{Status: 503}})
	if err := e.Post("w", once, "posted"); err != nil {
		t.Fatal(err)
	}
	e.Activate("w", "virtfusion/once")
	f := e.Fire("w", req("x", "GET", "/", nil, nil))
	f[0].AddUndo(e, "w", Undo{Provider: "virtfusion", Data: []byte(`{"fault":"x"}`)})
	if err := e.Flush("w"); err != nil {
		t.Fatal(err)
	}
	got := saved["w"]
	if len(got.Posted) != 1 || len(got.Active) != 1 || got.Active[0].Fired[0] != 1 || len(got.Active[0].Undo) != 1 {
		t.Fatalf("saved %+v", got)
	}

	// A restart: a fresh engine, loaded from what was saved.
	e2, _ := NewEngine(nil, faults)
	if err := e2.Load("w", got); err != nil {
		t.Fatal(err)
	}
	if e2.Idle() {
		t.Fatal("the loaded engine has nothing active")
	}
	if n := len(e2.Fire("w", req("x", "GET", "/", nil, nil))); n != 1 {
		t.Fatalf("the second of two firings: %d", n)
	}
	if n := len(e2.Fire("w", req("x", "GET", "/", nil, nil))); n != 0 {
		t.Fatalf("a third firing of a rule for two times: %d", n)
	}
	undone := 0
	e2.Undoer = func(string, Undo) error { undone++; return nil }
	if was, err := e2.Deactivate("w", "virtfusion/once"); !was || err != nil || undone != 1 {
		t.Fatalf("deactivate after load: %v %v, undone %d", was, err, undone)
	}
	// Loading an empty state forgets the world's scenarios.
	e2.Load("w", Saved{})
	if len(e2.List("w").Library) != 0 {
		t.Fatal("an empty load kept scenarios")
	}
	// A saved active scenario whose scenario is gone is dropped and reported.
	if err := e2.Load("w", Saved{Active: []SavedActive{{Name: "virtfusion/gone"}}}); err == nil || !e2.Idle() {
		t.Fatalf("a missing scenario loaded: %v", err)
	}
}
