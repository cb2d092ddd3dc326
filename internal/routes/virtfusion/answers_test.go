package virtfusion_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

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
