package accounts

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// Alias users are accounts with shared access to another user's records (a colleague of a
// customer, a support login): users whose SharedUserID is the user they share, owned by that
// user, with an alias role, and reaching what user_alias_assignments list. They are created
// with the fields of POST /api/users by the user whose access they share (or, for root_owner,
// a user the caller manages), and listed and changed only here: GET /api/users leaves them
// out.
//
// A request with an alias user's own token (or impersonating one) acts as the account it
// shares (tenantos.Caller: User is that account, Alias the alias user), within what its alias
// role allows and the servers its assignments give it (the access rules of authorize.go).

var errAliasNotFound = apierr.NotFound("Alias user not found.")

type aliasUserView struct {
	ID                       int64             `json:"id"`
	Name                     string            `json:"name"`
	Email                    *string           `json:"email"`
	CreatedAt                string            `json:"created_at"`
	RootOwner                int64             `json:"root_owner"`
	Username                 string            `json:"username"`
	AccountStatus            string            `json:"accountstatus"`
	IsParentAccountSuspended int               `json:"isParentAccountSuspended"`
	IsSharedAccess           bool              `json:"isSharedAccess"`
	SharedUserID             int64             `json:"sharedUserId"`
	RealOrSharedUserID       int64             `json:"realOrSharedUserId"`
	RoleID                   int64             `json:"role_id"`
	RoleName                 string            `json:"role_name"`
	RootOwnerUsername        string            `json:"root_owner_username"`
	LastLogin                aliasLastLogin    `json:"lastlogin"`
	CanCreateSubUsers        int               `json:"canCreateSubUsers"`
	Description              *string           `json:"description"`
	UserAliasAssignments     []json.RawMessage `json:"user_alias_assignments"`
}

type aliasLastLogin struct {
	Date string `json:"date"`
	IP   string `json:"ip"`
}

// viewAliasUser renders an alias user: the shared user's suspension and ability to have
// sub-users show through.
func viewAliasUser(tx *state.Tx, u *tenantos.User) (*aliasUserView, error) {
	shared := u.RootOwner
	if u.SharedUserID != nil {
		shared = *u.SharedUserID
	}
	v := &aliasUserView{ID: u.ID, Name: u.Name, CreatedAt: tenantos.LaravelTime(u.Created), RootOwner: u.RootOwner, Username: u.Username,
		AccountStatus: u.AccountStatus, IsSharedAccess: true, SharedUserID: shared, RealOrSharedUserID: shared, RoleID: u.RoleID,
		RoleName: roleName(tx, u.RoleID), LastLogin: aliasLastLogin{Date: "Never", IP: "-"}, Description: u.Description,
		UserAliasAssignments: []json.RawMessage{}}
	if u.Email != "" {
		v.Email = &u.Email
	}
	if o, err := tenantos.Users.Get(tx, shared); err == nil {
		v.RootOwnerUsername = o.Username
		v.IsParentAccountSuspended = tenantos.Flag(o.AccountStatus == "disabled")
		v.CanCreateSubUsers = tenantos.Flag(mayOwnUsers(o))
	}
	if u.LastLogin != nil {
		v.LastLogin = aliasLastLogin{Date: tenantos.LaravelTime(*u.LastLogin), IP: u.LastLoginIP}
	}
	v.UserAliasAssignments = append(v.UserAliasAssignments, u.AliasAssignments...)
	return v, nil
}

// pathAlias loads alias user {id} (a string in the document) whose shared user the caller
// manages.
func pathAlias(c echo.Context, tx *state.Tx) (*tenantos.User, error) {
	id, err := strconv.ParseInt(provider.PathString(c, "id"), 10, 64)
	if err != nil {
		return nil, errAliasNotFound
	}
	u, err := tenantos.Users.Get(tx, id)
	if err != nil || u.SharedUserID == nil || !tenantos.ManagesID(tx, actor(c), *u.SharedUserID) {
		return nil, errAliasNotFound
	}
	return u, nil
}

