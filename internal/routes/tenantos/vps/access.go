package vps

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// Who may do what. The panel's permissions are per role; the simulator keeps to the default
// roles: administrators run the virtualization platform (providers, plans, balancers),
// resellers may read the VPS plans they sell, and a server's backups, snapshots, resources
// and tasks are for whoever manages its owner.
var (
	errNotVM      = apierr.NotFound("Virtual server not found.")
	errSuspended  = apierr.Forbidden("The server is suspended.")
	errNotVMState = apierr.Conflict("Backups and snapshots are only available for virtual servers on Proxmox.")
)

// requireAdmin refuses every caller but an administrator.
func requireAdmin(c echo.Context) error {
	if !tenantos.CallerOf(c).Admin() {
		return tenantos.ErrForbidden
	}
	return nil
}

// requirePlanReader lets administrators and resellers read VPS plans.
func requirePlanReader(c echo.Context) error {
	if u := tenantos.CallerOf(c).User; u.RoleID != tenantos.RoleAdmin && u.RoleID != tenantos.RoleReseller {
		return tenantos.ErrForbidden
	}
	return nil
}

// visibleServer loads a server the caller manages; any other is 404, as if it did not exist.
func visibleServer(c echo.Context, tx *tenantos.Tx, id int64) (*tenantos.Server, error) {
	return tenantos.VisibleServer(tx, tenantos.CallerOf(c).User, id)
}

// actionable is visibleServer for a change: a user the server is suspended for may not act
// on it (its administrators may).
func actionable(c echo.Context, tx *tenantos.Tx, id int64) (*tenantos.Server, error) {
	s, err := visibleServer(c, tx, id)
	if err != nil {
		return nil, err
	}
	who := tenantos.CallerOf(c).User
	if !tenantos.CallerOf(c).Admin() && tenantos.Contains(s.SuspendedUserIDs, who.ID) {
		return nil, errSuspended
	}
	return s, nil
}

// isVM reports whether a server is a VM this group made (and can back up, snapshot, resize).
func isVM(s *tenantos.Server) bool { return s.VM != nil && s.TypeOfServer == "vm" }

// logServer writes an activity-log entry about a server (nil c: no request, nothing logged).
func logServer(c echo.Context, tx *tenantos.Tx, s *tenantos.Server, desc string, changes any) error {
	if c == nil {
		return nil
	}
	return tenantos.LogActivity(c, tx, tenantos.LogEntry{RelationType: "servers", RelationID: s.ID, RootType: "servers",
		RootID: s.ID, Description: desc, Changes: changes, MetaHref: "/servers/" + itoa(s.ID), MetaText: s.Servername})
}

// logSystem writes an administrators' activity-log entry about the virtualization setup.
func logSystem(c echo.Context, tx *tenantos.Tx, root string, id int64, desc string, changes any) error {
	return tenantos.LogActivity(c, tx, tenantos.LogEntry{RelationType: "system", RootType: root, RootID: id,
		Description: desc, Changes: changes, AdminOnly: true})
}
