package servers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// serverID is the server's id from the path: {server} on the server's sub-resources, {id} on
// the server itself.
func serverID(c echo.Context) int64 {
	if id := provider.PathInt(c, "server"); id > 0 {
		return id
	}
	return provider.PathInt(c, "id")
}

// visibleServers lists the servers the caller may see, in id order.
func visibleServers(tx *tenantos.Tx, who *tenantos.Caller) ([]*tenantos.Server, error) {
	var out []*tenantos.Server
	err := tenantos.Servers.Each(tx, func(s *tenantos.Server) error {
		if tenantos.ManagesID(tx, who.User, s.UserID) {
			out = append(out, s)
		}
		return nil
	})
	return out, err
}

// views renders servers for the caller.
func views(tx *tenantos.Tx, who *tenantos.Caller, list []*tenantos.Server) ([]*tenantos.ServerView, error) {
	out := make([]*tenantos.ServerView, 0, len(list))
	for _, s := range list {
		v, err := tenantos.ViewServer(tx, who.User, s)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// errSuspended refuses what a user the server is suspended for may not do.
var errSuspended = apierr.Forbidden("This server is suspended.")

// suspendedFor reports whether the server is suspended for the acting user. Administrators
// are never locked out: the suspension is what they use to lock others out.
func suspendedFor(who *tenantos.Caller, s *tenantos.Server) bool {
	return !who.Admin() && tenantos.Contains(s.SuspendedUserIDs, who.User.ID)
}

// logServer writes an activity entry about a server (rootType as given, the server as the
// relation, the link to its page as meta).
func logServer(c echo.Context, tx *tenantos.Tx, s *tenantos.Server, rootType, desc string, changes any) error {
	return tenantos.LogActivity(c, tx, tenantos.LogEntry{RelationType: "servers", RelationID: s.ID, RootType: rootType,
		RootID: s.ID, Description: desc, Changes: changes, MetaHref: fmt.Sprintf("/servers/%d", s.ID), MetaText: s.Servername})
}

// change is one field of a model change in the activity log: what it was and what it became.
type change struct {
	Original any `json:"original"`
	Changes  any `json:"changes"`
}

// rawBody is the request body as the client sent it (the validated body has lost what counts
// as absent for the validator: nulls and empty strings).
func rawBody(c echo.Context) map[string]any {
	req := c.Request()
	if req.Body == nil {
		return nil
	}
	raw, err := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(raw))
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}

// sentEmpty reports whether the client sent key as null or "" (Laravel reads both as null:
// the field is cleared, not left alone).
func sentEmpty(raw map[string]any, key string) bool {
	v, ok := raw[key]
	if !ok {
		return false
	}
	if v == nil {
		return true
	}
	s, isStr := v.(string)
	return isStr && strings.TrimSpace(s) == ""
}

// cleanTags trims tags, drops empty ones and duplicates, keeping the client's order.
func cleanTags(in []string) []string {
	out := []string{}
	for _, t := range in {
		t = strings.TrimSpace(t)
		if t != "" && !tenantos.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// hasAllTags reports whether have holds every tag of want (case-sensitive, as the panel
// stores them).
func hasAllTags(have, want []string) bool {
	for _, w := range want {
		if !tenantos.Contains(have, w) {
			return false
		}
	}
	return true
}

// sortedKeys lists a set's keys in order.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
