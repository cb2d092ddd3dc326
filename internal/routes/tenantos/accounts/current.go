package accounts

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// currentUserView is GET /api/user's bare object (schema CurrentUser).
type currentUserView struct {
	ID                 int64        `json:"id"`
	Name               string       `json:"name"`
	Timezone           string       `json:"timezone"`
	DatetimeFormat     string       `json:"datetimeFormat"`
	Darkmode           *int         `json:"darkmode"`
	SSHKeys            []sshKeyView `json:"sshkeys"`
	Prefs              any          `json:"prefs"`
	CurrentIP          string       `json:"currentIp"`
	Language           string       `json:"language"`
	IsSharedAccess     bool         `json:"isSharedAccess"`
	SharedUserID       *int64       `json:"sharedUserId"`
	RealOrSharedUserID int64        `json:"realOrSharedUserId"`
	Permissions        []string     `json:"permissions"`
}

// getCurrentUser answers the user the request acts as (the token's, or the one it
// impersonates; an alias user itself, with the permissions it has in the account it
// shares), bare, without the envelope, as the vendor documents it. Its sshkeys are the
// user's SSH keys (the vendor's example has none, so their shape is the SSH key object's);
// its permissions are what the user holds (an administrator every permission of the
// catalogue); currentIp is the client's address (or the impersonateClientIp header's).
func (g *group) getCurrentUser(c echo.Context) error {
	var out currentUserView
	err := provider.World(c).View(func(tx *state.Tx) error {
		u, perms := actor(c), []string(nil)
		if who := tenantos.CallerOf(c); who.Alias != nil {
			u, perms = who.Alias, aliasPermissions(tx, who)
		} else {
			perms = effectivePermissions(tx, u)
		}
		keys, err := userKeys(tx, u.ID)
		if err != nil {
			return err
		}
		s := settingsOf(tx, u.ID)
		out = currentUserView{ID: u.ID, Name: u.Name, Timezone: u.Timezone, DatetimeFormat: u.DatetimeFormat, Darkmode: s.Darkmode,
			SSHKeys: []sshKeyView{}, Prefs: prefsOf(s), CurrentIP: tenantos.ClientIP(c), Language: u.Language,
			IsSharedAccess: u.SharedUserID != nil, SharedUserID: u.SharedUserID, RealOrSharedUserID: u.ID,
			Permissions: perms}
		if u.SharedUserID != nil {
			out.RealOrSharedUserID = *u.SharedUserID
		}
		for _, k := range keys {
			out.SSHKeys = append(out.SSHKeys, viewKey(tx, k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

type additionalInput struct {
	UserID                   *int64  `json:"userId"`
	WithOwnedUsersData       bool    `json:"withOwnedUsersData"`
	LimitOwnedUsersDataToIds []int64 `json:"limitOwnedUsersDataToIds"`
}

// additionalView is the answer of getAdditionalUserInformation. The vendor documents no
// answer; the simulator's: who the user is, its owner chain, what it has (servers, sub-users,
// SSH keys, API tokens, alias users), and with withOwnedUsersData the same of every user
// below it (limited to limitOwnedUsersDataToIds when sent).
type additionalView struct {
	UserID         int64                `json:"userId"`
	Username       string               `json:"username"`
	Name           string               `json:"name"`
	Email          string               `json:"email"`
	RoleID         int64                `json:"role_id"`
	RoleName       string               `json:"role_name"`
	AccountStatus  string               `json:"accountstatus"`
	OwnerChain     []tenantos.OwnerView `json:"ownerChain"`
	Counts         userCounts           `json:"counts"`
	OwnedUsersData any                  `json:"ownedUsersData,omitempty"` // []ownedUserView when asked for
}

type userCounts struct {
	Servers    int `json:"servers"`
	SubUsers   int `json:"subUsers"`
	SSHKeys    int `json:"sshKeys"`
	APITokens  int `json:"apiTokens"`
	AliasUsers int `json:"aliasUsers"`
}

type ownedUserView struct {
	ID            int64      `json:"id"`
	Name          string     `json:"name"`
	Username      string     `json:"username"`
	Email         string     `json:"email"`
	RoleID        int64      `json:"role_id"`
	RoleName      string     `json:"role_name"`
	RootOwner     int64      `json:"root_owner"`
	AccountStatus string     `json:"accountstatus"`
	Counts        userCounts `json:"counts"`
}

// getAdditionalUserInformation tells more of the caller, or of userId (a user the caller
// manages; 422 on userId otherwise, as the operation documents no 404).
func (g *group) getAdditionalUserInformation(c echo.Context) error {
	var in additionalInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out additionalView
	err := provider.World(c).View(func(tx *state.Tx) error {
		u := actor(c)
		if in.UserID != nil {
			var err error
			if u, err = userField(tx, u, *in.UserID); err != nil {
				return err
			}
		}
		users, err := tenantos.Users.All(tx)
		if err != nil {
			return err
		}
		servers, err := tenantos.Servers.All(tx)
		if err != nil {
			return err
		}
		keys, err := tenantos.SSHKeys.All(tx)
		if err != nil {
			return err
		}
		tokens, err := tenantos.Tokens.All(tx)
		if err != nil {
			return err
		}
		count := func(id int64) userCounts {
			var n userCounts
			for _, s := range servers {
				if s.UserID == id {
					n.Servers++
				}
			}
			for _, o := range users {
				switch {
				case o.ID == id:
				case o.SharedUserID != nil && *o.SharedUserID == id:
					n.AliasUsers++
				case o.RootOwner == id:
					n.SubUsers++
				}
			}
			for _, k := range keys {
				if k.UserID == id {
					n.SSHKeys++
				}
			}
			for _, t := range tokens {
				if t.UserID == id {
					n.APITokens++
				}
			}
			return n
		}
		out = additionalView{UserID: u.ID, Username: u.Username, Name: u.Name, Email: u.Email, RoleID: u.RoleID,
			RoleName: roleName(tx, u.RoleID), AccountStatus: u.AccountStatus, OwnerChain: []tenantos.OwnerView{}, Counts: count(u.ID)}
		for _, o := range tenantos.OwnerChain(tx, u.ID) {
			out.OwnerChain = append(out.OwnerChain, tenantos.OwnerView{UserID: o.ID, Name: o.Name, Username: o.Username,
				Type: tenantos.OwnerType(o), AssignmentDate: tenantos.PlainTime(o.Created)})
		}
		if !in.WithOwnedUsersData {
			return nil
		}
		owned := []ownedUserView{}
		for _, o := range users {
			if o.ID == u.ID || o.SharedUserID != nil || !inChain(tx, o.ID, u.ID) {
				continue
			}
			if len(in.LimitOwnedUsersDataToIds) > 0 && !slices.Contains(in.LimitOwnedUsersDataToIds, o.ID) {
				continue
			}
			owned = append(owned, ownedUserView{ID: o.ID, Name: o.Name, Username: o.Username, Email: o.Email,
				RoleID: o.RoleID, RoleName: roleName(tx, o.RoleID), RootOwner: o.RootOwner, AccountStatus: o.AccountStatus, Counts: count(o.ID)})
		}
		out.OwnedUsersData = owned
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}
