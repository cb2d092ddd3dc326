package scenarios

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// secretKey names the fields a recording scrubs: passwords, tokens, secrets, keys.
var secretKey = regexp.MustCompile(`(?i)password|passwd|secret|token|api_?key|authorization|private`)

// scrubbed stands in for a value a recording leaves out.
const scrubbed = "[scrubbed]"

// Recorder writes the exchanges a proxy sees as a scenario that replays them, in order:
// the k-th identical request gets the k-th recorded answer.
type Recorder struct {
	mu       sync.Mutex
	file     string
	scenario Scenario
	seen     map[string]int
}

// NewRecorder records a provider's exchanges with upstream into file.
func NewRecorder(provider, upstream, file string, now time.Time) *Recorder {
	host := upstream
	if u, err := url.Parse(upstream); err == nil && u.Host != "" {
		host = u.Host
	}
	return &Recorder{file: file, seen: map[string]int{}, scenario: Scenario{
		Name:        provider + "/recorded",
		Description: fmt.Sprintf("Recorded from %s on %s.", host, now.UTC().Format("2006-01-02 15:04")),
	}}
}

// Exchange is what a recording keeps of an exchange besides the rule that replays it, so
// that simulator verify can send the request again: when it began and how long it took on
// the recorder's clock, and the request as it was sent, with secret values scrubbed.
type Exchange struct {
	At time.Time `json:"at" yaml:"at"`
	// Seconds is how long the exchange took (a creation streamed as events takes a while).
	Seconds float64 `json:"seconds,omitempty" yaml:"seconds,omitempty"`
	// Query is the request's query string; Accept its Accept header; ContentType and Body
	// its body.
	Query       string `json:"query,omitempty" yaml:"query,omitempty"`
	Accept      string `json:"accept,omitempty" yaml:"accept,omitempty"`
	ContentType string `json:"contentType,omitempty" yaml:"contentType,omitempty"`
	Body        string `json:"body,omitempty" yaml:"body,omitempty"`
	// Headers are the request's headers that change what the panel answers (RecordedHeaders),
	// as sent.
	Headers map[string]string `json:"headers,omitempty" yaml:"headers,omitempty"`
}

// RecordedHeaders are the request headers a recording keeps: those that change what a panel
// answers without being a credential (Tenantos acting as one of its users). Credentials are
// never kept.
var RecordedHeaders = []string{"impersonateUserId", "impersonateClientIp"}

// KeptHeaders picks the RecordedHeaders of h (nil when it has none).
func KeptHeaders(h http.Header) map[string]string {
	var out map[string]string
	for _, name := range RecordedHeaders {
		if v := h.Get(name); v != "" {
			if out == nil {
				out = map[string]string{}
			}
			out[name] = v
		}
	}
	return out
}

// Scrubbed stands in for a secret value (a password, a token) in a recording.
const Scrubbed = scrubbed

// Add records one exchange and rewrites the file. ex carries the exchange's time, duration
// and request content type; Add fills in the request's query and body, scrubbed.
func (r *Recorder) Add(method, path string, query url.Values, reqBody []byte, status int, contentType, retryAfter string, respBody []byte, ex Exchange) error {
	ex.At = ex.At.UTC()
	ex.Query = scrubQuery(query).Encode()
	ex.Body = scrubBody(ex.ContentType, reqBody)
	ex.Seconds = math.Round(ex.Seconds*1000) / 1000
	m := Match{Method: method, Path: path}
	if len(query) > 0 {
		m.Query = map[string]string{}
		for k := range query {
			if !secretKey.MatchString(k) {
				m.Query[k] = query.Get(k)
			}
		}
	}
	var body map[string]any
	if json.Unmarshal(reqBody, &body) == nil && len(body) > 0 {
		m.Body = map[string]any{}
		for k, v := range body {
			if !secretKey.MatchString(k) && !holdsSecret(v) {
				m.Body[k] = v
			}
		}
	}
	key := fmt.Sprintf("%s %s %v %v", method, path, m.Query, m.Body)
	a := Action{Status: status, Body: string(scrubJSON(respBody)), Headers: map[string]string{}}
	if contentType != "" {
		a.Headers["Content-Type"] = contentType
	}
	if retryAfter != "" {
		a.Headers["Retry-After"] = retryAfter
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	rule := Rule{Match: m, Skip: r.seen[key], Times: 1, Action: a, Recorded: &ex}
	r.seen[key]++
	r.scenario.Rules = append(r.scenario.Rules, rule)
	return r.write()
}

// holdsSecret reports whether a JSON value has a secret-looking field somewhere inside: a
// match leaves such a field out whole ({"create_vm": {"password": …}}), since it compares
// values whole.
func holdsSecret(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if secretKey.MatchString(k) || holdsSecret(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if holdsSecret(e) {
				return true
			}
		}
	}
	return false
}

// scrubQuery copies a query with the values of secret-looking parameters scrubbed.
func scrubQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, vs := range q {
		for _, v := range vs {
			if secretKey.MatchString(k) && v != "" {
				v = scrubbed
			}
			out.Add(k, v)
		}
	}
	return out
}

// scrubBody is a request body as a recording keeps it: JSON and form bodies with their
// secret values scrubbed, and nothing of any other body (it might hold secrets unseen).
func scrubBody(contentType string, raw []byte) string {
	if len(bytes.TrimSpace(raw)) == 0 {
		return ""
	}
	if json.Valid(raw) {
		return string(scrubJSON(raw))
	}
	if strings.HasPrefix(contentType, "application/x-www-form-urlencoded") {
		if q, err := url.ParseQuery(string(raw)); err == nil {
			return scrubQuery(q).Encode()
		}
	}
	return ""
}

// scrubJSON replaces the values of secret-looking fields in a JSON body; a body that is not
// JSON is kept as it is.
func scrubJSON(raw []byte) []byte {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return raw
	}
	out, err := json.Marshal(scrubValue(v, false))
	if err != nil {
		return raw
	}
	return out
}

func scrubValue(v any, secret bool) any {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			x[k] = scrubValue(x[k], secret || secretKey.MatchString(k))
		}
		return x
	case []any:
		for i := range x {
			x[i] = scrubValue(x[i], secret)
		}
		return x
	case string:
		if secret && x != "" {
			return scrubbed
		}
	}
	return v
}

// write replaces the file with the scenario so far.
func (r *Recorder) write() error {
	raw, err := yaml.Marshal(&r.scenario)
	if err != nil {
		return err
	}
	header := "# A recording by panelsim: load it with POST /_sim/scenarios (or put it under a\n# fixtures folder's scenarios/<provider>/) and activate it to replay these answers.\n"
	tmp := r.file + ".tmp"
	if dir := filepath.Dir(r.file); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	if err := os.WriteFile(tmp, append([]byte(header), raw...), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, r.file)
}

// Len is how many exchanges are recorded.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.scenario.Rules)
}
