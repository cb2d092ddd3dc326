// Package vps is the Tenantos operations on virtual servers: external providers (Proxmox),
// VPS and balancer plans, VM resources, backups, snapshots and the tasks they run as. It also
// makes and destroys the VMs of the servers group (tenantos.Hooks).
//
// Decisions where the vendor documents nothing are written beside the code they shape; the
// main ones:
//   - External providers, balancer plans and changes to VPS plans are for administrators;
//     resellers may read VPS plans; anyone else gets 403.
//   - A VPS plan without a pinned node (planconfig.node "") is placed by the balancer plan it
//     names (planconfig.node "balancer_<id>", or the record's balancerPlanId), otherwise by the
//     first balancer plan; with no balancer plan at all, by a neutral one (every priority 1, no
//     reserves or limits).
//   - Refusals of the state a record is in are 409 (a busy VM, maxBackups reached, backups
//     disabled, a dedicated server); bad input is 422 naming the field; records the caller may
//     not see are 404.
//   - Backups and snapshots run as tasks (GET /api/tasks/{id}): pending, running after
//     timings.taskStart, progress 25/50/75 % on the way, completed after the operation's
//     timing. A backup or snapshot being created is not listed until its task completes.
//     A busy VM refuses a new task at once (409) rather than failing it later; a task fails
//     when its VM is gone by the time it runs.
//   - A dedicated server lists no backups or snapshots (enabled false), is not available for
//     them, and refuses their changes with 409; its VM resources are 404.
//   - A VPS plan used by VMs is not deleted (409): the VMs' backup and snapshot settings are
//     read from it.
package vps

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// group is the VPS operations of one provider.
type group struct {
	p *tenantos.Provider
}

// Routes is the group's route table: one handler per operation, named after it. It also
// registers the group's jobs and sets the VM hooks the servers group calls.
func Routes(p *tenantos.Provider) map[string]echo.HandlerFunc {
	g := &group{p: p}
	p.AddJob(jobProvision, g.runProvision)
	p.AddJob(jobTask, g.runTaskStep)
	p.Hooks.CreateVM = g.createVM
	p.Hooks.DestroyVM = g.destroyVM
	return map[string]echo.HandlerFunc{
		// External Providers
		"listExternalProviders":  g.listExternalProviders,
		"createExternalProvider": g.createExternalProvider,
		"getExternalProvider":    g.getExternalProvider,
		"updateExternalProvider": g.updateExternalProvider,
		"deleteExternalProvider": g.deleteExternalProvider,
		// VPS Plans
		"listVpsPlans":              g.listVpsPlans,
		"createVpsPlan":             g.createVpsPlan,
		"getVpsPlan":                g.getVpsPlan,
		"updateVpsPlan":             g.updateVpsPlan,
		"deleteVpsPlan":             g.deleteVpsPlan,
		"duplicateVpsPlan":          g.duplicateVpsPlan,
		"listBalancerPlans":         g.listBalancerPlans,
		"createBalancerPlan":        g.createBalancerPlan,
		"getBalancerPlan":           g.getBalancerPlan,
		"updateBalancerPlan":        g.updateBalancerPlan,
		"deleteBalancerPlan":        g.deleteBalancerPlan,
		"testBalancerConfiguration": g.testBalancerConfiguration,
		// Server Ressources (VM)
		"getVmResources":    g.getVmResources,
		"updateVmResources": g.updateVmResources,
		// Server Backups
		"listServerBackups":           g.listServerBackups,
		"createServerBackup":          g.createServerBackup,
		"deleteServerBackup":          g.deleteServerBackup,
		"restoreServerBackup":         g.restoreServerBackup,
		"getServerBackupAvailability": g.getServerBackupAvailability,
		// Server Snapshots
		"listServerSnapshots":           g.listServerSnapshots,
		"createServerSnapshot":          g.createServerSnapshot,
		"deleteServerSnapshot":          g.deleteServerSnapshot,
		"rollbackServerSnapshot":        g.rollbackServerSnapshot,
		"getServerSnapshotAvailability": g.getServerSnapshotAvailability,
		// Task Tracking
		"getTask": g.getTask,
	}
}