// listAliasUsers lists the alias users of the users the caller manages.
func (g *group) listAliasUsers(c echo.Context) error {
	out := []*aliasUserView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		a := actor(c)
		return tenantos.Users.Each(tx, func(u *tenantos.User) error {
			if u.SharedUserID == nil || !tenantos.ManagesID(tx, a, *u.SharedUserID) {
				return nil
			}
			v, err := viewAliasUser(tx, u)
			out = append(out, v)
			return err
		})
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// createAliasUser creates an alias user sharing the caller's access (or root_owner's, a user
// the caller manages), with the fields of POST /api/users. Decision: role_id is required and
// must be an alias role of a user the caller manages (422 otherwise); it reaches nothing
// until PUT gives it user_alias_assignments.
func (g *group) createAliasUser(c echo.Context) error {
	out, err := g.newUser(c, true)
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

type aliasAssignment struct {
	Type                string  `json:"type"`
	ItemIDs             []int64 `json:"itemIds"`
	HasAccessToAllItems bool    `json:"hasAccessToAllItems"`
}

type aliasUserInput struct {
	Assignments   *aliasAssignment `json:"user_alias_assignments"`
	AccountStatus *string          `json:"accountstatus"`
	RoleID        *int64           `json:"role_id"`
}

// updateAliasUser changes what an alias user reaches, its status or its role. An assignment
// replaces the one of the same type (servers: the ids of servers the shared user has, or
// every one of them with hasAccessToAllItems).
func (g *group) updateAliasUser(c echo.Context) error {
	var in aliasUserInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out *aliasUserView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		u, err := pathAlias(c, tx)
		if err != nil {
			return err
		}
		changes := map[string]any{}
		if as := in.Assignments; as != nil {
			if as.Type == "" {
				return tenantos.Invalid("user_alias_assignments.type", "The user alias assignments.type field is required.")
			}
			if as.ItemIDs == nil && !as.HasAccessToAllItems {
				return tenantos.Invalid("user_alias_assignments.itemIds", "The user alias assignments.item ids field is required.")
			}
			for i, id := range as.ItemIDs {
				s, err := tenantos.Servers.Get(tx, id)
				if err != nil || !tenantos.ManagesID(tx, mustUser(tx, *u.SharedUserID), s.UserID) {
					return tenantos.Invalidf(fmt.Sprintf("user_alias_assignments.itemIds.%d", i),
						"The selected user_alias_assignments.itemIds.%d is invalid.", i)
				}
			}
			if as.HasAccessToAllItems || as.ItemIDs == nil {
				as.ItemIDs = []int64{}
			}
			var kept []json.RawMessage
			for _, raw := range u.AliasAssignments {
				var old aliasAssignment
				if json.Unmarshal(raw, &old) == nil && old.Type == as.Type {
					continue
				}
				kept = append(kept, raw)
			}
			u.AliasAssignments = append(kept, rawJSON(as))
			changes["user_alias_assignments"] = map[string]any{"changes": as}
		}
		if in.AccountStatus != nil && *in.AccountStatus != u.AccountStatus {
			change(changes, "accountstatus", u.AccountStatus, *in.AccountStatus)
			u.AccountStatus = *in.AccountStatus
		}
		if in.RoleID != nil && *in.RoleID != u.RoleID {
			if _, err := assignableRole(tx, actor(c), *in.RoleID, u.RootOwner, true); err != nil {
				return err
			}
			change(changes, "role_id", u.RoleID, *in.RoleID)
			u.RoleID = *in.RoleID
		}
		if err := tenantos.Users.Put(tx, u.ID, u); err != nil {
			return err
		}
		if err := tenantos.LogActivity(c, tx, userEntry(u, "Updated alias", changes)); err != nil {
			return err
		}
		out, err = viewAliasUser(tx, u)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// mustUser loads a user, or a stand-in that manages nothing when it is gone.
func mustUser(tx *state.Tx, id int64) *tenantos.User {
	u, err := tenantos.Users.Get(tx, id)
	if err != nil {
		return &tenantos.User{ID: -1, RoleID: tenantos.RoleUser}
	}
	return u
}

// deleteAliasUser deletes an alias user, its tokens (which stop opening the world), SSH keys
// and login history.
func (g *group) deleteAliasUser(c echo.Context) error {
	var forget []string
	err := provider.World(c).Update(func(tx *state.Tx) error {
		u, err := pathAlias(c, tx)
		if err != nil {
			return err
		}
		if who := tenantos.CallerOf(c); u.ID == who.User.ID || u.ID == who.Real.ID {
			return tenantos.ErrForbidden // the operation documents no 409
		}
		if err := tenantos.LogActivity(c, tx, userEntry(u, "Deleted alias", nil)); err != nil {
			return err
		}
		forget, err = removeUser(tx, u)
		return err
	})
	if err != nil {
		return err
	}
	g.forget(c, forget)
	return tenantos.Done(c)
}
