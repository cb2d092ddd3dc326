package agents

import (
	"fmt"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// assignmentView is one thing an agent serves, as getAssignments lists it.
type assignmentView struct {
	DeviceID       int64    `json:"deviceId"`
	Name           string   `json:"name"`
	RootType       string   `json:"rootType"`
	AssignmentType string   `json:"assignmentType"`
	Features       []string `json:"features"`
}

// assignments lists what uses agent id, as the vendor's example shows it: the network
// devices reached through it (rootType "Network Device", their deviceType and features);
// then, server by server, the server's connections through it (rootType "Server", the
// connection's kind and what it is used for: ipmi power_management/remote_console, pxe
// installation, …). A server without any connection that names the agent as its own
// (tenantos.Server.AgentID) is listed by the providers it has (ipmi, pdu, pxe). Last come
// the subnets offered only to the agent's servers (rootType "Subnet").
func assignments(tx *tenantos.Tx, id int64) ([]assignmentView, error) {
	out := []assignmentView{}
	err := tenantos.NetworkDevices.Each(tx, func(d *tenantos.NetworkDevice) error {
		if d.AgentID == id {
			out = append(out, assignmentView{DeviceID: d.ID, Name: d.Name, RootType: "Network Device", AssignmentType: d.DeviceType,
				Features: tenantos.List(d.Features)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tenantos.Servers.Each(tx, func(s *tenantos.Server) error {
		conns, err := tenantos.ServerConnections(tx, s.ID)
		if err != nil {
			return err
		}
		for _, c := range conns {
			if c.AgentID == id {
				out = append(out, assignmentView{DeviceID: s.ID, Name: s.Servername, RootType: "Server", AssignmentType: c.Type,
					Features: tenantos.List(c.Types)})
			}
		}
		if len(conns) == 0 && s.AgentID == id {
			out = append(out, serverProviders(s)...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tenantos.Subnets.Each(tx, func(s *tenantos.Subnet) error {
		if tenantos.Contains(s.OnlyIfAgents, id) {
			out = append(out, assignmentView{DeviceID: s.ID, Name: fmt.Sprintf("%s/%d", s.Subnet, s.CIDR), RootType: "Subnet",
				AssignmentType: "ip_restriction", Features: []string{"ip_assignment"}})
		}
		return nil
	})
	return out, err
}

// serverProviders are the assignments of a server without connections that names an agent
// as its own: its IPMI (power management, remote console), PDU and PXE providers.
func serverProviders(s *tenantos.Server) []assignmentView {
	var out []assignmentView
	var ipmi []string
	if s.PowerType == "ipmi" {
		ipmi = append(ipmi, tenantos.UsePower)
	}
	if s.ConsoleType == "ipmi" {
		ipmi = append(ipmi, tenantos.UseConsole)
	}
	if len(ipmi) > 0 {
		out = append(out, assignmentView{DeviceID: s.ID, Name: s.Servername, RootType: "Server", AssignmentType: tenantos.ConnIPMI, Features: ipmi})
	}
	if s.PowerType == "pdu" {
		out = append(out, assignmentView{DeviceID: s.ID, Name: s.Servername, RootType: "Server", AssignmentType: tenantos.ConnPDU,
			Features: []string{tenantos.UsePower}})
	}
	if s.ReinstallationProvider == "pxe" {
		out = append(out, assignmentView{DeviceID: s.ID, Name: s.Servername, RootType: "Server", AssignmentType: tenantos.ConnPXE,
			Features: []string{tenantos.UseInstall}})
	}
	return out
}

// getRemoteAgentAssignments answers GET /api/remoteAgents/{agentId}/actions/getAssignments:
// the network devices, servers (one entry per connection) and subnets the agent serves.
func (g *group) getRemoteAgentAssignments(c echo.Context) error {
	if err := adminOnly(tenantos.CallerOf(c)); err != nil {
		return err
	}
	var out []assignmentView
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		a, err := tenantos.RemoteAgents.Get(tx, provider.PathInt(c, "agentId"))
		if err != nil {
			return err
		}
		out, err = assignments(tx, a.ID)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}
