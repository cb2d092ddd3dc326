package openscaler

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

const (
	taskAction   = "action"
	taskShutdown = "shutdown"
)

type actionTask struct {
	VMID int64  `json:"vmId"`
	Seq  int64  `json:"seq"`
	Type string `json:"type"`
}

// Phases of a shutdown: the guest accepts the signal, the guest is off, the server stops
// waiting.
const (
	phaseSignal  = "signal"
	phaseStop    = "stop"
	phaseTimeout = "timeout"
)

type shutdownTask struct {
	VMID  int64  `json:"vmId"`
	Seq   int64  `json:"seq"`
	Phase string `json:"phase"`
}

// vmRunAction runs a power action. start, power_off, reboot and reset answer 204 at once and
// take effect when their task runs. shutdown is synchronous: the answer waits until the
// guest is off (204) or the server-side timeout passes (408), on the world's clock.
func (p *Provider) vmRunAction(c echo.Context) error {
	var in struct {
		Type string `json:"type"`
	}
	if err := p.bind(c, &in); err != nil {
		return err
	}
	id := vmID(provider.PathString(c, "vm_id"))
	var seq int64
	err := provider.World(c).Update(func(tx *state.Tx) error {
		v, err := loadVM(tx, id)
		if err != nil {
			return err
		}
		if err := checkAction(v, in.Type); err != nil {
			return err
		}
		now := tx.Now
		if in.Type == "reboot" && now.Before(v.BootedAt) {
			return nil // a soft signal the booting guest ignores
		}
		v.Seq++
		seq = v.Seq
		v.Busy = in.Type
		if in.Type == "shutdown" {
			if err := p.planShutdown(tx, v); err != nil {
				return err
			}
			return saveVM(tx, v)
		}
		d := map[string]int{"start": p.fx.Timings.Start, "power_off": p.fx.Timings.PowerOff,
			"reboot": p.fx.Timings.Reboot, "reset": p.fx.Timings.Reset}[in.Type]
		if _, err := tx.Enqueue(Name, taskAction, now.Add(seconds(d)), actionTask{v.ID, v.Seq, in.Type}); err != nil {
			return err
		}
		return saveVM(tx, v)
	})
	if err != nil {
		return err
	}
	if in.Type == "shutdown" {
		return p.waitShutdown(c, id, seq)
	}
	return c.NoContent(http.StatusNoContent)
}

// checkSettled refuses (409) to change a VM that is being created or deleted, or whose
// creation failed.
func checkSettled(v *VM) error {
	switch {
	case v.Deleting:
		return apierr.Conflict(fmt.Sprintf("VM %d is being deleted", v.ID))
	case v.Failed != "":
		return apierr.Conflict(fmt.Sprintf("VM %d failed to be created; delete it", v.ID))
	case v.Creating:
		return apierr.Conflict(fmt.Sprintf("VM %d is still being created", v.ID))
	}
	return nil
}

// checkAction refuses what the VM's state does not allow (409).
func checkAction(v *VM, action string) error {
	if err := checkSettled(v); err != nil {
		return err
	}
	switch {
	case v.Busy != "":
		return apierr.Conflict(fmt.Sprintf("VM %d has an action in progress (%s)", v.ID, v.Busy))
	case action == "start" && v.State != stateShutoff:
		return apierr.Conflict(fmt.Sprintf("VM %d is already running", v.ID))
	case action != "start" && v.State != stateRunning:
		return apierr.Conflict(fmt.Sprintf("VM %d is not running", v.ID))
	}
	return nil
}

