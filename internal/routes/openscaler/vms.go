package openscaler

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

const taskDelete = "delete"

// coreVMList lists the VMs of a project, in id order, each as the whole VM object.
func (p *Provider) coreVMList(c echo.Context) error {
	project := provider.QueryString(c, "project_id", "")
	out := []*vmView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		if _, err := loadProject(tx, project); err != nil {
			return err
		}
		return tx.Set(Name, setVMsByProject).Members(state.Key(project), 0, -1, func(m []byte) error {
			v, err := loadVM(tx, int64(state.IDOf(m)))
			if err != nil {
				return err
			}
			view, err := renderVM(tx, v, allParts)
			out = append(out, view)
			return err
		})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"vms": out})
}

// coreVMInfo answers one VM: the basic fields always, and state, disks and network as ?only=
// asks (all of them without it).
func (p *Provider) coreVMInfo(c echo.Context) error {
	want, err := onlyParts(c)
	if err != nil {
		return err
	}
	var out *vmView
	err = provider.World(c).View(func(tx *state.Tx) error {
		v, err := loadVM(tx, vmID(provider.PathString(c, "vm_id")))
		if err != nil {
			return err
		}
		out, err = renderVM(tx, v, want)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

var errIgnored = errors.New("ignored")

// onlyParts reads ?only=. FastAPI takes it repeated (only=state&only=disks), each value one
// of basic, state, disks and network. panelsim also takes a comma-separated list, blanks
// and an empty value, and only[]= (which FastAPI does not read at all): leniencies, refused
// (or, for only[], ignored) under --strict.
func onlyParts(c echo.Context) (parts, error) {
	q := c.QueryParams()
	vals := append([]string(nil), q["only"]...)
	if len(q["only[]"]) > 0 {
		msg := "OpenScaler (FastAPI) does not read only[]=; it ignores it and answers every part (only=, repeated, is the parameter)"
		if provider.Lenient(c, msg, errIgnored) == nil {
			vals = append(vals, q["only[]"]...)
		}
	}
	var bad []pyError
	for i, v := range vals {
		if !isOnlyValue(v) {
			bad = append(bad, enumError(onlyValues, v, []any{"query", "only", i}))
		}
	}
	for _, e := range bad {
		msg := fmt.Sprintf("OpenScaler (FastAPI) takes only= repeated, each one of basic, state, disks and network; it refuses %q with 422 enum", e.Input)
		if err := provider.Lenient(c, msg, refuse422(bad...)); err != nil {
			return parts{}, err
		}
	}
	var want parts
	asked := false
	for _, s := range vals {
		for _, name := range strings.Split(s, ",") {
			switch strings.TrimSpace(name) {
			case "basic":
			case "state":
				want.state = true
			case "disks":
				want.disks = true
			case "network":
				want.network = true
			default:
				continue
			}
			asked = true
		}
	}
	if !asked {
		return allParts, nil
	}
	return want, nil
}

func isOnlyValue(s string) bool {
	for _, v := range onlyValues {
		if s == v {
			return true
		}
	}
	return false
}

type deleteTask struct {
	VMID int64 `json:"vmId"`
}

// coreVMDelete answers 204 at once; the VM reads as before (and refuses actions) until the
// deletion has run, then it is gone and what it held is free. A VM still being created stops
// being created. Deleting a VM that is already being deleted changes nothing.
func (p *Provider) coreVMDelete(c echo.Context) error {
	w := provider.World(c)
	wake := false
	err := w.Update(func(tx *state.Tx) error {
		wake = false
		v, err := loadVM(tx, vmID(provider.PathString(c, "vm_id")))
		if err != nil {
			return err
		}
		if v.Deleting {
			return nil
		}
		v.Deleting, wake = true, v.Creating
		if _, err := tx.Enqueue(Name, taskDelete, tx.Now.Add(seconds(p.fx.Timings.Delete)), deleteTask{v.ID}); err != nil {
			return err
		}
		return saveVM(tx, v)
	})
	if wake {
		w.Notify() // its creation stream ends now
	}
	return p.done(c, err)
}

// runDelete removes a VM and gives back what it held.
func (p *Provider) runDelete(tx *state.Tx, task *state.Task) error {
	var t deleteTask
	if err := json.Unmarshal(task.Data, &t); err != nil {
		return err
	}
	v, err := loadVM(tx, t.VMID)
	if err != nil {
		return nil
	}
	if err := release(tx, v); err != nil {
		return err
	}
	if err := forgetVM(tx, v.ID); err != nil {
		return err
	}
	if err := tx.Set(Name, setVMsByProject).Remove(state.Key(v.ProjectID), state.ID(uint64(v.ID))); err != nil {
		return err
	}
	return tx.Coll(Name, collVMs).Delete(state.ID(uint64(v.ID)))
}
