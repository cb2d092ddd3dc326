package virtfusion_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/virtfusion"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/simtest"
)

// TestReusedAnswersAreTheFreshOnes drives two simulators through the same requests, one
// keeping answers for reuse and one working every read out afresh, and compares each read
// byte for byte: after a create, a build on the clock, a rename, a power change and time
// passing, so that a kept answer never outlives the state or the second it showed.
func TestReusedAnswersAreTheFreshOnes(t *testing.T) {
	kept, fresh := newEnv(t), newEnv(t, simtest.WithoutAnswerReuse())
	var srv int64
	for _, e := range []*env{kept, fresh} {
		srv = e.server(e.user(7), pkgS, groupDefault)
	}
	reads := []string{
		fmt.Sprintf("/servers/%d", srv), fmt.Sprintf("/servers/%d?remoteState=true", srv),
		"/servers?results=1", "/servers?results=1&page=2", "/hypervisors/1", "/packages",
	}
	compare := func(step string) {
		t.Helper()
		for _, path := range reads {
			a, b := kept.c.Do("GET", path, nil), fresh.c.Do("GET", path, nil)
			again := kept.c.Do("GET", path, nil) // from the kept answer
			// Page links name the listener: the two simulators' differ.
			b.Body = bytes.ReplaceAll(b.Body, []byte(fresh.c.Root), []byte(kept.c.Root))
			if a.Status != b.Status || !bytes.Equal(a.Body, b.Body) || !bytes.Equal(a.Body, again.Body) {
				t.Fatalf("%s: GET %s differs:\nkept:  %d %.300s\nagain: %.300s\nfresh: %d %.300s", step, path, a.Status, a.Body, again.Body, b.Status, b.Body)
			}
			if a.Header.Get("Content-Type") != b.Header.Get("Content-Type") || again.Header.Get("Content-Length") != b.Header.Get("Content-Length") {
				t.Fatalf("%s: GET %s headers differ: %v / %v", step, path, again.Header, b.Header)
			}
		}
	}
	step := func(name string, f func(e *env)) {
		t.Helper()
		for _, e := range []*env{kept, fresh} {
			f(e)
		}
		compare(name)
	}
	compare("created")
	step("second server", func(e *env) { e.server(e.user(8), pkgM, groupDefault) })
	step("build queued", func(e *env) {
		e.c.Do("POST", fmt.Sprintf("/servers/%d/build", srv), map[string]any{"operatingSystemId": tmplDebian12}).Expect(t, 200)
	})
	step("build done", func(e *env) { e.advance(10 * time.Minute) })
	step("renamed", func(e *env) {
		e.c.Do("PUT", fmt.Sprintf("/servers/%d/modify/name", srv), map[string]any{"name": "renamed"}).Expect(t, 201)
	})
	step("a second on", func(e *env) { e.advance(time.Second) })
	step("powered off", func(e *env) {
		e.c.Do("POST", fmt.Sprintf("/servers/%d/power/shutdown", srv), nil).Expect(t, 200)
		e.advance(time.Minute)
	})
}

// TestServerListEntriesAreTheRecords: the list entries kept beside each server give the same
// page, byte for byte, as the servers' records do (a file written before entries were kept),
// names with characters JSON could escape included.
func TestServerListEntriesAreTheRecords(t *testing.T) {
	e := newEnv(t, simtest.WithoutAnswerReuse())
	u := e.user(9)
	for i := 0; i < 3; i++ {
		e.server(u, pkgS, groupDefault)
	}
	e.c.Do("PUT", "/servers/2/modify/name", map[string]any{"name": `<b>"Tom" & Jerry</b> é`}).Expect(t, 201)
	e.c.Do("DELETE", "/servers/3", nil)
	e.advance(time.Hour)
	kept := e.c.Do("GET", "/servers?results=2&page=1", nil).Expect(t, 200)
	if !bytes.Contains(kept.Body, []byte(`<b>\"Tom\" & Jerry</b> é`)) {
		t.Fatalf("the renamed server: %s", kept.Body)
	}
	err := e.s.World(simtest.DefaultToken).Update(func(tx *state.Tx) error {
		entries := tx.Coll(virtfusion.Name, "serverList")
		var keys [][]byte
		entries.ForEach(func(k, _ []byte) error { keys = append(keys, bytes.Clone(k)); return nil })
		if len(keys) != 2 {
			return fmt.Errorf("%d list entries for 2 servers", len(keys))
		}
		for _, k := range keys {
			if err := entries.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fromRecords := e.c.Do("GET", "/servers?results=2&page=1", nil).Expect(t, 200)
	if !bytes.Equal(kept.Body, fromRecords.Body) {
		t.Fatalf("list from entries:\n%s\nfrom records:\n%s", kept.Body, fromRecords.Body)
	}
}
