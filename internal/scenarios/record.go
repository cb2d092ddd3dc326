package scenarios

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
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

// Add records one exchange and rewrites the file.
func (r *Recorder) Add(method, path string, query url.Values, reqBody []byte, status int, contentType, retryAfter string, respBody []byte) error {
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
			if !secretKey.MatchString(k) {
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
	rule := Rule{Match: m, Skip: r.seen[key], Times: 1, Action: a}
	r.seen[key]++
	r.scenario.Rules = append(r.scenario.Rules, rule)
	return r.write()
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
