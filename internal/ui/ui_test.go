package ui_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/simtest"
)

const (
	worldToken = "tok-ui-world-8f3a61c2d9"
	otherToken = "tok-ui-other-55b0e7a1c4"
	adminToken = "tok-ui-admin-2c9d4e7f10"
)

// browser is an HTTP client with a cookie jar that does not follow redirects.
type browser struct {
	t    *testing.T
	base string
	hc   *http.Client
}

func newBrowser(t *testing.T, s *simtest.Sim) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: s.URL("virtfusion"), hc: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, path string, form url.Values) (int, http.Header, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(raw)
}

func (b *browser) login(token string) {
	b.t.Helper()
	status, hdr, _ := b.do("POST", "/_sim/ui/login", url.Values{"token": {token}})
	if status != http.StatusSeeOther {
		b.t.Fatalf("login: status %d", status)
	}
	ck := hdr.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/_sim/"} {
		if !strings.Contains(ck, want) {
			b.t.Errorf("session cookie %q lacks %s", ck, want)
		}
	}
}

var pages = []string{"/_sim/ui/world", "/_sim/ui/tasks", "/_sim/ui/journal", "/_sim/ui/scenarios", "/_sim/ui/clock", "/_sim/ui/snapshots", "/_sim/ui/requests"}

// TestPagesNeedASession: without the cookie every page sends to the sign-in form; a token of
// no world is refused with 401; with the cookie every page answers 200 and none shows a token.
func TestPagesNeedASession(t *testing.T) {
	s := simtest.New(t, simtest.WithTokens(worldToken, otherToken), simtest.WithAdminToken(adminToken))
	api := s.Client("virtfusion", worldToken)
	api.Do("GET", "/servers", nil).Expect(t, 200)
	b := newBrowser(t, s)
	for _, p := range append(pages, "/_sim/ui/") {
		status, hdr, _ := b.do("GET", p, nil)
		if status != http.StatusSeeOther || hdr.Get("Location") != "/_sim/ui/login" {
			t.Errorf("%s without a session: %d to %q, want 303 to the sign-in form", p, status, hdr.Get("Location"))
		}
	}
	if status, _, body := b.do("GET", "/_sim/ui/login", nil); status != 200 || !strings.Contains(body, `name="token"`) {
		t.Errorf("sign-in form: %d %.200s", status, body)
	}
	if status, _, body := b.do("POST", "/_sim/ui/login", url.Values{"token": {"no-such-token-123456"}}); status != http.StatusUnauthorized || !strings.Contains(body, "opens no world") || strings.Contains(body, "no-such-token-123456") {
		t.Errorf("bad token: %d %.300s", status, body)
	}
	b.login(worldToken)
	for _, p := range pages {
		status, _, body := b.do("GET", p, nil)
		if status != 200 {
			t.Errorf("%s: status %d: %.300s", p, status, body)
		}
		for _, tok := range []string{worldToken, otherToken, adminToken} {
			if strings.Contains(body, tok) {
				t.Errorf("%s shows a token", p)
			}
		}
	}
	// The world's own token may not list the worlds.
	if status, _, _ := b.do("GET", "/_sim/ui/worlds", nil); status != http.StatusForbidden {
		t.Errorf("worlds with a world's token: %d", status)
	}
	// A cookie whose token opens no world is refused and forgotten.
	bad := newBrowser(t, s)
	u, _ := url.Parse(bad.base)
	bad.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "panelsim_ui", Value: "gone-token-0123456789", Path: "/_sim/"}})
	if status, _, body := bad.do("GET", "/_sim/ui/world", nil); status != http.StatusUnauthorized || !strings.Contains(body, `name="token"`) {
		t.Errorf("page with a stale cookie: %d", status)
	}
	// Signing out forgets the token.
	b.do("POST", "/_sim/ui/logout", url.Values{})
	if status, _, _ := b.do("GET", "/_sim/ui/world", nil); status != http.StatusSeeOther {
		t.Errorf("after signing out: %d", status)
	}
}

