package comments_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/panelsim/panelsim/simtest"
)

// report is an attachment with bytes that are not text, so that a download proves the bytes
// came back as they went in.
var report = append([]byte("disk report\x00\x01\x02\xff\xfe"), bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 300)...)

// TestMultipartCommentWithFile: a comment created as multipart/form-data with a file lists the
// file; the download gives the same bytes; after deleteFile the download is the documented
// 500, byte for byte, and the comment lists no file.
func TestMultipartCommentWithFile(t *testing.T) {
	e := newEnv(t)
	body, hdr := simtest.Multipart(t, map[string]string{"comment": "<p>Disk replaced</p>", "sticky": "1"},
		simtest.FilePart("attachments[]", "smart-report.bin", "application/octet-stream", report))
	res := e.do("POST", "/servers/1/comments", body, hdr...).Expect(t, 200)
	id := res.Int("result", "id")
	if res.String("result", "comment") != "<p>Disk replaced</p>" || res.Int("result", "sticky") != 1 || res.Int("result", "user_id") != 1 ||
		res.String("result", "clientname") != "Mable White" || res.Len("result", "files") != 1 {
		t.Fatalf("created: %v", res)
	}
	fid := res.Int("result", "files", 0, "id")
	if res.String("result", "files", 0, "filename") != "smart-report.bin" || res.Int("result", "files", 0, "filesize") != int64(len(report)) {
		t.Fatalf("the file as listed: %v", res.Get("result", "files"))
	}

	list := e.do("GET", "/servers/1/comments", nil).Expect(t, 200)
	if list.Len("result") != 1 || list.Int("result", 0, "id") != id || list.Int("result", 0, "files", 0, "id") != fid {
		t.Fatalf("list: %v", list)
	}
	got := e.do("GET", "/servers/1/comments/"+fmt.Sprint(id), nil).Expect(t, 200)
	if got.Int("result", "files", 0, "id") != fid {
		t.Fatalf("get: %v", got)
	}

	dl := e.do("GET", fmt.Sprintf("/files/%d/download", fid), nil).Expect(t, 200)
	if !bytes.Equal(dl.Body, report) {
		t.Fatalf("downloaded %d bytes, not the %d uploaded", len(dl.Body), len(report))
	}
	if ct := dl.Header.Get("Content-Type"); ct != "application/octet-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	if cd := dl.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, "smart-report.bin") {
		t.Fatalf("Content-Disposition %q", cd)
	}

	e.do("DELETE", fmt.Sprintf("/files/%d", fid), nil).Expect(t, 200)
	expectDenied(t, e.do("GET", fmt.Sprintf("/files/%d/download", fid), nil))
	if n := e.do("GET", "/servers/1/comments/"+fmt.Sprint(id), nil).Expect(t, 200).Len("result", "files"); n != 0 {
		t.Fatalf("the comment still lists %d files", n)
	}
	e.do("DELETE", fmt.Sprintf("/files/%d", fid), nil).Expect(t, 404)
	expectDenied(t, e.do("GET", "/files/999/download", nil))
	expectDenied(t, e.do("GET", "/files/not-a-number/download", nil))
}

// TestDownloadScoping: a file is downloaded by whoever may see its server; anyone else gets
// the same 500 as for a file that does not exist (not the file), and 404 on the comments.
func TestDownloadScoping(t *testing.T) {
	e := newEnv(t)
	body, hdr := simtest.Multipart(t, map[string]string{"comment": "Invoice attached"}, simtest.FilePart("attachments[0]", "invoice.pdf", "", []byte("%PDF-1.4 invoice")))
	fid := e.do("POST", "/servers/1/comments", body, hdr...).Expect(t, 200).Int("result", "files", 0, "id")
	url := fmt.Sprintf("/files/%d/download", fid)

	if dl := e.as(3, "GET", url, nil).Expect(t, 200); string(dl.Body) != "%PDF-1.4 invoice" {
		t.Fatalf("the server's owner downloads %q", dl.Body)
	}
	for _, user := range []int{2, 4} { // a reseller and a customer who do not see server 1
		expectDenied(t, e.as(user, "GET", url, nil))
		e.as(user, "GET", "/servers/1/comments", nil).Expect(t, 404)
		e.as(user, "DELETE", fmt.Sprintf("/files/%d", fid), nil).Expect(t, 404)
	}
	// The owner sees the administrator's comment but may not delete its file.
	e.as(3, "DELETE", fmt.Sprintf("/files/%d", fid), nil).Expect(t, 403)
	e.do("GET", url, nil).Expect(t, 200)
}

