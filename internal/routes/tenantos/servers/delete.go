package servers

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// deleteServer answers DELETE /api/servers/{id} {destroy}: the server leaves the panel at
// once (404 afterwards). Its IPs are released (free again in their subnets), a provisioning
// run ends (its pending steps find no server and do nothing), and a VM deleted with destroy
// true is removed from its node through the VPS group's DestroyVM hook; without destroy the
// VM stays on the hypervisor, as the panel only forgets it. The groups' records of the server
// (comments and their files, …) are removed through the cleanups registered with
// OnServerDeleted, in the same transaction.
//
// Decisions where the documentation is silent: end users may not delete servers (403); a
// server with a task of the task list (a backup or snapshot) pending or running is busy
// (409); the activity entry "Deleted Server <servername>" stays in the log.
func (g *group) deleteServer(c echo.Context) error {
	var in struct {
		Destroy bool `json:"destroy"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	who := tenantos.CallerOf(c)
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, who.User, serverID(c))
		if err != nil {
			return err
		}
		if who.User.RoleID == tenantos.RoleUser {
			return apierr.Forbidden("This action is unauthorized.")
		}
		busy := false
		if err := tenantos.Tasks.Each(tx, func(t *tenantos.Task) error {
			busy = busy || (t.ServerID == s.ID && (t.Status == "pending" || t.Status == "running"))
			return nil
		}); err != nil {
			return err
		}
		if busy {
			return apierr.Conflict("The server is busy with another task.")
		}
		if s.VM != nil && in.Destroy && g.p.Hooks.DestroyVM != nil {
			if err := g.p.Hooks.DestroyVM(c, tx, s); err != nil {
				return err
			}
		}
		ips, err := tenantos.ServerIPs(tx, s.ID)
		if err != nil {
			return err
		}
		for _, ip := range ips {
			if err := tenantos.ReleaseIP(tx, ip, tx.Now); err != nil {
				return err
			}
		}
		// What other groups keep of the server (comments and their files, …) goes with it.
		if err := g.p.ServerDeleted(c, tx, s); err != nil {
			return err
		}
		if err := tenantos.Servers.Delete(tx, s.ID); err != nil {
			return err
		}
		return logServer(c, tx, s, "servers", "Deleted Server "+s.Servername, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}
