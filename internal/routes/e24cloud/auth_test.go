package e24cloud_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/simtest"
)

// signed sends a request signed the way one client or another does.
type signed struct {
	method, path, body string
	key, secret        string
	host               string // what goes in the string to sign
	uri                string // path (and query) signed
	date               string
	dateHeader         string // the header the date goes in (default X-Date)
	noDate             bool
	tamper             bool // send a body other than the one signed
}

func (s signed) do(t *testing.T, base string) int {
	t.Helper()
	status, _ := s.send(t, base)
	return status
}

// send sends the request and returns its status and headers.
func (s signed) send(t *testing.T, base string) (int, http.Header) {
	t.Helper()
	sent := s.body
	if s.tamper {
		sent += " "
	}
	req, _ := http.NewRequest(s.method, base+s.path, strings.NewReader(sent))
	req.Header.Set("Content-Type", "application/json")
	if !s.noDate {
		h := s.dateHeader
		if h == "" {
			h = "X-Date"
		}
		req.Header.Set(h, s.date)
	}
	msg := s.method + "\n" + s.host + "\n" + s.date + "\n" + s.uri + "\n" + s.body
	mac := hmac.New(sha256.New, []byte(s.secret))
	mac.Write([]byte(msg))
	req.Header.Set("Authorization", s.key+":"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode == 401 && (!strings.Contains(string(b), `"success":false`) || res.Header.Get("Panelsim-Auth-Error") == "") {
		t.Errorf("401 is not e24cloud's body with a Panelsim-Auth-Error: %s %v", b, res.Header)
	}
	return res.StatusCode, res.Header
}

func TestSignatures(t *testing.T) {
	s := simtest.New(t, simtest.WithOptions(func(o *sim.Options) { o.E24Keys = map[string]string{"key-one": "secret-one"} }))
	base := s.URL("e24cloud") + "/v2"
	hostPort := strings.TrimPrefix(s.URL("e24cloud"), "http://")
	host, _, _ := strings.Cut(hostPort, ":")
	now := time.Now().UTC()
	gmt := now.Format(http.TimeFormat)
	cet := now.In(time.FixedZone("CET", 3600)).Format(time.RFC1123)
	doc := now.In(time.FixedZone("EST", -5*3600)).Format("Mon, 02 Jan 2006, 15:04:05 MST")
	ok := signed{method: "GET", path: "/regions", key: "key-one", secret: "secret-one", host: hostPort, uri: "/v2/regions", date: gmt}
	tests := []struct {
		name   string
		mutate func(*signed)
		want   int
	}{
		{"host with port, GMT", func(*signed) {}, 200},
		{"host without port", func(r *signed) { r.host = host }, 200},
		{"local zone abbreviation (Go client)", func(r *signed) { r.date = cet }, 200},
		{"the documentation's date form", func(r *signed) { r.date = doc }, 200},
		{"query signed", func(r *signed) { r.path, r.uri = "/regions?x=1", "/v2/regions?x=1" }, 200},
		{"query signed as the page writes it: URI_PATH + QUERY_STRING", func(r *signed) { r.path, r.uri = "/regions?x=1", "/v2/regionsx=1" }, 200},
		{"query not signed (a leniency)", func(r *signed) { r.path = "/regions?x=1" }, 200},
		{"another query signed", func(r *signed) { r.path, r.uri = "/regions?x=1", "/v2/regions?x=2" }, 401},
		{"signed body on a GET", func(r *signed) { r.path, r.uri, r.body = "/templates", "/v2/templates", `"kek"` }, 200},
		{"trailing slash as sent", func(r *signed) { r.path, r.uri = "/regions/", "/v2/regions/" }, 200},
		{"default key and secret", func(r *signed) { r.key, r.secret = "panelsim", "panelsim-secret" }, 200},
		{"wrong secret", func(r *signed) { r.secret = "nope" }, 401},
		{"unknown key", func(r *signed) { r.key = "key-zero" }, 401},
		{"body not what was signed", func(r *signed) { r.path, r.uri, r.body, r.tamper = "/templates", "/v2/templates", "{}", true }, 401},
		{"stale date", func(r *signed) { r.date = now.Add(-time.Hour).Format(http.TimeFormat) }, 401},
		{"future date", func(r *signed) { r.date = now.Add(20 * time.Minute).Format(http.TimeFormat) }, 401},
		{"no date", func(r *signed) { r.noDate = true }, 401},
		{"unreadable date", func(r *signed) { r.date = "yesterday" }, 401},
		{"other method signed", func(r *signed) { r.method = "GET"; r.uri = "/v2/virtual-machines" }, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			tt.mutate(&r)
			if got := r.do(t, base); got != tt.want {
				t.Fatalf("status %d, want %d", got, tt.want)
			}
		})
	}
	// No Authorization at all.
	res := s.Client("e24cloud", "").Do("GET", "/virtual-machines", nil)
	if res.Status != 401 || res.Get("success") != false {
		t.Fatalf("unsigned: %v", res)
	}
}
