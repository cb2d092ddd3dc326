package devices

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// action is one network device action, run in the request's write transaction on a device
// loaded for it; what it returns is the answer's result. It stores the device itself when it
// changes it (the runner stores it too, with its action log).
type action func(a *actionRun) (any, error)

// actionRun is what an action works on.
type actionRun struct {
	g    *group
	c    echo.Context
	tx   *tenantos.Tx
	d    *tenantos.NetworkDevice
	body map[string]any
	w    *wiring
	// changed: the action changed the device (the runner stores it).
	changed bool
}

// actions are the network device actions by name (getFeatures lists those of a device).
var actions = map[string]action{
	"clearCache":              clearCache,
	"getFeatures":             getFeatures,
	"getStatistics":           getStatistics,
	"setPortEnabled":          setPortEnabled,
	"setPortDisabled":         setPortDisabled,
	"setInterfaceDescription": setInterfaceDescription,
	"deleteVlanFromInterface": deleteVlanFromInterface,
	"updateInterface":         updateInterface,
	"updateVlan":              updateVlan,
	"createVlan":              createVlan,
	"getActionLogs":           getActionLogs,
}

// runNetworkDeviceAction answers POST /api/networkDevices/{networkDevice}/actions/
// {networkDeviceAction}: one of the actions getFeatures lists for the device, with the fields
// getFeatures describes in the body. Without an action (the route's optional segment left
// out) it answers getFeatures.
//
//   - clearCache drops the status cache ("ok").
//   - getFeatures: {action: {requestBody: {field: {type, required, example}} or []}, …} in the
//     vendor's words: every action with advanced management; without it the port and
//     statistics actions of a switch; a PDU's outlets and power statistics; a console
//     server's cache and log.
//   - getStatistics: a series per port (portIds, all by default) on the world's clock
//     between from and to (the last 24 hours by default), a point every groupBy (auto:
//     at most 400 points); the same clock gives the same answer (see statistics.go).
//   - setPortEnabled, setPortDisabled {portId}: the port (or outlet) goes up or down. The
//     servers connected to it see it: their switch port connection tests offline while it is
//     down; a PDU outlet switches the servers on it off and on (their cached power status
//     follows on the clock). "ok".
//   - setInterfaceDescription {portId, description}: the port's alias (ifAlias). "ok".
//   - deleteVlanFromInterface {portId, vlanId}, updateInterface {portId, portAdminStatus,
//     trunkNativeVlan, trunkVlans, accessVlan, description}, updateVlan {id, name, l3Ips},
//     createVlan {id, name, l3Ips}: the switch's VLANs and its interfaces' VLANs, which
//     extendedDetails shows (advanced management only). "ok".
//   - getActionLogs: the device's action log, newest first.
//
// portId names a port by its id (1, "1") or its name ("ge-0/0/1"). Every action but the
// reads (getFeatures, getStatistics, getActionLogs) writes an entry of the device's action
// log (the last 200 are kept). Decisions where the documentation is silent: an action the
// device does not have, or a device that does not answer (for the actions that talk to it:
// all but getFeatures, getActionLogs and clearCache), is 422 on networkDeviceAction; a port or
// VLAN that is not there is 422 on portId, vlanId or id; administrators only (403).
func (g *group) runNetworkDeviceAction(c echo.Context) error {
	if err := adminOnly(c); err != nil {
		return err
	}
	name := strings.TrimSpace(provider.PathString(c, "networkDeviceAction"))
	if name == "" {
		name = "getFeatures"
	}
	body := provider.Input(c).Body
	if body == nil {
		body = map[string]any{}
	}
	var out any
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		d, err := tenantos.NetworkDevices.Get(tx, pathID(c, "networkDevice"))
		if err != nil {
			return err
		}
		run := actions[name]
		if run == nil || !tenantos.Contains(features(d), name) {
			return tenantos.Invalidf("networkDeviceAction", "The action %s is not available for this network device.", name)
		}
		switch name {
		case "getFeatures", "getActionLogs", "clearCache":
		default:
			if ok, why := reachable(tx, d); !ok {
				return tenantos.Invalidf("networkDeviceAction", "The network device does not answer: %s", why)
			}
		}
		w, err := loadWiring(tx)
		if err != nil {
			return err
		}
		a := &actionRun{g: g, c: c, tx: tx, d: d, body: body, w: w}
		out, err = run(a)
		if err != nil || !a.changed {
			return err
		}
		d.Updated = tx.Now
		return tenantos.NetworkDevices.Put(tx, d.ID, d)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// log writes an entry of the device's action log for the caller.
func (a *actionRun) log(action, desc string, port *tenantos.DevicePort, serverID int64) {
	e := tenantos.DeviceLog{Action: action, Description: desc, Success: true, UserID: tenantos.CallerOf(a.c).Real.ID,
		RelationID: serverID, Created: a.tx.Now}
	if port != nil {
		id := port.ID
		e.PortID = &id
	}
	a.d.AddLog(e)
	a.changed = true
}

// port finds the port the body's portId names (422 on portId otherwise).
func (a *actionRun) port() (*tenantos.DevicePort, error) {
	ref, ok := str(a.body["portId"])
	if !ok || ref == "" {
		return nil, tenantos.Invalid("portId", "The port id field is required.")
	}
	p := a.d.FindPort(ref)
	if p == nil {
		return nil, tenantos.Invalidf("portId", "The network device has no port %s.", ref)
	}
	return p, nil
}

// clearCache drops the device's status cache.
func clearCache(a *actionRun) (any, error) {
	a.d.Status = nil
	a.log("clearCache", "Cleared the cache", nil, 0)
	return "ok", nil
}

// ordered is a JSON object that keeps its keys in order.
type ordered struct {
	keys []string
	vals []any
}

func (o *ordered) add(k string, v any) { o.keys, o.vals = append(o.keys, k), append(o.vals, v) }

func (o *ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(o.vals[i])
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// getFeatures lists the device's actions with the fields each takes.
func getFeatures(a *actionRun) (any, error) {
	out := &ordered{}
	for _, name := range features(a.d) {
		fields := json.RawMessage(actionBodies[name])
		if a.d.Kind == tenantos.DevicePDU && strings.Contains(name, "Port") {
			fields = json.RawMessage(strings.ReplaceAll(actionBodies[name], `"ge-0/0/1"`, `"1"`))
		}
		out.add(name, map[string]any{"requestBody": fields})
	}
	return out, nil
}

// actionLogView is an entry of a device's action log.
type actionLogView struct {
	ID          int64  `json:"id"`
	Action      string `json:"action"`
	Description string `json:"description"`
	PortID      *int64 `json:"portId"`
	Status      string `json:"status"`
	UserID      int64  `json:"userId"`
	Username    string `json:"username"`
	RelationID  *int64 `json:"relationId"`
	CreatedAt   string `json:"created_at"`
}

// getActionLogs lists the device's action log, newest first.
func getActionLogs(a *actionRun) (any, error) {
	out := []actionLogView{}
	names := map[int64]string{}
	for i := len(a.d.Logs) - 1; i >= 0; i-- {
		e := a.d.Logs[i]
		if _, ok := names[e.UserID]; !ok {
			if u, err := tenantos.Users.Get(a.tx, e.UserID); err == nil {
				names[e.UserID] = u.Username
			} else {
				names[e.UserID] = ""
			}
		}
		v := actionLogView{ID: e.ID, Action: e.Action, Description: e.Description, PortID: e.PortID, Status: "success",
			UserID: e.UserID, Username: names[e.UserID], CreatedAt: tenantos.LaravelTime(e.Created)}
		if !e.Success {
			v.Status = "failed"
		}
		if e.RelationID > 0 {
			id := e.RelationID
			v.RelationID = &id
		}
		out = append(out, v)
	}
	return out, nil
}

// portLabel names a port in logs: "ge-0/0/1" or "Outlet 3".
func portLabel(p *tenantos.DevicePort) string { return fmt.Sprintf("%s (#%d)", p.Name, p.ID) }
