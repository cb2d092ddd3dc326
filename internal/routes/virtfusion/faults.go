package virtfusion

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/panelsim/panelsim/internal/scenarios"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

// Domain faults scenarios can set off (see fixtures/scenarios/virtfusion).
const (
	faultBuildFails  = "build-fails"            // the server's next build fails
	faultMaintenance = "hypervisor-maintenance" // the server's (or every) hypervisor enters maintenance
	faultFull        = "hypervisor-full"        // the group's (or every) hypervisor refuses new servers
	faultIPExhausted = "ipblock-exhausted"      // the IP block (or every block) hands out nothing
	faultVanished    = "server-vanished"        // the server disappears out of band
)

// failingStep is the build action at which a failing build stops.
const failingStep = "server.disk.create.os"

// Faults implements provider.Faulter.
func (p *Provider) Faults() []string {
	return []string{faultBuildFails, faultMaintenance, faultFull, faultIPExhausted, faultVanished}
}

// Fault implements provider.Faulter. The request's server (path) and group (body
// hypervisorId) pick what a fault hits; params.hypervisorId, params.group, params.blockId
// name it outright.
func (p *Provider) Fault(w *world.World, name string, params map[string]any, r *scenarios.Request) (json.RawMessage, error) {
	serverID := intParam(r.Params["serverId"])
	switch name {
	case faultBuildFails:
		if serverID == 0 {
			return nil, fmt.Errorf("%s: the rule must match a request on a server", name)
		}
		msg, _ := params["message"].(string)
		if msg == "" {
			msg = "Failed to create the OS disk: the template image could not be written to the storage."
		}
		if err := setFailBuild(w, serverID, msg); err != nil {
			return nil, err
		}
		return mustJSON(undo{Fault: name, Server: serverID}), nil
	case faultVanished:
		if serverID == 0 {
			return nil, fmt.Errorf("%s: the rule must match a request on a server", name)
		}
		return nil, w.Update(func(tx *state.Tx) error {
			if _, err := loadServer(tx, serverID); err != nil {
				return nil // already gone
			}
			return p.runDelete(tx, &state.Task{Data: mustJSON(deleteTask{serverID})})
		})
	case faultMaintenance, faultFull:
		return p.setOnHypervisors(w, name, params, r, serverID)
	case faultIPExhausted:
		return p.setOnBlocks(w, params)
	}
	return nil, fmt.Errorf("virtfusion has no fault %q", name)
}

// undo is what undoes a domain fault: the flag set on a server, or what each hypervisor or
// IP block was before (id -> the flag's old value).
type undo struct {
	Fault  string         `json:"fault"`
	Server int64          `json:"server,omitempty"`
	Was    map[int64]bool `json:"was,omitempty"`
}

