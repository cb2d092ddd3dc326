package comments_test

import (
	"fmt"
	"testing"

	"github.com/panelsim/panelsim/internal/routes/tenantos/comments"
	"github.com/panelsim/panelsim/simtest"
)

// withComment adds a comment with a file to server 1 and points the path values at them.
func withComment(e *env, paths map[string]string, _ map[string]any) {
	body, hdr := simtest.Multipart(e.t, map[string]string{"comment": "Conformance"}, simtest.FilePart("attachments[]", "notes.txt", "text/plain", []byte("notes")))
	res := e.do("POST", "/servers/1/comments", body, hdr...).Expect(e.t, 200)
	paths["id"] = fmt.Sprint(res.Int("result", "id"))
	paths["fileId"] = fmt.Sprint(res.Int("result", "files", 0, "id"))
}

// operations are the group's operations with what each needs beyond the documented example
// in the default world.
var operations = map[string]func(e *env, paths map[string]string, body map[string]any){
	"listServerComments": withComment,
	"createServerComment": func(_ *env, _ map[string]string, body map[string]any) {
		body["user_id"] = 3 // the example's user 14 does not exist
	},
	"getServerComment":    withComment,
	"updateServerComment": withComment,
	"deleteServerComment": withComment,
	"downloadFile":        withComment,
	"deleteFile":          withComment,
}

// TestConformance sends every operation of the group its documented example request (with
// the world's ids) in a fresh world and expects the documented success status; simtest
// checks every answer against specs/tenantos.yaml. Operations of other groups are skipped.
func TestConformance(t *testing.T) {
	e := newEnv(t)
	api := e.c.Base
	mine := comments.Routes(nil)
	if len(mine) != len(operations) || len(mine) != 7 {
		t.Fatalf("%d operations routed, %d in the table (want 7)", len(mine), len(operations))
	}
	seen := 0
	simtest.Conformance(t, "tenantos", func(t *testing.T, c *simtest.Case) {
		prepare, ok := operations[c.Operation]
		if !ok {
			t.Skip("not an operation of the comments group")
		}
		seen++
		e.t = t
		e.c.Base = api
		e.c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
		paths := map[string]string{"server_id": "1", "server": "1", "id": "1", "fileId": "1"}
		if prepare != nil {
			prepare(e, paths, c.Body)
		}
		e.c.Base = e.c.Root // the document's paths start with /api
		c.Send(t, e.c, c.URL(t, paths), c.Body, c.Status)
	})
	if seen != len(operations) {
		t.Fatalf("%d operations sent, want %d", seen, len(operations))
	}
}