// TestAdminSeesEveryWorld: the admin token lists the worlds (tokens masked) and opens each.
func TestAdminSeesEveryWorld(t *testing.T) {
	s := simtest.New(t, simtest.WithTokens(worldToken, otherToken), simtest.WithAdminToken(adminToken))
	s.Client("virtfusion", otherToken).Do("POST", "/users", map[string]any{"name": "Only Other", "email": "other@example.com"}).Expect(t, 201)
	b := newBrowser(t, s)
	b.login(adminToken)
	status, _, body := b.do("GET", "/_sim/ui/worlds", nil)
	if status != 200 || strings.Count(body, `name="id"`) < 2 || !strings.Contains(body, s.World(worldToken).ID) {
		t.Fatalf("worlds: %d %.500s", status, body)
	}
	for _, tok := range []string{worldToken, otherToken, adminToken} {
		if strings.Contains(body, tok) {
			t.Errorf("the worlds page shows a token")
		}
	}
	other := s.World(otherToken).ID
	if status, hdr, _ := b.do("POST", "/_sim/ui/worlds/open", url.Values{"id": {other}}); status != http.StatusSeeOther || hdr.Get("Location") != "/_sim/ui/world" {
		t.Fatalf("open world: %d", status)
	}
	status, _, body = b.do("GET", "/_sim/ui/world?provider=virtfusion&kind=users", nil)
	if status != 200 || !strings.Contains(body, "Only Other") || !strings.Contains(body, other) {
		t.Errorf("the other world's users: %d %.300s", status, body)
	}
}

// TestRecordsAreEscapedAndLinked: record values are shown as text, and a field naming
// another kind's id links to that record.
func TestRecordsAreEscapedAndLinked(t *testing.T) {
	s := simtest.New(t, simtest.WithTokens(worldToken))
	c := s.Client("virtfusion", worldToken)
	u := c.Do("POST", "/users", map[string]any{"name": "Eve", "email": "eve@example.com"}).Expect(t, 201).Int("data", "id")
	srv := c.Do("POST", "/servers", map[string]any{"packageId": 1, "userId": u, "hypervisorId": 1}).Expect(t, 201).Int("data", "id")
	c.Do("POST", fmt.Sprintf("/servers/%d/build", srv), map[string]any{"operatingSystemId": 1, "name": "<script>alert(1)</script>"}).Expect(t, 200)
	b := newBrowser(t, s)
	b.login(worldToken)
	status, _, body := b.do("GET", "/_sim/ui/world?provider=virtfusion&kind=servers", nil)
	if status != 200 {
		t.Fatalf("servers: %d", status)
	}
	if strings.Contains(body, "<script>alert(1)</script>") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the server's name is not escaped")
	}
	for _, link := range []string{fmt.Sprintf("kind=users&amp;id=%d", u), "kind=hypervisors&amp;id=1", "kind=packages&amp;id=1"} {
		if !strings.Contains(body, link) {
			t.Errorf("servers page has no link %q", link)
		}
	}
	status, _, body = b.do("GET", fmt.Sprintf("/_sim/ui/world?provider=virtfusion&kind=servers&id=%d", srv), nil)
	if status != 200 || !strings.Contains(body, `id="record"`) || strings.Contains(body, "<script>alert") {
		t.Errorf("server record: %d", status)
	}
	status, _, body = b.do("GET", fmt.Sprintf("/_sim/ui/world?provider=virtfusion&kind=users&id=%d", u), nil)
	if status != 200 || !strings.Contains(body, "eve@example.com") {
		t.Errorf("linked user: %d %.300s", status, body)
	}
	if status, _, _ := b.do("GET", "/_sim/ui/world?provider=virtfusion&kind=users&id=99999", nil); status != http.StatusNotFound {
		t.Errorf("missing record: %d", status)
	}
}