// planShutdown queues a shutdown. The server sends the signal again and again until the
// timeout; a guest that is still booting ignores it until it has booted, then takes
// timings.shutdown to stop. When that ends after the timeout the answer is 408, and the
// guest still stops afterwards if it accepted a signal in time.
func (p *Provider) planShutdown(tx *state.Tx, v *VM) error {
	now := tx.Now
	deadline := now.Add(seconds(p.fx.Timings.ShutdownTimeout))
	accept := now
	if v.BootedAt.After(now) {
		accept = v.BootedAt
	}
	stop := accept.Add(seconds(p.fx.Timings.Shutdown))
	v.Shutdown = &ShutdownWait{Seq: v.Seq}
	enqueue := func(at time.Time, phase string) error {
		_, err := tx.Enqueue(Name, taskShutdown, at, shutdownTask{v.ID, v.Seq, phase})
		return err
	}
	if !accept.After(deadline) {
		if accept.After(now) {
			if err := enqueue(accept, phaseSignal); err != nil {
				return err
			}
		} else {
			v.State, v.Updated = stateShutdown, now
		}
		if err := enqueue(stop, phaseStop); err != nil {
			return err
		}
	}
	if stop.After(deadline) {
		return enqueue(deadline, phaseTimeout)
	}
	return nil
}

// waitShutdown waits for the outcome of a shutdown on the world's clock.
func (p *Provider) waitShutdown(c echo.Context, id, seq int64) error {
	w := provider.World(c)
	ctx := c.Request().Context()
	timedOut := detail{fmt.Sprintf("Timed out waiting for VM %d to shut down; it may still shut down.", id)}
	for {
		changed := w.Changed()
		var outcome string
		err := w.View(func(tx *state.Tx) error {
			v, err := loadVM(tx, id)
			if err != nil {
				return err
			}
			switch {
			case v.Shutdown == nil || v.Shutdown.Seq != seq:
				outcome = "stopped" // a later action replaced it: this one is over
			default:
				outcome = v.Shutdown.Outcome
			}
			return nil
		})
		if errors.Is(err, errVMNotFound) {
			return err
		}
		if err != nil {
			return err
		}
		provider.KeepWriting(c) // the wait may outlast the answer's write timeout
		switch outcome {
		case "stopped":
			return c.NoContent(http.StatusNoContent)
		case "timeout":
			return c.JSON(http.StatusRequestTimeout, timedOut)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return c.JSON(http.StatusRequestTimeout, timedOut)
		case <-provider.Stopping(c):
			return c.JSON(http.StatusRequestTimeout, timedOut)
		}
	}
}

// runAction finishes start, power_off, reboot and reset.
func (p *Provider) runAction(tx *state.Tx, task *state.Task) error {
	var t actionTask
	if err := json.Unmarshal(task.Data, &t); err != nil {
		return err
	}
	v, err := loadVM(tx, t.VMID)
	if err != nil || v.Seq != t.Seq {
		return nil
	}
	now := tx.Now
	switch t.Type {
	case "power_off":
		v.State = stateShutoff
		if err := closeConsole(tx, v); err != nil { // the domain's VNC server goes with it
			return err
		}
	default: // start, reboot, reset: the domain runs and the guest boots
		v.State, v.BootedAt = stateRunning, now.Add(seconds(p.fx.Timings.Boot))
	}
	v.Busy, v.Updated = "", now
	return saveVM(tx, v)
}

// runShutdown carries out one phase of a shutdown.
func (p *Provider) runShutdown(tx *state.Tx, task *state.Task) error {
	var t shutdownTask
	if err := json.Unmarshal(task.Data, &t); err != nil {
		return err
	}
	v, err := loadVM(tx, t.VMID)
	if err != nil || v.Seq != t.Seq {
		return nil
	}
	waiting := v.Shutdown != nil && v.Shutdown.Seq == t.Seq && v.Shutdown.Outcome == ""
	switch t.Phase {
	case phaseSignal:
		if v.State == stateRunning {
			v.State, v.Updated = stateShutdown, tx.Now
		}
	case phaseStop:
		v.State, v.Busy, v.Updated = stateShutoff, "", tx.Now
		if err := closeConsole(tx, v); err != nil {
			return err
		}
		if waiting {
			v.Shutdown.Outcome = "stopped"
		}
	case phaseTimeout:
		if waiting {
			v.Shutdown.Outcome = "timeout"
		}
		if v.State == stateRunning { // no signal was accepted: the guest stays up
			v.Busy = ""
		}
	}
	return saveVM(tx, v)
}