// TestCommentLifecycle: JSON comments are created, read back, changed and deleted (then 404);
// the author and whoever manages it may change a comment, others may not; bad input is a 422
// naming the field and leaves nothing behind.
func TestCommentLifecycle(t *testing.T) {
	e := newEnv(t)
	// Sub-customer 4 writes on its own server 5.
	res := e.as(4, "POST", "/servers/5/comments", map[string]any{"comment": "Please check the fan", "sticky": false}).Expect(t, 200)
	id := res.Int("result", "id")
	if res.Int("result", "user_id") != 4 || res.String("result", "clientname") != "Ona Kunze" || res.Len("result", "files") != 0 {
		t.Fatalf("created: %v", res)
	}
	path := fmt.Sprintf("/servers/5/comments/%d", id)
	e.as(3, "GET", path, nil).Expect(t, 404) // customer 3 does not see server 5
	e.as(3, "PUT", path, map[string]any{"comment": "x"}).Expect(t, 404)
	// Its reseller manages it: it may change the comment.
	res = e.as(2, "PUT", path, map[string]any{"comment": "Fan replaced", "sticky": true}).Expect(t, 200)
	if res.String("result", "comment") != "Fan replaced" || res.Int("result", "sticky") != 1 || res.Int("result", "user_id") != 4 {
		t.Fatalf("updated: %v", res)
	}
	if got := e.as(4, "GET", path, nil).Expect(t, 200); got.String("result", "comment") != "Fan replaced" {
		t.Fatalf("read back: %v", got)
	}
	// A comment on server 1 is not one of server 5's.
	e.do("GET", fmt.Sprintf("/servers/1/comments/%d", id), nil).Expect(t, 404)

	// The administrator's note on server 5: its owner reads it, may not change or delete it.
	admin := e.do("POST", "/servers/5/comments", map[string]any{"comment": "Internal: rack B4"}).Expect(t, 200).Int("result", "id")
	apath := fmt.Sprintf("/servers/5/comments/%d", admin)
	e.as(4, "GET", apath, nil).Expect(t, 200)
	e.as(4, "PUT", apath, map[string]any{"comment": "mine now"}).Expect(t, 403)
	e.as(4, "DELETE", apath, nil).Expect(t, 403)
	// user_id names the author; it must be a user the caller manages.
	expect422(t, e.as(4, "PUT", path, map[string]any{"user_id": 3}), "user_id")
	if r := e.do("PUT", path, map[string]any{"user_id": 2}).Expect(t, 200); r.Int("result", "user_id") != 2 {
		t.Fatalf("new author: %v", r)
	}

	// Sticky comments come first, then the newest.
	list := e.do("GET", "/servers/5/comments", nil).Expect(t, 200)
	if list.Len("result") != 2 || list.Int("result", 0, "id") != id || list.Int("result", 1, "id") != admin {
		t.Fatalf("order: %v", list)
	}

	// Bad input: nothing is written.
	expect422(t, e.do("POST", "/servers/5/comments", map[string]any{"sticky": true}), "comment")
	expect422(t, e.do("POST", "/servers/5/comments", map[string]any{"comment": "x", "user_id": 99}), "user_id")
	expect422(t, e.do("POST", "/servers/5/comments", map[string]any{"comment": "x", "attachments": []string{"a.txt"}}), "attachments.0")
	empty, hdr := simtest.Multipart(t, map[string]string{"comment": "with an empty file"}, simtest.FilePart("attachments[]", "empty.txt", "text/plain", nil))
	expect422(t, e.do("POST", "/servers/5/comments", empty, hdr...), "attachments.0")
	if n := e.do("GET", "/servers/5/comments", nil).Expect(t, 200).Len("result"); n != 2 {
		t.Fatalf("%d comments after refused creates, want 2", n)
	}
	e.do("POST", "/servers/99/comments", map[string]any{"comment": "x"}).Expect(t, 404)

	e.as(2, "DELETE", path, nil).Expect(t, 200)
	e.do("GET", path, nil).Expect(t, 404)
	e.do("DELETE", path, nil).Expect(t, 404)

	// The server's activity log tells the story.
	log := e.do("GET", "/servers/5/activitylog", nil).Expect(t, 200)
	var descs []string
	for i := range log.Len("result") {
		descs = append(descs, log.String("result", i, "description"))
	}
	for _, want := range []string{"Created comment", "Updated comment", "Deleted comment"} {
		if !strings.Contains(strings.Join(descs, "|"), want) {
			t.Fatalf("activity log of server 5 lacks %q: %v", want, descs)
		}
	}
}

