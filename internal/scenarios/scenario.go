// Package scenarios injects faults into answers, per world: rules that match requests (by
// provider, operation, method and path, resource id, body fields) and fire (after skipping
// some matches, a limited number of times, with a probability) an action: an answer of
// their own, latency, a dropped or hung connection, a broken body, a 429, or a domain fault
// that acts through the provider's state. Scenarios are named sets of rules, from a library
// of files or posted through the control API; recorded exchanges replay as scenarios too.
package scenarios

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Scenario is a named set of rules, "<provider>/<name>".
type Scenario struct {
	Name        string `json:"name" yaml:"name,omitempty"`
	Description string `json:"description" yaml:"description"`
	Rules       []Rule `json:"rules" yaml:"rules"`
	// Source says where the scenario comes from: library, posted or recorded.
	Source string `json:"source" yaml:"-"`
}

// Provider is the provider part of the scenario's name.
func (s *Scenario) Provider() string {
	p, _, _ := strings.Cut(s.Name, "/")
	return p
}

// Rule fires an action on the requests it matches.
type Rule struct {
	Name  string `json:"name,omitempty" yaml:"name,omitempty"`
	Match Match  `json:"match" yaml:"match"`
	// Skip lets the first Skip matching requests through.
	Skip int `json:"skip,omitempty" yaml:"skip,omitempty"`
	// Times fires the rule at most this often (0: no limit).
	Times int `json:"times,omitempty" yaml:"times,omitempty"`
	// Probability fires the rule on this share of the matches that pass Skip and Times,
	// drawn from the world's seeded random source (0: always).
	Probability float64 `json:"probability,omitempty" yaml:"probability,omitempty"`
	Action      Action  `json:"action" yaml:"action"`
	// Recorded is what a recording keeps of the exchange the rule replays (simulator verify).
	Recorded *Exchange `json:"recorded,omitempty" yaml:"recorded,omitempty"`
}

// Match selects requests; empty fields match everything.
type Match struct {
	Operation string `json:"operation,omitempty" yaml:"operation,omitempty"` // operationId, or a list separated by "|"
	Method    string `json:"method,omitempty" yaml:"method,omitempty"`
	// Path is the request path, with "*" for one segment and "**" for the rest.
	Path string `json:"path,omitempty" yaml:"path,omitempty"`
	// Resource matches any path parameter value (a server id, a VM UUID).
	Resource string `json:"resource,omitempty" yaml:"resource,omitempty"`
	// Has matches requests whose path has these parameters (serverId: any call on a server).
	Has []string `json:"has,omitempty" yaml:"has,omitempty"`
	// Body matches requests whose JSON body has these fields with these values.
	Body map[string]any `json:"body,omitempty" yaml:"body,omitempty"`
	// Query matches requests with these query parameters.
	Query map[string]string `json:"query,omitempty" yaml:"query,omitempty"`
}

// Action is what a firing rule does. Latency and Fault let the request go on to the handler;
// everything else answers it.
type Action struct {
	Latency *Latency `json:"latency,omitempty" yaml:"latency,omitempty"`
	// Status answers with this status; with no Body, in the provider's own error shape with
	// Message.
	Status  int               `json:"status,omitempty" yaml:"status,omitempty"`
	Message string            `json:"message,omitempty" yaml:"message,omitempty"`
	Body    any               `json:"body,omitempty" yaml:"body,omitempty"`
	Headers map[string]string `json:"headers,omitempty" yaml:"headers,omitempty"`
	// RetryAfter answers 429 Too Many Requests with a Retry-After of this many seconds.
	RetryAfter int `json:"retryAfter,omitempty" yaml:"retryAfter,omitempty"`
	// Unauthorized answers the provider's own 401, as for a revoked or expired token.
	Unauthorized bool `json:"unauthorized,omitempty" yaml:"unauthorized,omitempty"`
	// Drop closes the connection without an answer.
	Drop bool `json:"drop,omitempty" yaml:"drop,omitempty"`
	// Hang holds the request until the client gives up.
	Hang bool `json:"hang,omitempty" yaml:"hang,omitempty"`
	// Truncate sends the handler's answer cut in half, then closes the connection.
	Truncate bool `json:"truncate,omitempty" yaml:"truncate,omitempty"`
	// Malformed answers 200 with a body that is not valid JSON.
	Malformed bool `json:"malformed,omitempty" yaml:"malformed,omitempty"`
	// Fault applies a domain fault of the provider (build-fails, hypervisor-maintenance, …).
	Fault  string         `json:"fault,omitempty" yaml:"fault,omitempty"`
	Params map[string]any `json:"params,omitempty" yaml:"params,omitempty"`
}

