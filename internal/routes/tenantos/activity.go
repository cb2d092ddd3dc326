package tenantos

import (
	"encoding/json"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// LogEntry is what a handler says of a change for the activity log.
type LogEntry struct {
	RelationType string // servers, users, subnets, agents, system
	RelationID   int64
	RootType     string // serverPower, servers, subnet, users, …
	RootID       int64
	Description  string
	Changes      any    // the model changes, or nil
	MetaHref     string // "/servers/61"
	MetaText     string // "server-001"
	AdminOnly    bool   // visibleFor admin instead of all
}

// LogActivity writes an entry of the activity log in tx, for the request c.
func LogActivity(c echo.Context, tx *state.Tx, e LogEntry) error {
	id, err := Activities.NextID(tx)
	if err != nil {
		return err
	}
	who := CallerOf(c)
	changes := json.RawMessage("[]")
	if e.Changes != nil {
		if raw, err := json.Marshal(e.Changes); err == nil {
			changes = raw
		}
	}
	visible := "all"
	if e.AdminOnly {
		visible = "admin"
	}
	post := ""
	if c.Request().Method != "GET" {
		post = Clip(Redact(string(provider.Input(c).BodyJSON)), 2048)
	}
	a := &Activity{ID: id, UserID: who.Real.ID, RelationID: e.RelationID, RelationType: e.RelationType, RootID: e.RootID,
		RootType: e.RootType, Description: e.Description, ModelChanges: changes, UserIP: ClientIP(c), VisibleFor: visible,
		LogLevel: "info", PostData: post, Endpoint: c.Request().URL.Path, Method: c.Request().Method,
		MetaHref: e.MetaHref, MetaText: e.MetaText, Created: tx.Now}
	if err := Activities.Put(tx, id, a); err != nil {
		return err
	}
	if e.RelationType == "servers" && e.RelationID > 0 {
		return tx.Set(Name, SetActivityByServer).Add(state.ID(uint64(e.RelationID)), state.ID(uint64(id)))
	}
	return nil
}
