package openscaler

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

const taskConsole = "console"

type consoleTask struct {
	VMID int64 `json:"vmId"`
	Seq  int64 `json:"seq"`
}

type consoleView struct {
	Address string `json:"address"`
	Port    int    `json:"port"`
}

// vncConsoleOpen opens a recovery console on a running VM: a port of the region's console
// proxy, for noVNC at ws://address:port. It closes by itself timings.consoleIdle after it was
// opened (panelsim sees no VNC traffic, so a console is idle from the start), when the VM
// stops, or with vncConsoleClose.
func (p *Provider) vncConsoleOpen(c echo.Context) error {
	var out consoleView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		v, err := loadVM(tx, vmID(provider.PathString(c, "vm_id")))
		if err != nil {
			return err
		}
		if err := checkSettled(v); err != nil {
			return err
		}
		switch {
		case v.State != stateRunning:
			return apierr.Conflict(fmt.Sprintf("VM %d is not running", v.ID))
		case v.Console != nil:
			return apierr.Conflict(fmt.Sprintf("VM %d already has an open recovery console", v.ID))
		}
		r, err := loadRegion(tx, v.Region)
		if err != nil {
			return err
		}
		ports, err := allocatePorts(tx, idxConsolePorts, r.ID, r.ConsolePorts, vmOwner(v.ID), 1)
		if err != nil {
			return err
		}
		if ports == nil {
			return apierr.Unavailable(fmt.Sprintf("No recovery console is free in region %s; try again later.", r.ID))
		}
		v.ConsoleSeq++
		v.Console = &Console{Seq: v.ConsoleSeq, Address: r.ConsoleAddr, Port: ports[0], Opened: tx.Now}
		if _, err := tx.Enqueue(Name, taskConsole, tx.Now.Add(seconds(p.fx.Timings.ConsoleIdle)), consoleTask{v.ID, v.ConsoleSeq}); err != nil {
			return err
		}
		out = consoleView{Address: v.Console.Address, Port: v.Console.Port}
		return saveVM(tx, v)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// vncConsoleClose closes the VM's open recovery console.
func (p *Provider) vncConsoleClose(c echo.Context) error {
	return p.done(c, provider.World(c).Update(func(tx *state.Tx) error {
		v, err := loadVM(tx, vmID(provider.PathString(c, "vm_id")))
		if err != nil {
			return err
		}
		if v.Console == nil {
			return apierr.Conflict(fmt.Sprintf("VM %d has no open recovery console", v.ID))
		}
		if err := closeConsole(tx, v); err != nil {
			return err
		}
		return saveVM(tx, v)
	}))
}

// closeConsole frees the VM's console port, if it has a console open; the caller saves v.
func closeConsole(tx *state.Tx, v *VM) error {
	if v.Console == nil {
		return nil
	}
	if err := tx.Index(Name, idxConsolePorts).Delete(portKey(v.Region, v.Console.Port)); err != nil {
		return err
	}
	v.Console = nil
	return nil
}

// runConsole closes a console that has stayed open (idle) for timings.consoleIdle, unless it
// was closed (and perhaps another opened) meanwhile.
func (p *Provider) runConsole(tx *state.Tx, task *state.Task) error {
	var t consoleTask
	if err := json.Unmarshal(task.Data, &t); err != nil {
		return err
	}
	v, err := loadVM(tx, t.VMID)
	if err != nil || v.Console == nil || v.Console.Seq != t.Seq {
		return nil
	}
	if err := closeConsole(tx, v); err != nil {
		return err
	}
	return saveVM(tx, v)
}
