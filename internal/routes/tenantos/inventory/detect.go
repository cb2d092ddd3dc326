package inventory

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

// The two routes of hardware detection, outside the document (no validation, no token):
//
//   - GET /api/scripts/hwdetect serves the detection script (hwdetect.sh) to anyone, as the
//     panel does: it holds no secret;
//   - POST /api/servers/inventory/callback/<secret> takes the script's report (see
//     hwdetect.sh for its shape). The secret is the credential: it names the world (the
//     registry resolves it for this route only) and, through the world's index, the server.
//     A secret nobody was given, one a newer command replaced, or one of a world since reset
//     is 404 and changes nothing; a report that is not JSON, names no part or has a field of
//     the wrong type is 422 in Laravel's shape, and changes nothing either. A report replaces
//     the server's detected items of the parts it names (items added through the API stay),
//     rewrites its detailedHardwareInformation, ends hardwarecollectRunning and is in the
//     server's activity log as the system's ("Hardware information updated by the detection
//     script"), all in one transaction.

//go:embed hwdetect.sh
var script []byte

// maxReport bounds a report (the listener's body limit is larger).
const maxReport = 1 << 20

var errNoDetection = apierr.NotFound("Hardware detection not found.")

// detectionRoutes adds the routes (the provider's Extra hook).
func (g *group) detectionRoutes(e *echo.Echo, find func(token, scope string) (*world.World, bool)) {
	e.GET("/api/scripts/hwdetect", serveScript)
	e.POST("/api/servers/inventory/callback/:hash", func(c echo.Context) error { return g.callback(c, find) })
}

// serveScript answers the detection script.
func serveScript(c echo.Context) error {
	return c.Blob(http.StatusOK, "text/x-shellscript; charset=utf-8", script)
}

// callback takes a detection report.
func (g *group) callback(c echo.Context, find func(token, scope string) (*world.World, bool)) error {
	secret := c.Param("hash")
	w, ok := find(secret, scopeDetection)
	if !ok {
		return errNoDetection
	}
	provider.SetWorld(c, w)
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxReport+1))
	if err != nil {
		return err
	}
	if len(body) > maxReport {
		return echo.ErrStatusRequestEntityTooLarge
	}
	rep, problems := parseReport(body)
	if problems != nil {
		tenantos.WriteValidation(c, problems.fields, problems.order)
		return nil
	}
	err = w.Update(func(tx *tenantos.Tx) error {
		raw := tx.Index(tenantos.Name, idxDetection).Get([]byte(tenantos.HashToken(secret)))
		if raw == nil {
			return errNoDetection
		}
		id := int64(state.IDOf(raw))
		d, err := detections.Get(tx, id)
		if err != nil || d.Secret != secret {
			return errNoDetection
		}
		s, err := tenantos.Servers.Get(tx, id)
		if err != nil {
			return errNoDetection
		}
		before := readHardware(s.Hardware).summary(false)
		if err := applyReport(tx, s, rep); err != nil {
			return err
		}
		now := tx.Now
		d.Received = &now
		if err := detections.Put(tx, d.ServerID, d); err != nil {
			return err
		}
		s.HardwareCollect, s.Updated = false, tx.Now
		if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
			return err
		}
		after := readHardware(s.Hardware).summary(false)
		return logReport(c, tx, s, body, map[string]change{"detailedHardwareInformation": {before, after}})
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// logReport writes the activity-log entry of a report: the system's (no user made it), with
// the callback's secret masked.
func logReport(c echo.Context, tx *tenantos.Tx, s *tenantos.Server, body []byte, changes any) error {
	id, err := tenantos.Activities.NextID(tx)
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(changes)
	a := &tenantos.Activity{ID: id, UserID: 0, RelationID: s.ID, RelationType: "servers", RootID: s.ID, RootType: "serverInventory",
		Description: "Hardware information updated by the detection script", ModelChanges: raw, UserIP: tenantos.ClientIP(c),
		VisibleFor: "all", LogLevel: "info", PostData: tenantos.Clip(tenantos.Redact(string(body)), 2048),
		Endpoint: "/api/servers/inventory/callback/" + tenantos.Redacted, Method: http.MethodPost,
		MetaHref: fmt.Sprintf("/servers/%d", s.ID), MetaText: s.Servername, Created: tx.Now}
	if err := tenantos.Activities.Put(tx, id, a); err != nil {
		return err
	}
	return tx.Set(tenantos.Name, tenantos.SetActivityByServer).Add(state.ID(uint64(s.ID)), state.ID(uint64(id)))
}

// applyReport replaces the server's detected items of the parts the report names and
// rewrites its hardware summary.
func applyReport(tx *tenantos.Tx, s *tenantos.Server, rep *report) error {
	fresh := rep.items()
	list, err := serverItems(tx, s.ID)
	if err != nil {
		return err
	}
	touched := map[int64]bool{}
	for comp := range fresh {
		touched[comp] = true
	}
	for _, it := range list {
		if it.Detected && touched[it.ComponentID] {
			if err := dropItem(tx, it); err != nil {
				return err
			}
		}
	}
	for _, comp := range []int64{compMainboard, compBIOS, compSystem, compCPU, compMemory, compDisk, compNIC} {
		c, err := components.Get(tx, comp)
		if errors.Is(err, errComponentNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		for _, made := range fresh[comp] {
			it := *made // the report's items stay as parsed: the transaction may run again
			it.ServerID, it.ComponentID, it.Detected = s.ID, comp, true
			it.Fields = carried(tx, c, made.Fields)
			if err := newItem(tx, &it); err != nil {
				return err
			}
		}
	}
	return refreshHardware(tx, s, touched)
}

// carried keeps the values of the custom fields the component carries (an administrator may
// have taken one off), with a dropdown's text made its option's id; nil when none is left.
func carried(tx *tenantos.Tx, comp *Component, values []FieldValue) []FieldValue {
	var out []FieldValue
	for _, fv := range values {
		if !tenantos.Contains(comp.FieldIDs, fv.FieldID) {
			continue
		}
		f, err := fields.Get(tx, fv.FieldID)
		if err != nil {
			continue
		}
		if f.Type == "dropdown" {
			id := ""
			for _, o := range f.Options {
				if o.ID == fv.Value || strings.EqualFold(o.Value, fv.Value) {
					id = o.ID
				}
			}
			if id == "" {
				continue
			}
			fv.Value = id
		}
		out = append(out, fv)
	}
	return out
}
