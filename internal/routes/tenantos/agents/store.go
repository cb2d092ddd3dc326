package agents

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// The states of an agent's installation (tenantos.RemoteAgent.InstallStatus), in order.
const (
	stateQueued      = "queued"
	stateConnecting  = "connecting"
	stateInstalling  = "installing"
	stateConfiguring = "configuring"
	stateInstalled   = "installed"
	stateFailed      = "failed"
)

// installSteps are how long each state of an installation lasts, in virtual seconds, and
// the state that follows it.
var installSteps = map[string]struct {
	seconds int
	next    string
}{
	stateQueued:      {5, stateConnecting},
	stateConnecting:  {10, stateInstalling},
	stateInstalling:  {60, stateConfiguring},
	stateConfiguring: {20, stateInstalled},
}

// installStatus is the integer the API shows: 1 installed, 2 failed, 0 while it runs.
func installStatus(state string) int {
	switch state {
	case stateInstalled:
		return 1
	case stateFailed:
		return 2
	}
	return 0
}

// running reports whether an installation is under way.
func running(state string) bool { _, ok := installSteps[state]; return ok }

// agentState is what the panel keeps of an agent besides the core's record: which
// installation run is current (a job of an older one does nothing), the hosts its SSH key
// was installed on, and the last connectivity check.
type agentState struct {
	ID        int64      `json:"id"`
	Run       int        `json:"run"`
	KeyHosts  []string   `json:"keyHosts"`
	LastCheck *time.Time `json:"lastCheck"`
}

var states = provider.Records[agentState]{Provider: tenantos.Name, Coll: "remoteAgentStates", NotFound: tenantos.ErrAgentNotFound}

// stateOf is an agent's state; an agent without one (the fixtures') was installed on its
// own IP.
func stateOf(tx *tenantos.Tx, a *tenantos.RemoteAgent) (*agentState, error) {
	st, err := states.Get(tx, a.ID)
	if err == tenantos.ErrAgentNotFound {
		st = &agentState{ID: a.ID, KeyHosts: []string{}}
		if a.InstallStatus == stateInstalled {
			st.KeyHosts = append(st.KeyHosts, a.IP)
		}
		return st, nil
	}
	return st, err
}

// agentView is the remote agent object.
type agentView struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	IP            string `json:"ip"`
	Hostname      string `json:"hostname"`
	SSHPort       int    `json:"sshport"`
	InstallStatus int    `json:"installStatus"`
}

func viewAgent(a *tenantos.RemoteAgent) agentView {
	return agentView{ID: a.ID, Name: a.Name, IP: a.IP, Hostname: a.Hostname, SSHPort: a.SSHPort, InstallStatus: installStatus(a.InstallStatus)}
}

// adminOnly refuses everyone but administrators.
func adminOnly(who *tenantos.Caller) error {
	if !who.Admin() {
		return tenantos.ErrForbidden
	}
	return nil
}

// hostPattern is a host name: labels of letters, digits and hyphens, joined by dots.
var hostPattern = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$`)

// unreachable reports whether a host is one the panel cannot reach: a name under the
// reserved top-level domain .invalid (RFC 6761), which never resolves.
func unreachable(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	return h == "invalid" || strings.HasSuffix(h, ".invalid")
}

// checkHost, checkIP and checkPort refuse bad connection details as Laravel would.
func checkHost(h string) error {
	if len(h) > 253 || !hostPattern.MatchString(h) {
		return tenantos.Invalid("hostname", "The hostname must be a valid host name.")
	}
	return nil
}

func checkIP(ip string) (string, error) {
	a, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil || a.Zone() != "" {
		return "", tenantos.Invalid("ip", "The ip must be a valid IP address.")
	}
	return a.String(), nil
}

func checkPort(p int) error {
	if p < 1 || p > 65535 {
		return tenantos.Invalid("sshport", "The sshport must be between 1 and 65535.")
	}
	return nil
}

// ipTaken refuses an IP another agent has.
func ipTaken(tx *tenantos.Tx, ip string, self int64) error {
	taken := false
	if err := tenantos.RemoteAgents.Each(tx, func(a *tenantos.RemoteAgent) error {
		taken = taken || (a.ID != self && a.IP == ip)
		return nil
	}); err != nil {
		return err
	}
	if taken {
		return tenantos.Invalid("ip", "The ip has already been taken.")
	}
	return nil
}

// agentHref is the agent's page in the panel.
func agentHref(id int64) string { return fmt.Sprintf("/remoteAgents/%d", id) }

// logAgent writes an activity entry about an agent for the request c.
func logAgent(c echo.Context, tx *tenantos.Tx, a *tenantos.RemoteAgent, desc string, changes any) error {
	return tenantos.LogActivity(c, tx, tenantos.LogEntry{RelationType: "agents", RelationID: a.ID, RootType: "agents", RootID: a.ID,
		Description: desc, Changes: changes, MetaHref: agentHref(a.ID), MetaText: a.Name, AdminOnly: true})
}

// logSystem writes an activity entry about an agent that the system (a job) caused.
func logSystem(tx *tenantos.Tx, a *tenantos.RemoteAgent, level, desc string) error {
	id, err := tenantos.Activities.NextID(tx)
	if err != nil {
		return err
	}
	return tenantos.Activities.Put(tx, id, &tenantos.Activity{ID: id, RelationID: a.ID, RelationType: "agents", RootID: a.ID,
		RootType: "agents", Description: desc, ModelChanges: json.RawMessage("[]"), UserIP: "-", VisibleFor: "admin", LogLevel: level,
		PostData: `""`, MetaHref: agentHref(a.ID), MetaText: a.Name, Created: tx.Now})
}

// change is one field of a model change in the activity log.
type change struct {
	Original any `json:"original"`
	Changes  any `json:"changes"`
}

// errBusy refuses what an installation in progress forbids.
var errBusy = apierr.Conflict("An installation of the remote agent is already running.")
