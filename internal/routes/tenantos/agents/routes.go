// Package agents is the Tenantos operations on remote agents, their assignments and IPMI KVM
// ISOs.
//
// A remote agent is the panel's helper inside a data centre: servers are reached through it
// (tenantos.Server.AgentID: IPMI power and console, PXE installs) and subnets may be offered
// only to the servers of some agents (tenantos.Subnet.OnlyIfAgents). Agents are the
// administrators' business: everyone else gets 403 on their operations.
//
// Slow work runs as jobs on the world's clock:
//   - agents.install: an agent's installation (create, reprovisioning) goes queued →
//     connecting → installing → configuring → installed, the steps taking installSteps; the
//     API shows installStatus 0 until it is installed (1), or 2 when it failed;
//   - agents.isoDownload: an IPMI KVM ISO is downloaded from its URL: queued → downloading
//     (filesize growing a quarter at a time) → complete.
//
// Every change of an agent writes an activity entry with relationType "agents" and the
// agent's id (GET /api/activitylog/agents/{agentId} lists them), the jobs' ones as the system.
//
// Decisions where the documentation is silent:
//   - installStatus is 0 while the installation runs, 1 once installed, 2 when it failed;
//   - a host under the reserved top-level domain .invalid (RFC 6761) is one the panel cannot
//     reach: an installation there fails, and so does an ISO download from such a URL;
//   - two agents may not share an IP (422);
//   - deleting an agent still used by servers, subnets (their only_if_server_has_remote_agents)
//     or network devices is refused (409), rather than unassigning them silently;
//   - reprovisioning needs the root password unless the agent's SSH key is already on the
//     target host (a host the agent was installed on before); it is refused (409) while an
//     installation runs; testing connectivity is refused (409) until the agent is installed;
//   - the default world offers one public ISO, the vendor's example (grml64-full 2021.07);
//   - ISOs added by an administrator are public (type public_admin, offered to everyone);
//     other users add private ones (private_user), which they and whoever manages them see
//     and may delete; isDeletable says whether the caller may delete it.
package agents

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// group holds the provider for the handlers, which are named after their operations.
type group struct {
	p *tenantos.Provider
}

// Job names of the group.
const (
	jobInstall     = "agents.install"
	jobIsoDownload = "agents.isoDownload"
)

// Routes is the group's route table: one handler per operation, named after it.
func Routes(p *tenantos.Provider) map[string]echo.HandlerFunc {
	g := &group{p: p}
	if p != nil {
		p.AddJob(jobInstall, g.installJob)
		p.AddJob(jobIsoDownload, g.isoDownloadJob)
		p.AddSeeder("agents", seedIsos)
	}
	return map[string]echo.HandlerFunc{
		"listRemoteAgents":            g.listRemoteAgents,
		"createRemoteAgent":           g.createRemoteAgent,
		"getRemoteAgent":              g.getRemoteAgent,
		"updateRemoteAgent":           g.updateRemoteAgent,
		"deleteRemoteAgent":           g.deleteRemoteAgent,
		"getRemoteAgentAssignments":   g.getRemoteAgentAssignments,
		"testRemoteAgentConnectivity": g.testRemoteAgentConnectivity,
		"reprovisionRemoteAgent":      g.reprovisionRemoteAgent,
		"listIpmiKvmIsos":             g.listIpmiKvmIsos,
		"createIpmiKvmIso":            g.createIpmiKvmIso,
		"getIpmiKvmIso":               g.getIpmiKvmIso,
		"deleteIpmiKvmIso":            g.deleteIpmiKvmIso,
	}
}
