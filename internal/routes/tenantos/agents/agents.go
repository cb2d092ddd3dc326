package agents

import (
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// listRemoteAgents answers GET /api/remoteAgents: every agent, in id order.
func (g *group) listRemoteAgents(c echo.Context) error {
	if err := adminOnly(tenantos.CallerOf(c)); err != nil {
		return err
	}
	out := []agentView{}
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		return tenantos.RemoteAgents.Each(tx, func(a *tenantos.RemoteAgent) error {
			out = append(out, viewAgent(a))
			return nil
		})
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getRemoteAgent answers GET /api/remoteAgents/{id}.
func (g *group) getRemoteAgent(c echo.Context) error {
	if err := adminOnly(tenantos.CallerOf(c)); err != nil {
		return err
	}
	var out agentView
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		a, err := tenantos.RemoteAgents.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		out = viewAgent(a)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// connInput is the connection details of an agent's create, update and reprovisioning.
type connInput struct {
	Name     *string `json:"name"`
	Hostname *string `json:"hostname"`
	IP       *string `json:"ip"`
	SSHPort  *int    `json:"sshport"`
	Password *string `json:"password"`
}

// check refuses bad details and normalizes what is given (trimmed names, the IP as the panel
// writes it).
func (in *connInput) check() error {
	if in.Name != nil {
		*in.Name = strings.TrimSpace(*in.Name)
		if *in.Name == "" {
			return tenantos.Invalid("name", "The name field is required.")
		}
		if len(*in.Name) > 255 {
			return tenantos.Invalid("name", "The name must not be greater than 255 characters.")
		}
	}
	if in.Hostname != nil {
		*in.Hostname = strings.TrimSpace(*in.Hostname)
		if err := checkHost(*in.Hostname); err != nil {
			return err
		}
	}
	if in.IP != nil {
		ip, err := checkIP(*in.IP)
		if err != nil {
			return err
		}
		*in.IP = ip
	}
	if in.SSHPort != nil {
		return checkPort(*in.SSHPort)
	}
	return nil
}

// startInstall queues the installation of agent a (a new run: jobs of an older run do
// nothing).
func startInstall(tx *tenantos.Tx, a *tenantos.RemoteAgent, st *agentState) error {
	st.Run++
	st.LastCheck = nil
	a.InstallStatus = stateQueued
	if err := states.Put(tx, a.ID, st); err != nil {
		return err
	}
	return schedule(tx, a, st.Run, stateQueued)
}

// createRemoteAgent answers POST /api/remoteAgents {name, hostname, password, sshport, ip}:
// the agent is added and its installation over SSH starts (installStatus 0, then 1 once the
// agents.install job has gone through its steps). The password is used for the installation
// and not kept.
func (g *group) createRemoteAgent(c echo.Context) error {
	who := tenantos.CallerOf(c)
	if err := adminOnly(who); err != nil {
		return err
	}
	var in connInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	var out agentView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		if err := ipTaken(tx, *in.IP, 0); err != nil {
			return err
		}
		id, err := tenantos.RemoteAgents.NextID(tx)
		if err != nil {
			return err
		}
		a := &tenantos.RemoteAgent{ID: id, Name: *in.Name, IP: *in.IP, Hostname: *in.Hostname, SSHPort: *in.SSHPort,
			Created: tx.Now, Updated: tx.Now}
		if err := startInstall(tx, a, &agentState{ID: id, KeyHosts: []string{}}); err != nil {
			return err
		}
		if err := tenantos.RemoteAgents.Put(tx, id, a); err != nil {
			return err
		}
		if err := logAgent(c, tx, a, "Created remote agent "+a.Name, nil); err != nil {
			return err
		}
		out = viewAgent(a)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// updateRemoteAgent answers PUT /api/remoteAgents/{id} {name, hostname, sshport, ip}: the
// details sent change (the agent is not reinstalled: reprovisioning does that).
func (g *group) updateRemoteAgent(c echo.Context) error {
	who := tenantos.CallerOf(c)
	if err := adminOnly(who); err != nil {
		return err
	}
	var in connInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	in.Password = nil
	if err := in.check(); err != nil {
		return err
	}
	var out agentView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		a, err := tenantos.RemoteAgents.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		changes := map[string]change{}
		if in.Name != nil && *in.Name != a.Name {
			changes["name"] = change{a.Name, *in.Name}
			a.Name = *in.Name
		}
		if in.Hostname != nil && *in.Hostname != a.Hostname {
			changes["hostname"] = change{a.Hostname, *in.Hostname}
			a.Hostname = *in.Hostname
		}
		if in.IP != nil && *in.IP != a.IP {
			if err := ipTaken(tx, *in.IP, a.ID); err != nil {
				return err
			}
			changes["ip"] = change{a.IP, *in.IP}
			a.IP = *in.IP
		}
		if in.SSHPort != nil && *in.SSHPort != a.SSHPort {
			changes["sshport"] = change{a.SSHPort, *in.SSHPort}
			a.SSHPort = *in.SSHPort
		}
		if len(changes) > 0 {
			a.Updated = tx.Now
			if err := tenantos.RemoteAgents.Put(tx, a.ID, a); err != nil {
				return err
			}
			if err := logAgent(c, tx, a, "Updated remote agent "+a.Name, changes); err != nil {
				return err
			}
		}
		out = viewAgent(a)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// deleteRemoteAgent answers DELETE /api/remoteAgents/{id}: an agent nothing uses goes (a
// running installation stops: its jobs find no agent). One that servers, subnets or network
// devices still use is refused with 409, naming what uses it.
func (g *group) deleteRemoteAgent(c echo.Context) error {
	who := tenantos.CallerOf(c)
	if err := adminOnly(who); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		a, err := tenantos.RemoteAgents.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		list, err := assignments(tx, a.ID)
		if err != nil {
			return err
		}
		if len(list) > 0 {
			return apierr.Conflict(inUse(list))
		}
		if err := states.Delete(tx, a.ID); err != nil {
			return err
		}
		if err := tenantos.RemoteAgents.Delete(tx, a.ID); err != nil {
			return err
		}
		return logAgent(c, tx, a, "Deleted remote agent "+a.Name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// inUse words what still uses an agent: "The remote agent is still used by 6 servers and 1
// subnet."
func inUse(list []assignmentView) string {
	count := map[string]map[int64]bool{}
	var order []string
	for _, as := range list {
		if count[as.RootType] == nil {
			count[as.RootType] = map[int64]bool{}
			order = append(order, as.RootType)
		}
		count[as.RootType][as.DeviceID] = true
	}
	var parts []string
	for _, kind := range order {
		n := len(count[kind])
		noun := strings.ToLower(kind)
		if n != 1 {
			noun += "s"
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, noun))
	}
	text := strings.Join(parts, ", ")
	if i := strings.LastIndex(text, ", "); i >= 0 {
		text = text[:i] + " and " + text[i+2:]
	}
	return "The remote agent is still used by " + text + "."
}