// TestActionsGoThroughTheControlAPI: the forms advance the clock, switch a scenario, and take,
// restore and delete snapshots; the control API sees each change.
func TestActionsGoThroughTheControlAPI(t *testing.T) {
	s := simtest.New(t, simtest.WithTokens(worldToken))
	c := s.Client("virtfusion", worldToken)
	b := newBrowser(t, s)
	b.login(worldToken)
	b.do("POST", "/_sim/ui/clock/advance", url.Values{"amount": {"90"}, "unit": {"minutes"}})
	if now := c.Control("GET", "/_sim/clock", nil).Expect(t, 200).String("now"); now != "2025-01-20T13:30:00Z" {
		t.Errorf("clock after advancing 90 minutes from the page: %s", now)
	}
	if _, _, body := b.do("GET", "/_sim/ui/clock", nil); !strings.Contains(body, "2025-01-20 13:30:00") || !strings.Contains(body, "Advanced 90 minutes") {
		t.Errorf("clock page: %.500s", body)
	}
	b.do("POST", "/_sim/ui/scenarios/switch", url.Values{"name": {"virtfusion/maintenance"}, "on": {"1"}})
	res := c.Control("GET", "/_sim/scenarios", nil).Expect(t, 200)
	if res.String("active", 0, "name") != "virtfusion/maintenance" {
		t.Errorf("scenario not switched on: %v", res)
	}
	b.do("POST", "/_sim/ui/scenarios/switch", url.Values{"name": {"virtfusion/maintenance"}, "on": {"0"}})
	if res := c.Control("GET", "/_sim/scenarios", nil).Expect(t, 200); res.Len("active") != 0 {
		t.Errorf("scenario not switched off: %v", res)
	}
	b.do("POST", "/_sim/ui/snapshots", url.Values{"do": {"take"}, "name": {"first"}})
	c.Control("POST", "/_sim/clock/advance", map[string]any{"hours": 1}).Expect(t, 200)
	b.do("POST", "/_sim/ui/snapshots", url.Values{"do": {"restore"}, "name": {"first"}})
	if now := c.Control("GET", "/_sim/clock", nil).Expect(t, 200).String("now"); now != "2025-01-20T13:30:00Z" {
		t.Errorf("clock after restoring from the page: %s", now)
	}
	b.do("POST", "/_sim/ui/snapshots", url.Values{"do": {"delete"}, "name": {"first"}})
	if res := c.Control("GET", "/_sim/snapshots", nil).Expect(t, 200); res.Len("snapshots") != 0 {
		t.Errorf("snapshot not deleted: %v", res)
	}
	// A form posted from another site is refused.
	req, _ := http.NewRequest("POST", b.base+"/_sim/ui/snapshots", strings.NewReader("do=take&name=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	if res, err := b.hc.Do(req); err != nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site post: %v %v", res.StatusCode, err)
	}
}

// The journal page opens each entry to its request and answer bodies, secrets masked.
func TestJournalShowsBodies(t *testing.T) {
	s := simtest.New(t, simtest.WithTokens(worldToken), simtest.WithOptions(func(o *sim.Options) { o.KeepAllBodies = true }))
	api := s.Client("virtfusion", worldToken)
	api.Do("POST", "/users", map[string]any{"name": "Bodies <b>", "email": "bodies@example.com", "extRelationId": 31}).Expect(t, 201)
	b := newBrowser(t, s)
	b.login(worldToken)
	status, _, page := b.do("GET", "/_sim/ui/journal", nil)
	if status != 200 {
		t.Fatalf("journal: %d", status)
	}
	for _, want := range []string{"Request body", "Answer body", "&#34;extRelationId&#34;:31", "&#34;password&#34;:&#34;REDACTED&#34;", "Bodies \\u003cb\\u003e"} {
		if !strings.Contains(page, want) {
			t.Errorf("journal page lacks %q", want)
		}
	}
	if strings.Contains(page, "<b>") {
		t.Error("a body was not escaped")
	}
}
