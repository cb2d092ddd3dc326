package simtest

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/e24cloud"
)

// apiBase is where each provider's API lives under its listener.
var apiBase = map[string]string{"virtfusion": "/api/v1", "tenantos": "/api", "e24cloud": "/v2", "openscaler": "/v1"}

// Client talks to one provider's API with one token, as a billing module would.
type Client struct {
	t     testing.TB
	Base  string // the API's base URL, e.g. http://127.0.0.1:40123/api/v1
	Root  string // the listener's URL
	Token string
	HTTP  *http.Client
	// Sign, when set, authenticates a request instead of the bearer token (e24cloud).
	Sign func(req *http.Request, body []byte)
}

// E24Client returns an e24cloud client that signs every request with key and secret, as
// e24cloud's REST API wants (see SignE24).
func (s *Sim) E24Client(key, secret string) *Client {
	c := s.Client("e24cloud", key)
	c.Sign = func(req *http.Request, body []byte) { SignE24(req, body, key, secret, time.Now()) }
	return c
}

// SignE24 signs an e24cloud request: X-Date, and Authorization "<key>:<base64 HMAC-SHA256 of
// METHOD\nHOST\nX-Date\nPATH?QUERY\nBODY>".
func SignE24(req *http.Request, body []byte, key, secret string, now time.Time) {
	e24cloud.Sign(req, body, key, secret, now)
}

// Client returns a client of a provider's API with a token ("" sends none).
func (s *Sim) Client(provider, token string) *Client {
	root := s.URL(provider)
	if root == "" {
		s.t.Fatalf("simtest: no listener for %s", provider)
	}
	hc := &http.Client{Timeout: 30 * time.Second}
	if strings.HasPrefix(root, "https") {
		hc.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	}
	return &Client{t: s.t, Base: root + apiBase[provider], Root: root, Token: token, HTTP: hc}
}

// Response is an answer, with its body decoded when it is JSON.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	JSON   any
}

// Do sends a request to the API. body is nil, a []byte or string sent as is (with a JSON
// content type), or a value encoded as JSON. hdr is pairs of header names and values; a
// Content-Type among them replaces the JSON one.
func (c *Client) Do(method, path string, body any, hdr ...string) *Response {
	c.t.Helper()
	return c.do(c.Base+path, method, body, "Authorization", "Bearer "+c.Token, hdr...)
}

// Control calls the control API of the client's world; hdr as for Do.
func (c *Client) Control(method, path string, body any, hdr ...string) *Response {
	c.t.Helper()
	return c.do(c.Root+path, method, body, "X-Panelsim-Token", c.Token, hdr...)
}

// Activate switches a scenario on in the client's world; Deactivate switches it off. Both
// fail the test unless the control API answers 200.
func (c *Client) Activate(t testing.TB, scenario string) {
	t.Helper()
	c.Control("POST", "/_sim/scenarios/"+scenario+"/activate", nil).Expect(t, 200)
}

// Deactivate: see Activate.
func (c *Client) Deactivate(t testing.TB, scenario string) {
	t.Helper()
	c.Control("POST", "/_sim/scenarios/"+scenario+"/deactivate", nil).Expect(t, 200)
}

func (c *Client) do(url, method string, body any, authName, authValue string, hdr ...string) *Response {
	c.t.Helper()
	var rd io.Reader
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			c.t.Fatalf("simtest: encode body: %v", err)
		}
	}
	if body != nil {
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		c.t.Fatalf("simtest: %v", err)
	}
	req.Header.Set("Accept", "application/json")
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set(authName, authValue)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if c.Sign != nil && authName == "Authorization" {
		c.Sign(req, raw)
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatalf("simtest: %s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	got, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("simtest: read body: %v", err)
	}
	out := &Response{Status: res.StatusCode, Header: res.Header, Body: got}
	if len(bytes.TrimSpace(got)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(got))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) == nil {
			out.JSON = v
		}
	}
	return out
}

// Get walks the decoded body by object keys (string) and array indexes (int).
func (r *Response) Get(path ...any) any {
	v := r.JSON
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k < 0 || k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

// Int is Get for a number; it is 0 when the value is not a number.
func (r *Response) Int(path ...any) int64 {
	n, ok := r.Get(path...).(json.Number)
	if !ok {
		return 0
	}
	i, _ := n.Int64()
	return i
}

// String is Get for a string.
func (r *Response) String(path ...any) string {
	s, _ := r.Get(path...).(string)
	return s
}

// Len is the length of an array (or object) at path, -1 when there is none.
func (r *Response) Len(path ...any) int {
	switch v := r.Get(path...).(type) {
	case []any:
		return len(v)
	case map[string]any:
		return len(v)
	}
	return -1
}

// Expect fails the test unless the status is one of want.
func (r *Response) Expect(t testing.TB, want ...int) *Response {
	t.Helper()
	for _, w := range want {
		if r.Status == w {
			return r
		}
	}
	t.Fatalf("status %d, want %v; body: %s", r.Status, want, r.short())
	return r
}

func (r *Response) short() string {
	s := string(r.Body)
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}

// String of a response is its status and the start of its body, for failure messages.
func (r *Response) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "%d %s", r.Status, r.short())
}