// TestDeletingRemovesFiles: deleting a comment deletes its files; deleting a server deletes
// its comments and their files; both survive a restart until then.
func TestDeletingRemovesFiles(t *testing.T) {
	e := newEnv(t)
	body, hdr := simtest.Multipart(t, map[string]string{"comment": "Two files"},
		simtest.FilePart("attachments[0]", "a.txt", "text/plain", []byte("first")), simtest.FilePart("attachments[1]", "b.txt", "text/plain", []byte("second")))
	res := e.do("POST", "/servers/2/comments", body, hdr...).Expect(t, 200)
	if res.String("result", "files", 0, "filename") != "a.txt" || res.String("result", "files", 1, "filename") != "b.txt" {
		t.Fatalf("files in the order sent: %v", res.Get("result", "files"))
	}
	id, a, b := res.Int("result", "id"), res.Int("result", "files", 0, "id"), res.Int("result", "files", 1, "id")
	body, hdr = simtest.Multipart(t, map[string]string{"comment": "Another"}, simtest.FilePart("attachments[]", "c.txt", "text/plain", []byte("third")))
	c := e.do("POST", "/servers/2/comments", body, hdr...).Expect(t, 200).Int("result", "files", 0, "id")

	e.s.Restart()
	e.c = e.s.Client("tenantos", simtest.DefaultToken)
	if dl := e.do("GET", fmt.Sprintf("/files/%d/download", b), nil).Expect(t, 200); string(dl.Body) != "second" {
		t.Fatalf("after a restart: %q", dl.Body)
	}

	e.do("DELETE", fmt.Sprintf("/servers/2/comments/%d", id), nil).Expect(t, 200)
	expectDenied(t, e.do("GET", fmt.Sprintf("/files/%d/download", a), nil))
	expectDenied(t, e.do("GET", fmt.Sprintf("/files/%d/download", b), nil))
	e.do("GET", fmt.Sprintf("/files/%d/download", c), nil).Expect(t, 200)

	e.do("DELETE", "/servers/2", nil).Expect(t, 200)
	expectDenied(t, e.do("GET", fmt.Sprintf("/files/%d/download", c), nil))
	e.do("DELETE", fmt.Sprintf("/files/%d", c), nil).Expect(t, 404)
	e.do("GET", "/servers/2/comments", nil).Expect(t, 404)
}

// TestStorageBound: a world keeps a bounded amount of files; a create that would pass it is
// refused whole.
func TestStorageBound(t *testing.T) {
	e := newEnv(t)
	chunk := bytes.Repeat([]byte("x"), 900<<10)
	var last *simtest.Response
	for i := 0; i < 40; i++ {
		body, hdr := simtest.Multipart(t, map[string]string{"comment": fmt.Sprint("log ", i)}, simtest.FilePart("attachments[]", "log.txt", "text/plain", chunk))
		last = e.do("POST", "/servers/3/comments", body, hdr...)
		if last.Status != 200 {
			break
		}
	}
	expect422(t, last, "attachments")
	n := e.do("GET", "/servers/3/comments", nil).Expect(t, 200).Len("result")
	if n == 0 || n >= 40 {
		t.Fatalf("%d comments stored before the bound", n)
	}
	// Deleting frees room again.
	first := e.do("GET", "/servers/3/comments", nil).Expect(t, 200).Int("result", 0, "id")
	e.do("DELETE", fmt.Sprintf("/servers/3/comments/%d", first), nil).Expect(t, 200)
	body, hdr := simtest.Multipart(t, map[string]string{"comment": "fits again"}, simtest.FilePart("attachments[]", "log.txt", "text/plain", chunk))
	e.do("POST", "/servers/3/comments", body, hdr...).Expect(t, 200)
}