// terminal reports whether the action answers the request itself.
func (a *Action) terminal() bool {
	return a.Status != 0 || a.RetryAfter != 0 || a.Unauthorized || a.Drop || a.Hang || a.Malformed
}

// Latency is a fixed delay ("2s") or a uniform distribution ({min: 1s, max: 3s}).
type Latency struct {
	Min time.Duration
	Max time.Duration
}

func parseLatency(s string) (*Latency, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("latency %q: %w", s, err)
	}
	return &Latency{Min: d, Max: d}, nil
}

type latencyRange struct {
	Min string `json:"min" yaml:"min"`
	Max string `json:"max" yaml:"max"`
}

func (l *Latency) fromRange(r latencyRange) error {
	lo, err := parseLatency(r.Min)
	if err != nil {
		return err
	}
	hi, err := parseLatency(r.Max)
	if err != nil {
		return err
	}
	if hi.Max < lo.Min {
		return fmt.Errorf("latency: max %s is below min %s", r.Max, r.Min)
	}
	l.Min, l.Max = lo.Min, hi.Max
	return nil
}

// UnmarshalYAML reads "2s" or {min, max}.
func (l *Latency) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		v, err := parseLatency(n.Value)
		if err != nil {
			return err
		}
		*l = *v
		return nil
	}
	var r latencyRange
	if err := n.Decode(&r); err != nil {
		return err
	}
	return l.fromRange(r)
}

// UnmarshalJSON reads "2s" or {"min", "max"}.
func (l *Latency) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		v, err := parseLatency(s)
		if err != nil {
			return err
		}
		*l = *v
		return nil
	}
	var r latencyRange
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("latency: want \"2s\" or {\"min\":\"1s\",\"max\":\"3s\"}")
	}
	return l.fromRange(r)
}

// MarshalYAML writes what UnmarshalYAML reads.
func (l Latency) MarshalYAML() (any, error) {
	if l.Min == l.Max {
		return l.Min.String(), nil
	}
	return latencyRange{Min: l.Min.String(), Max: l.Max.String()}, nil
}

// MarshalJSON writes what UnmarshalJSON reads.
func (l Latency) MarshalJSON() ([]byte, error) {
	if l.Min == l.Max {
		return json.Marshal(l.Min.String())
	}
	return json.Marshal(latencyRange{Min: l.Min.String(), Max: l.Max.String()})
}

// Check validates a scenario against the providers and the faults each supports.
func (s *Scenario) Check(faults map[string][]string) error {
	if s.Name == "" || !strings.Contains(s.Name, "/") {
		return fmt.Errorf("scenario name %q: want <provider>/<name>", s.Name)
	}
	known, ok := faults[s.Provider()]
	if !ok {
		return fmt.Errorf("scenario %s: unknown provider %q", s.Name, s.Provider())
	}
	if len(s.Rules) == 0 {
		return fmt.Errorf("scenario %s: no rules", s.Name)
	}
	for i, r := range s.Rules {
		if r.Probability < 0 || r.Probability > 1 || r.Skip < 0 || r.Times < 0 {
			return fmt.Errorf("scenario %s rule %d: skip and times must not be negative, probability within 0-1", s.Name, i)
		}
		a := r.Action
		if a.Fault != "" && !contains(known, a.Fault) {
			return fmt.Errorf("scenario %s rule %d: %s has no fault %q (it has %s)", s.Name, i, s.Provider(), a.Fault, strings.Join(known, ", "))
		}
		if !a.terminal() && a.Latency == nil && a.Fault == "" && !a.Truncate {
			return fmt.Errorf("scenario %s rule %d: the action does nothing", s.Name, i)
		}
		if a.Status != 0 && (a.Status < 100 || a.Status > 599) {
			return fmt.Errorf("scenario %s rule %d: status %d", s.Name, i, a.Status)
		}
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
