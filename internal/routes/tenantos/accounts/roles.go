package accounts

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// Roles and alias roles are both tenantos.Role records (alias roles have IsAlias); the
// handlers of both go through roleOps with their kind.
//
// Who sees and changes which role (the documentation is silent):
//   - An administrator sees and changes every role.
//   - Anyone else sees the roles owned by the users it manages and by its own owners (the
//     default roles are the administrator's, so a reseller sees them and may give them, but
//     the administrator role), and changes only roles owned by users it manages.
//   - Alias roles are seen and changed by who manages their owner.
//
// A role not seen is 404; a role seen but not to be changed is 403.

type permissionRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// roleView is a role (schema Role); aliasRoleView an alias role (schema AliasRole), which has
// no serversIndexDisablePermissionChecks and puts isAliasRole last.
type roleView struct {
	Name                                string          `json:"name"`
	ID                                  int64           `json:"id"`
	IsAliasRole                         int             `json:"isAliasRole"`
	AssignedUsers                       []userRef       `json:"assignedUsers"`
	NotDeleteable                       int             `json:"notDeleteable"`
	NotAssignable                       int             `json:"notAssignable"`
	ServersIndexDisablePermissionChecks int             `json:"serversIndexDisablePermissionChecks"`
	OwnedBy                             userRef         `json:"ownedBy"`
	OwnerUserID                         int64           `json:"ownerUserId"`
	Type                                string          `json:"type"`
	Permissions                         []permissionRef `json:"permissions"`
}

type aliasRoleView struct {
	Name          string          `json:"name"`
	ID            int64           `json:"id"`
	AssignedUsers []userRef       `json:"assignedUsers"`
	NotDeleteable int             `json:"notDeleteable"`
	NotAssignable int             `json:"notAssignable"`
	OwnedBy       userRef         `json:"ownedBy"`
	OwnerUserID   int64           `json:"ownerUserId"`
	Type          string          `json:"type"`
	Permissions   []permissionRef `json:"permissions"`
	IsAliasRole   int             `json:"isAliasRole"`
}