// Undo implements provider.Faulter.
func (p *Provider) Undo(w *world.World, raw json.RawMessage) error {
	var u undo
	if err := json.Unmarshal(raw, &u); err != nil {
		return err
	}
	switch u.Fault {
	case faultBuildFails:
		return setFailBuild(w, u.Server, "")
	case faultMaintenance, faultFull:
		return w.Update(func(tx *state.Tx) error {
			for id, old := range u.Was {
				var h Hypervisor
				if err := get(tx, collHypervisors, id, &h, errHypervisorNotFound); err != nil {
					continue // gone since
				}
				if u.Fault == faultMaintenance {
					h.Maintenance = old
				} else {
					h.Exhausted = old
				}
				if err := put(tx, collHypervisors, id, &h); err != nil {
					return err
				}
			}
			return nil
		})
	case faultIPExhausted:
		return w.Update(func(tx *state.Tx) error {
			for id, old := range u.Was {
				if err := setBlockExhausted(tx, id, old); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return fmt.Errorf("virtfusion has no fault %q to undo", u.Fault)
}

// setFailBuild makes the server's next build fail with msg ("" clears it); a server gone
// since is left alone.
func setFailBuild(w *world.World, id int64, msg string) error {
	return w.Update(func(tx *state.Tx) error {
		s, err := loadServer(tx, id)
		if err != nil {
			return nil
		}
		s.FailBuild = msg
		return saveServer(tx, s)
	})
}

// setOnHypervisors puts hypervisors in maintenance or makes them full; the undo puts back
// what each was.
func (p *Provider) setOnHypervisors(w *world.World, name string, params map[string]any, r *scenarios.Request, serverID int64) (json.RawMessage, error) {
	was := map[int64]bool{}
	err := w.Update(func(tx *state.Tx) error {
		clear(was)
		ids, err := targetHypervisors(tx, params, r, serverID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			var h Hypervisor
			if err := get(tx, collHypervisors, id, &h, errHypervisorNotFound); err != nil {
				return err
			}
			if name == faultMaintenance {
				was[id], h.Maintenance = h.Maintenance, true
			} else {
				was[id], h.Exhausted = h.Exhausted, true
			}
			if err := put(tx, collHypervisors, id, &h); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return mustJSON(undo{Fault: name, Was: was}), nil
}

// targetHypervisors picks the hypervisors a fault hits: params.hypervisorId, else the
// server's, else the group's (params.group or the create's hypervisorId), else all.
func targetHypervisors(tx *state.Tx, params map[string]any, r *scenarios.Request, serverID int64) ([]int64, error) {
	if id := intParam(params["hypervisorId"]); id != 0 {
		return []int64{id}, nil
	}
	if serverID != 0 {
		s, err := loadServer(tx, serverID)
		if err != nil {
			return nil, nil // an unknown server: the handler answers 404
		}
		return []int64{s.HypervisorID}, nil
	}
	group := intParam(params["group"])
	if group == 0 && r.Operation == "createServer" {
		group = intParam(r.Body["hypervisorId"])
	}
	var ids []int64
	err := tx.Coll(Name, collHypervisors).ForEach(func(_, raw []byte) error {
		var h Hypervisor
		if err := json.Unmarshal(raw, &h); err != nil {
			return err
		}
		if group == 0 || h.GroupID == group {
			ids = append(ids, h.ID)
		}
		return nil
	})
	return ids, err
}

// setOnBlocks exhausts params.blockId, or every block; the undo puts back what each was.
func (p *Provider) setOnBlocks(w *world.World, params map[string]any) (json.RawMessage, error) {
	target := intParam(params["blockId"])
	was := map[int64]bool{}
	err := w.Update(func(tx *state.Tx) error {
		clear(was)
		var ids []int64
		err := tx.Coll(Name, collIPBlocks).ForEach(func(k, raw []byte) error {
			var b IPBlock
			if err := json.Unmarshal(raw, &b); err != nil {
				return err
			}
			if target == 0 || b.ID == target {
				was[b.ID] = b.Exhausted
				ids = append(ids, b.ID)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := setBlockExhausted(tx, id, true); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return mustJSON(undo{Fault: faultIPExhausted, Was: was}), nil
}

// setBlockExhausted makes an IP block hand out nothing (or hand out again).
func setBlockExhausted(tx *state.Tx, id int64, on bool) error {
	var b IPBlock
	if err := get(tx, collIPBlocks, id, &b, errIPBlockNotFound); err != nil {
		return err
	}
	b.Exhausted = on
	return put(tx, collIPBlocks, id, &b)
}

// failBuild ends a build as failed: the queue item with the error, the server "failed".
func failBuild(tx *state.Tx, s *Server, q *QueueItem, msg string) error {
	q.step(tx.Now, failingStep, map[string]any{"success": false, "msg": msg}, q.Progress)
	q.finish(tx.Now, msg)
	now := tx.Now
	s.State, s.CommissionStatus, s.BuildFailed, s.FailBuild = stateFailed, 2, true, ""
	s.ActiveQueue, s.LastTaskOn, s.Updated = 0, &now, now
	if err := saveQueue(tx, q); err != nil {
		return err
	}
	return saveServer(tx, s)
}

func intParam(v any) int64 {
	switch x := v.(type) {
	case float64:
		return int64(x)
	case int:
		return int64(x)
	case int64:
		return x
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}

func mustJSON(v any) json.RawMessage {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return raw
}
