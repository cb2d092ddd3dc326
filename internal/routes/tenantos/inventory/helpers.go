package inventory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// requireAdmin refuses anyone but an administrator (403): the inventory's components,
// custom fields and items are the administrator's to change.
func requireAdmin(c echo.Context) error {
	if !tenantos.CallerOf(c).Admin() {
		return tenantos.ErrForbidden
	}
	return nil
}

// rawBody is the request body as the client sent it: the validated body has lost what
// counts as absent for the validator (nulls and empty strings, also inside lists, where
// their place matters).
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
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) != nil {
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

// maxText is the longest text field the panel keeps (a VARCHAR(255)).
const maxText = 255

// checkText refuses a text over maxText characters, in Laravel's words.
func checkText(field, v string) error {
	if len([]rune(v)) > maxText {
		return tenantos.Invalidf(field, "The %s field must not be greater than %d characters.", attribute(field), maxText)
	}
	return nil
}

// attribute is how Laravel names a field in a message: underscores read as spaces.
func attribute(field string) string { return strings.ReplaceAll(field, "_", " ") }

// change is one field of a model change in the activity log.
type change struct {
	Original any `json:"original"`
	Changes  any `json:"changes"`
}

// systemEntry is an administrators' activity-log entry about the inventory's setup.
func systemEntry(root string, id int64, desc string, changes any) tenantos.LogEntry {
	return tenantos.LogEntry{RelationType: "system", RootType: root, RootID: id, Description: desc, Changes: changes,
		MetaHref: "/inventory", MetaText: "Inventory", AdminOnly: true}
}

// serverEntry is an activity-log entry about a server's inventory.
func serverEntry(s *tenantos.Server, rootID int64, desc string, changes any) tenantos.LogEntry {
	return tenantos.LogEntry{RelationType: "servers", RelationID: s.ID, RootType: "serverInventory", RootID: rootID,
		Description: desc, Changes: changes, MetaHref: fmt.Sprintf("/servers/%d", s.ID), MetaText: s.Servername}
}