// permissionRefs numbers a role's permissions with the catalogue's ids, in id order.
func permissionRefs(perms []string) []permissionRef {
	out := []permissionRef{}
	for _, p := range perms {
		out = append(out, permissionRef{ID: permissionIDs[p], Name: p})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// assigned lists the users that have role id.
func assigned(tx *state.Tx, id int64) ([]userRef, error) {
	out := []userRef{}
	err := tenantos.Users.Each(tx, func(u *tenantos.User) error {
		if u.RoleID == id {
			out = append(out, userRef{UserID: u.ID, Fullname: u.Name, Username: u.Username})
		}
		return nil
	})
	return out, err
}

func viewRole(tx *state.Tx, r *tenantos.Role) (any, error) {
	users, err := assigned(tx, r.ID)
	if err != nil {
		return nil, err
	}
	if r.IsAlias {
		return &aliasRoleView{Name: r.Name, ID: r.ID, AssignedUsers: users, NotDeleteable: tenantos.Flag(r.NotDeletable),
			NotAssignable: tenantos.Flag(r.NotAssignable), OwnedBy: refOf(tx, r.OwnerUserID), OwnerUserID: r.OwnerUserID,
			Type: r.Type, Permissions: permissionRefs(r.Permissions), IsAliasRole: 1}, nil
	}
	return &roleView{Name: r.Name, ID: r.ID, AssignedUsers: users, NotDeleteable: tenantos.Flag(r.NotDeletable),
		NotAssignable: tenantos.Flag(r.NotAssignable), ServersIndexDisablePermissionChecks: tenantos.Flag(r.ServersIndexDisablePermissionChecks),
		OwnedBy: refOf(tx, r.OwnerUserID), OwnerUserID: r.OwnerUserID, Type: r.Type, Permissions: permissionRefs(r.Permissions)}, nil
}

// roleVisible reports whether a sees role r.
func roleVisible(tx *state.Tx, a *tenantos.User, r *tenantos.Role) bool {
	switch {
	case a.RoleID == tenantos.RoleAdmin || tenantos.ManagesID(tx, a, r.OwnerUserID):
		return true
	case r.IsAlias:
		return false
	}
	return r.ID == a.RoleID || inChain(tx, a.ID, r.OwnerUserID)
}

// roleChangeable reports whether a may change or delete role r: never the role it holds
// itself, unless it is an administrator.
func roleChangeable(tx *state.Tx, a *tenantos.User, r *tenantos.Role) bool {
	return a.RoleID == tenantos.RoleAdmin || r.ID != a.RoleID && tenantos.ManagesID(tx, a, r.OwnerUserID)
}

// roleInput is the body of role creation and change, for both kinds.
type roleInput struct {
	Name                                *string  `json:"name"`
	PermissionList                      []string `json:"permissionlist"`
	PermissionSets                      []string `json:"permissionsets"`
	UserID                              *int64   `json:"userId"`
	ServersIndexDisablePermissionChecks *bool    `json:"serversIndexDisablePermissionChecks"`
}

// checkPermissions refuses permissions and sets the catalogue does not have or that are above
// what a may give (422, naming the entry).
func checkPermissions(a *tenantos.User, list, sets []string) error {
	level := levelOf(a)
	for i, p := range list {
		if l, ok := permissionLevel[p]; !ok || l > level {
			return tenantos.Invalidf(fmt.Sprintf("permissionlist.%d", i), "The selected permissionlist.%d is invalid.", i)
		}
	}
	for i, name := range sets {
		if s := setByName[name]; s == nil || s.Level > level {
			return tenantos.Invalidf(fmt.Sprintf("permissionsets.%d", i), "The selected permissionsets.%d is invalid.", i)
		}
	}
	return nil
}

// expand is the permissions of a role made of single permissions and sets, in catalogue
// order, each once.
func expand(list, sets []string) []string {
	have := map[string]bool{}
	for _, p := range list {
		have[p] = true
	}
	for _, name := range sets {
		if s := setByName[name]; s != nil {
			for _, p := range s.all() {
				have[p] = true
			}
		}
	}
	out := []string{}
	for _, p := range allPermissions() {
		if have[p] {
			out = append(out, p)
		}
	}
	return out
}

// single is the permissions of r given one by one (not through its sets).
func single(r *tenantos.Role) []string {
	fromSets := map[string]bool{}
	for _, p := range expand(nil, r.PermissionSets) {
		fromSets[p] = true
	}
	var out []string
	for _, p := range r.Permissions {
		if !fromSets[p] {
			out = append(out, p)
		}
	}
	return out
}

// nameTaken reports whether owner has another role of the same kind called name (spaces
// around and case do not count).
func nameTaken(tx *state.Tx, name string, owner int64, alias bool, except int64) (bool, error) {
	taken := false
	err := tenantos.Roles.Each(tx, func(r *tenantos.Role) error {
		if r.ID != except && r.IsAlias == alias && r.OwnerUserID == owner && strings.EqualFold(strings.TrimSpace(r.Name), strings.TrimSpace(name)) {
			taken = true
		}
		return nil
	})
	return taken, err
}

// roleOps are the role handlers of one kind (alias roles or not).
type roleOps struct {
	alias    bool
	notFound *apierr.Error
}

var (
	plainRoles = roleOps{alias: false, notFound: tenantos.ErrRoleNotFound}
	aliasRoles = roleOps{alias: true, notFound: apierr.NotFound("Alias role not found.")}
)

// load finds role {id} of the kind, visible to the caller.
func (k roleOps) load(c echo.Context, tx *state.Tx) (*tenantos.Role, error) {
	r, err := tenantos.Roles.Get(tx, provider.PathInt(c, "id"))
	if err != nil || r.IsAlias != k.alias || !roleVisible(tx, actor(c), r) {
		return nil, k.notFound
	}
	return r, nil
}

func (k roleOps) entry(r *tenantos.Role, what string) tenantos.LogEntry {
	kind := "role"
	if k.alias {
		kind = "alias role"
	}
	return tenantos.LogEntry{RelationType: "roles", RelationID: r.ID, RootType: "roles", RootID: r.ID,
		Description: fmt.Sprintf("%s %s %s", what, kind, strings.TrimSpace(r.Name)), MetaHref: fmt.Sprintf("/roles/%d", r.ID),
		MetaText: strings.TrimSpace(r.Name)}
}

func (k roleOps) list(c echo.Context) error {
	out := []any{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		a := actor(c)
		return tenantos.Roles.Each(tx, func(r *tenantos.Role) error {
			if r.IsAlias != k.alias || !roleVisible(tx, a, r) {
				return nil
			}
			v, err := viewRole(tx, r)
			out = append(out, v)
			return err
		})
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

func (k roleOps) get(c echo.Context) error {
	var out any
	err := provider.World(c).View(func(tx *state.Tx) error {
		r, err := k.load(c, tx)
		if err != nil {
			return err
		}
		out, err = viewRole(tx, r)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

func (k roleOps) create(c echo.Context) error {
	var in roleInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		return tenantos.Invalid("name", "The name field is required.")
	}
	var out any
	err := provider.World(c).Update(func(tx *state.Tx) error {
		a := actor(c)
		if isAlias(c) || a.SharedUserID != nil || (!k.alias && !mayOwnUsers(a)) {
			return tenantos.ErrForbidden
		}
		owner := a.ID
		if k.alias && in.UserID != nil && *in.UserID != a.ID {
			o, err := tenantos.Users.Get(tx, *in.UserID)
			if err != nil || !tenantos.Manages(tx, a, o) || o.SharedUserID != nil {
				return tenantos.Invalid("userId", "The selected user id is invalid.")
			}
			owner = o.ID
		}
		if err := checkPermissions(a, in.PermissionList, in.PermissionSets); err != nil {
			return err
		}
		if taken, err := nameTaken(tx, *in.Name, owner, k.alias, 0); err != nil {
			return err
		} else if taken {
			return tenantos.Invalid("name", "The name has already been taken.")
		}
		id, err := tenantos.Roles.NextID(tx)
		if err != nil {
			return err
		}
		r := &tenantos.Role{ID: id, Name: strings.TrimSpace(*in.Name), IsAlias: k.alias, OwnerUserID: owner, Type: "user_created",
			Permissions: expand(in.PermissionList, in.PermissionSets), PermissionSets: tenantos.List(in.PermissionSets)}
		if in.ServersIndexDisablePermissionChecks != nil {
			r.ServersIndexDisablePermissionChecks = *in.ServersIndexDisablePermissionChecks
		}
		if err := tenantos.Roles.Put(tx, id, r); err != nil {
			return err
		}
		if err := tenantos.LogActivity(c, tx, k.entry(r, "Created")); err != nil {
			return err
		}
		out, err = viewRole(tx, r)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

func (k roleOps) update(c echo.Context) error {
	var in roleInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if in.Name != nil && strings.TrimSpace(*in.Name) == "" {
		return tenantos.Invalid("name", "The name field is required.")
	}
	var out any
	err := provider.World(c).Update(func(tx *state.Tx) error {
		a := actor(c)
		r, err := k.load(c, tx)
		if err != nil {
			return err
		}
		if !roleChangeable(tx, a, r) {
			return tenantos.ErrForbidden
		}
		if err := checkPermissions(a, in.PermissionList, in.PermissionSets); err != nil {
			return err
		}
		changes := map[string]any{}
		if in.Name != nil && strings.TrimSpace(*in.Name) != strings.TrimSpace(r.Name) {
			if taken, err := nameTaken(tx, *in.Name, r.OwnerUserID, k.alias, r.ID); err != nil {
				return err
			} else if taken {
				return tenantos.Invalid("name", "The name has already been taken.")
			}
			change(changes, "name", r.Name, strings.TrimSpace(*in.Name))
			r.Name = strings.TrimSpace(*in.Name)
		}
		if in.PermissionList != nil || in.PermissionSets != nil {
			list, sets := single(r), r.PermissionSets
			if in.PermissionList != nil {
				list = in.PermissionList
			}
			if in.PermissionSets != nil {
				sets = in.PermissionSets
			}
			perms := expand(list, sets)
			if !slices.Equal(perms, r.Permissions) {
				change(changes, "permissions", tenantos.List(r.Permissions), perms)
			}
			r.Permissions, r.PermissionSets = perms, tenantos.List(sets)
		}
		if in.ServersIndexDisablePermissionChecks != nil {
			r.ServersIndexDisablePermissionChecks = *in.ServersIndexDisablePermissionChecks
		}
		if err := tenantos.Roles.Put(tx, r.ID, r); err != nil {
			return err
		}
		if err := tenantos.LogActivity(c, tx, k.entry(r, "Updated")); err != nil {
			return err
		}
		out, err = viewRole(tx, r)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// delete deletes a role. Decision: a role that cannot be deleted (the default ones marked
// notDeleteable) and a role still assigned to users are refused with 409, as the document
// says; the caller must reassign the users first.
func (k roleOps) delete(c echo.Context) error {
	err := provider.World(c).Update(func(tx *state.Tx) error {
		r, err := k.load(c, tx)
		if err != nil {
			return err
		}
		if !roleChangeable(tx, actor(c), r) {
			return tenantos.ErrForbidden
		}
		if r.NotDeletable {
			return apierr.Conflict("This role cannot be deleted.")
		}
		users, err := assigned(tx, r.ID)
		if err != nil {
			return err
		}
		if len(users) > 0 {
			return apierr.Conflict(fmt.Sprintf("The role is still assigned to %d user(s).", len(users)))
		}
		if err := tenantos.Roles.Delete(tx, r.ID); err != nil {
			return err
		}
		return tenantos.LogActivity(c, tx, k.entry(r, "Deleted"))
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// listRoles lists the roles the caller sees (not alias roles).
func (g *group) listRoles(c echo.Context) error { return plainRoles.list(c) }

// getRole shows a role the caller sees.
func (g *group) getRole(c echo.Context) error { return plainRoles.get(c) }

// createRole creates a role owned by the caller, from single permissions (permissionlist) and
// permission sets (permissionsets, by name; GET /api/permissions lists both): its permissions
// are their union. Entries the catalogue lacks, or above what the caller may give, are 422.
// End users may not create roles (403).
func (g *group) createRole(c echo.Context) error { return plainRoles.create(c) }

// updateRole renames a role or replaces its single permissions or its permission sets (what
// is not sent stays).
func (g *group) updateRole(c echo.Context) error { return plainRoles.update(c) }

// deleteRole deletes a role: see roleOps.delete.
func (g *group) deleteRole(c echo.Context) error { return plainRoles.delete(c) }

// listAliasRoles lists the alias roles of the users the caller manages.
func (g *group) listAliasRoles(c echo.Context) error { return aliasRoles.list(c) }

// getAliasRole shows an alias role the caller sees.
func (g *group) getAliasRole(c echo.Context) error { return aliasRoles.get(c) }

// createAliasRole creates an alias role for userId (a user the caller manages; default the
// caller), whose alias users it can be given to; permissions as createRole.
func (g *group) createAliasRole(c echo.Context) error { return aliasRoles.create(c) }

// updateAliasRole renames an alias role or replaces its permissions.
func (g *group) updateAliasRole(c echo.Context) error { return aliasRoles.update(c) }

// deleteAliasRole deletes an alias role no alias user has (409 otherwise).
func (g *group) deleteAliasRole(c echo.Context) error { return aliasRoles.delete(c) }
