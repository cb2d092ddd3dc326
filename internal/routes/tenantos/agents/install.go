package agents

import (
	"encoding/json"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// installJobData is what an agents.install job carries: the run it belongs to and the state
// it ends.
type installJobData struct {
	Run   int    `json:"run"`
	State string `json:"state"`
}

// cacheFor is how long a connectivity result may be answered from the cache (useCache).
const cacheFor = 15 * time.Minute

// schedule queues the end of state for run of agent a.
func schedule(tx *tenantos.Tx, a *tenantos.RemoteAgent, run int, state string) error {
	data, err := json.Marshal(installJobData{Run: run, State: state})
	if err != nil {
		return err
	}
	_, err = tenantos.Schedule(tx, tenantos.Seconds(installSteps[state].seconds), tenantos.Job{Op: jobInstall, Data: data,
		TaskID: a.ID})
	return err
}

// installJob ends one state of an agent's installation and starts the next: a connection to
// a host the panel cannot reach fails it; the last step installs the agent (its SSH key is
// then on the host). A job of an agent that is gone, or of an older run, does nothing.
func (g *group) installJob(tx *tenantos.Tx, j *tenantos.Job) error {
	var d installJobData
	if err := json.Unmarshal(j.Data, &d); err != nil {
		return err
	}
	a, err := tenantos.RemoteAgents.Get(tx, j.TaskID)
	if err == tenantos.ErrAgentNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	st, err := stateOf(tx, a)
	if err != nil {
		return err
	}
	if st.Run != d.Run || a.InstallStatus != d.State || !running(d.State) {
		return nil
	}
	next := installSteps[d.State].next
	switch {
	case d.State == stateConnecting && unreachable(a.Hostname):
		a.InstallStatus = stateFailed
		err = logSystem(tx, a, "error", "Installation of remote agent "+a.Name+" failed: "+a.Hostname+" is not reachable over SSH")
	case next == stateInstalled:
		a.InstallStatus = stateInstalled
		if !tenantos.Contains(st.KeyHosts, a.IP) {
			st.KeyHosts = append(st.KeyHosts, a.IP)
		}
		err = logSystem(tx, a, "info", "Remote agent "+a.Name+" installed on "+a.Hostname+" ("+a.IP+")")
	default:
		a.InstallStatus = next
		err = schedule(tx, a, st.Run, next)
	}
	if err != nil {
		return err
	}
	a.Updated = tx.Now
	if err := states.Put(tx, a.ID, st); err != nil {
		return err
	}
	return tenantos.RemoteAgents.Put(tx, a.ID, a)
}

// reprovisionRemoteAgent answers POST /api/remoteAgents/{agentId}/reprovisioning {name,
// hostname, ip, sshport, password}: the agent takes the details given and is installed again
// (installStatus 0 until the agents.install job is done), on the same host or another. The
// root password is needed unless the agent's SSH key is already on the target host (422);
// an installation already running is refused (409).
func (g *group) reprovisionRemoteAgent(c echo.Context) error {
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
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		a, err := tenantos.RemoteAgents.Get(tx, provider.PathInt(c, "agentId"))
		if err != nil {
			return err
		}
		if running(a.InstallStatus) {
			return errBusy
		}
		st, err := stateOf(tx, a)
		if err != nil {
			return err
		}
		if (in.Password == nil || *in.Password == "") && !tenantos.Contains(st.KeyHosts, *in.IP) {
			return tenantos.Invalid("password", "The password field is required when the SSH key is not installed on the target server.")
		}
		if err := ipTaken(tx, *in.IP, a.ID); err != nil {
			return err
		}
		changes := map[string]change{}
		for _, f := range []struct {
			name     string
			dst, src *string
		}{{"name", &a.Name, in.Name}, {"hostname", &a.Hostname, in.Hostname}, {"ip", &a.IP, in.IP}} {
			if *f.src != *f.dst {
				changes[f.name] = change{*f.dst, *f.src}
				*f.dst = *f.src
			}
		}
		if *in.SSHPort != a.SSHPort {
			changes["sshport"] = change{a.SSHPort, *in.SSHPort}
			a.SSHPort = *in.SSHPort
		}
		a.Updated = tx.Now
		if err := startInstall(tx, a, st); err != nil {
			return err
		}
		if err := tenantos.RemoteAgents.Put(tx, a.ID, a); err != nil {
			return err
		}
		return logAgent(c, tx, a, "Started reprovisioning of remote agent "+a.Name+" on "+a.Hostname+" ("+a.IP+")", changes)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// testRemoteAgentConnectivity answers POST /api/remoteAgents/{agentId}/actions/testConnectivity
// {useCache}: "ok" when the panel reaches the agent. An agent that is not installed (its
// installation runs, or failed) is not reachable: 409. With useCache, a check of the last 15
// minutes is answered without checking again.
func (g *group) testRemoteAgentConnectivity(c echo.Context) error {
	if err := adminOnly(tenantos.CallerOf(c)); err != nil {
		return err
	}
	var in struct {
		UseCache bool `json:"useCache"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	w := provider.World(c)
	id := provider.PathInt(c, "agentId")
	var cached bool
	err := w.View(func(tx *tenantos.Tx) error {
		a, err := tenantos.RemoteAgents.Get(tx, id)
		if err != nil {
			return err
		}
		if err := reachable(a); err != nil {
			return err
		}
		st, err := stateOf(tx, a)
		if err != nil {
			return err
		}
		cached = in.UseCache && st.LastCheck != nil && tx.Now.Sub(*st.LastCheck) < cacheFor
		return nil
	})
	if err != nil {
		return err
	}
	if cached {
		return tenantos.OK(c, "ok")
	}
	err = w.Update(func(tx *tenantos.Tx) error {
		a, err := tenantos.RemoteAgents.Get(tx, id)
		if err != nil {
			return err
		}
		if err := reachable(a); err != nil {
			return err
		}
		st, err := stateOf(tx, a)
		if err != nil {
			return err
		}
		now := tx.Now
		st.LastCheck = &now
		return states.Put(tx, a.ID, st)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, "ok")
}

// reachable refuses a connectivity test of an agent that is not installed.
func reachable(a *tenantos.RemoteAgent) error {
	switch {
	case running(a.InstallStatus):
		return apierr.Conflict("The remote agent is not reachable: its installation is still running.")
	case a.InstallStatus == stateFailed:
		return apierr.Conflict("The remote agent is not reachable: its installation failed. Reprovision it.")
	}
	return nil
}
