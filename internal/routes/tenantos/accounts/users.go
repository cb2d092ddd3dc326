package accounts

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// userInput is the body of POST and PUT /api/users (and POST /api/aliasUsers); a field not
// sent is nil.
type userInput struct {
	Name           *string         `json:"name"`
	Email          *string         `json:"email"`
	Password       *string         `json:"password"`
	RootOwner      *int64          `json:"root_owner"`
	Description    *string         `json:"description"`
	Username       *string         `json:"username"`
	RoleID         *int64          `json:"role_id"`
	AccountStatus  *string         `json:"accountstatus"`
	Timezone       *string         `json:"timezone"`
	DatetimeFormat *string         `json:"datetimeFormat"`
	Darkmode       *int            `json:"darkmode"`
	Prefs          json.RawMessage `json:"prefs"`
	AllowedHosts   []string        `json:"allowedHosts"`
	Language       *string         `json:"language"`
	SessionTimeout *string         `json:"sessionTimeout"`
}

// prepared is what can be checked and computed before the transaction: the password hash
// (bcrypt is slow; the transaction may run more than once) and the cleaned-up host list.
type prepared struct {
	hash  string
	hosts []string
}

func (in *userInput) prepare() (*prepared, error) {
	out := &prepared{}
	if in.Password != nil {
		if err := checkPassword(*in.Password); err != nil {
			return nil, err
		}
		// The cost of the fixtures' hashes; a real panel's is higher, which only slows tests.
		h, err := bcrypt.GenerateFromPassword([]byte(*in.Password), bcrypt.MinCost)
		if err != nil {
			return nil, err
		}
		out.hash = string(h)
	}
	if in.Email != nil {
		if err := checkEmail(*in.Email); err != nil {
			return nil, err
		}
	}
	if in.Timezone != nil {
		if err := checkTimezone(*in.Timezone); err != nil {
			return nil, err
		}
	}
	if in.Username != nil {
		if u := strings.TrimSpace(*in.Username); u == "" {
			return nil, tenantos.Invalid("username", "The username field is required.")
		} else if strings.ContainsAny(u, " \t\r\n") {
			return nil, tenantos.Invalid("username", "The username must not contain spaces.")
		}
	}
	if in.Name != nil && strings.TrimSpace(*in.Name) == "" {
		return nil, tenantos.Invalid("name", "The name field is required.")
	}
	if in.AllowedHosts != nil {
		hosts, err := checkHosts("allowedHosts", in.AllowedHosts)
		if err != nil {
			return nil, err
		}
		out.hosts = hosts
	}
	return out, nil
}

// emailTaken reports whether another user than except has email (case does not matter).
// Decision: emails are unique, as billing modules find their customers by email.
func emailTaken(tx *state.Tx, email string, except int64) (bool, error) {
	taken := false
	err := tenantos.Users.Each(tx, func(u *tenantos.User) error {
		if u.ID != except && u.Email != "" && strings.EqualFold(u.Email, email) {
			taken = true
		}
		return nil
	})
	return taken, err
}

// assignableRole loads the role a caller gives a user below owner (the user's owner, or the
// user itself): it must exist, be visible to the caller, be assignable, belong to one of the
// user's owners and be an alias role exactly when the user is an alias user (422 otherwise);
// the administrator role is for administrators to give (403).
func assignableRole(tx *state.Tx, a *tenantos.User, id, owner int64, alias bool) (*tenantos.Role, error) {
	invalid := tenantos.Invalid("role_id", "The selected role id is invalid.")
	r, err := tenantos.Roles.Get(tx, id)
	if err != nil {
		return nil, invalid
	}
	if r.IsAlias != alias || r.NotAssignable || !roleVisible(tx, a, r) || !inChain(tx, owner, r.OwnerUserID) {
		return nil, invalid
	}
	if r.ID == tenantos.RoleAdmin && a.RoleID != tenantos.RoleAdmin {
		return nil, tenantos.ErrForbidden
	}
	return r, nil
}

// ownerFor loads the user a new user (or a moved one) is to belong to: one the caller manages
// and that may have sub-users.
func ownerFor(tx *state.Tx, a *tenantos.User, id int64) (*tenantos.User, error) {
	o, err := tenantos.Users.Get(tx, id)
	if err != nil || !tenantos.Manages(tx, a, o) || !mayOwnUsers(o) {
		return nil, tenantos.Invalid("root_owner", "The selected root owner is invalid.")
	}
	return o, nil
}

// applySettings keeps the fields the core's User has no room for.
func applySettings(tx *state.Tx, id int64, in *userInput) error {
	if in.Darkmode == nil && len(in.Prefs) == 0 && in.SessionTimeout == nil {
		return nil
	}
	s := settingsOf(tx, id)
	if in.Darkmode != nil {
		s.Darkmode = in.Darkmode
	}
	if len(in.Prefs) > 0 {
		s.Prefs = in.Prefs
	}
	if in.SessionTimeout != nil {
		s.SessionTimeout = *in.SessionTimeout
	}
	return settings.Put(tx, id, s)
}

// userEntry is the activity-log entry of a change to user u.
func userEntry(u *tenantos.User, what string, changes any) tenantos.LogEntry {
	return tenantos.LogEntry{RelationType: "users", RelationID: u.ID, RootType: "users", RootID: u.ID,
		Description: fmt.Sprintf("%s user %s", what, u.Username), Changes: changes,
		MetaHref: fmt.Sprintf("/users/%d", u.ID), MetaText: u.Username}
}

// listUsers lists the users the caller manages, newest first as the vendor's example shows
// them. Alias users are listed by GET /api/aliasUsers instead.
func (g *group) listUsers(c echo.Context) error {
	out := []*tenantos.UserView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		a := actor(c)
		var list []*tenantos.User
		err := tenantos.Users.Each(tx, func(u *tenantos.User) error {
			if u.SharedUserID == nil && tenantos.Manages(tx, a, u) {
				list = append(list, u)
			}
			return nil
		})
		if err != nil {
			return err
		}
		sort.Slice(list, func(i, j int) bool { return list[i].ID > list[j].ID })
		for _, u := range list {
			v, err := viewUser(tx, u)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getUser shows a user the caller manages.
func (g *group) getUser(c echo.Context) error {
	var out *tenantos.UserView
	err := provider.World(c).View(func(tx *state.Tx) error {
		u, err := pathUser(c, tx, "id")
		if err != nil {
			return err
		}
		out, err = viewUser(tx, u)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// createUser creates a user below the caller (or below root_owner, a user the caller manages
// that may have sub-users), with role_id (default 3, the end-user role). A taken username or
// email, a role the caller may not give and a short password are refused with 422 and
// nothing is stored. Time zone, date format and language not sent are the panel's defaults
// (the global settings default_timezone, default_datetime_format and default_language).
func (g *group) createUser(c echo.Context) error {
	out, err := g.newUser(c, false)
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// newUser is user creation, for createUser and (alias) createAliasUser; it returns the view
// the operation answers.
func (g *group) newUser(c echo.Context, alias bool) (any, error) {
	var in userInput
	if err := provider.Bind(c, &in); err != nil {
		return nil, err
	}
	if in.Name == nil {
		return nil, tenantos.Invalid("name", "The name field is required.")
	}
	if in.Username == nil {
		return nil, tenantos.Invalid("username", "The username field is required.")
	}
	if in.Password == nil {
		return nil, tenantos.Invalid("password", "The password field is required.")
	}
	pre, err := in.prepare()
	if err != nil {
		return nil, err
	}
	var out any
	err = provider.World(c).Update(func(tx *state.Tx) error {
		a := actor(c)
		if alias {
			if isAlias(c) || a.SharedUserID != nil {
				return tenantos.ErrForbidden
			}
		} else if !mayOwnUsers(a) {
			return tenantos.ErrForbidden
		}
		owner := a
		if in.RootOwner != nil && *in.RootOwner != a.ID {
			o, err := tenantos.Users.Get(tx, *in.RootOwner)
			if err != nil || !tenantos.Manages(tx, a, o) || o.SharedUserID != nil || (!alias && !mayOwnUsers(o)) {
				return tenantos.Invalid("root_owner", "The selected root owner is invalid.")
			}
			owner = o
		}
		roleID := int64(tenantos.RoleUser)
		if in.RoleID != nil {
			roleID = *in.RoleID
		} else if alias {
			return tenantos.Invalid("role_id", "The role id field is required.")
		}
		if _, err := assignableRole(tx, a, roleID, owner.ID, alias); err != nil {
			return err
		}
		if in.Email != nil {
			if taken, err := emailTaken(tx, *in.Email, 0); err != nil {
				return err
			} else if taken {
				return tenantos.Invalid("email", "The email has already been taken.")
			}
		}
		id, err := tenantos.Users.NextID(tx)
		if err != nil {
			return err
		}
		u := &tenantos.User{ID: id, Name: strings.TrimSpace(*in.Name), Username: strings.TrimSpace(*in.Username),
			PasswordHash: pre.hash, RoleID: roleID, RootOwner: owner.ID, AccountStatus: "enabled",
			Timezone:       tenantos.Setting(tx, "default_timezone", "Europe/Berlin"),
			DatetimeFormat: tenantos.Setting(tx, "default_datetime_format", "DD.MM.YYYY HH:mm:ss"),
			Language:       tenantos.Setting(tx, "default_language", "en-us"), Description: in.Description, AllowedHosts: []string{},
			Created: tx.Now}
		if alias {
			u.SharedUserID = &owner.ID
		}
		if in.Email != nil {
			u.Email = *in.Email
		}
		if in.AccountStatus != nil {
			u.AccountStatus = *in.AccountStatus
		}
		if in.Timezone != nil {
			u.Timezone = *in.Timezone
		}
		if in.DatetimeFormat != nil {
			u.DatetimeFormat = *in.DatetimeFormat
		}
		if in.Language != nil {
			u.Language = *in.Language
		}
		if pre.hosts != nil {
			u.AllowedHosts = pre.hosts
		}
		if err := tenantos.SaveNewUser(tx, u); err != nil {
			return err
		}
		if err := applySettings(tx, u.ID, &in); err != nil {
			return err
		}
		what := "Created"
		if alias {
			what = "Created alias"
		}
		if err := tenantos.LogActivity(c, tx, userEntry(u, what, nil)); err != nil {
			return err
		}
		if alias {
			out, err = viewAliasUser(tx, u)
		} else {
			out, err = viewUser(tx, u)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// change records one field's change for the activity log.
func change(m map[string]any, field string, from, to any) {
	m[field] = map[string]any{"original": from, "changes": to}
}

// updateUser changes a user the caller manages: profile fields and password by anyone who
// manages the user (the user itself included); role, owner and account status only by the
// user's managers, never on oneself. The first administrator keeps its role and owner and
// cannot be disabled, nor can anyone disable their own account. A disabled account's tokens
// are refused (403) from the next request on.
func (g *group) updateUser(c echo.Context) error {
	var in userInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	pre, err := in.prepare()
	if err != nil {
		return err
	}
	var out *tenantos.UserView
	err = provider.World(c).Update(func(tx *state.Tx) error {
		a := actor(c)
		u, err := pathUser(c, tx, "id")
		if err != nil {
			return err
		}
		self := u.ID == a.ID
		changes := map[string]any{}
		if in.Name != nil && strings.TrimSpace(*in.Name) != u.Name {
			change(changes, "name", u.Name, strings.TrimSpace(*in.Name))
			u.Name = strings.TrimSpace(*in.Name)
		}
		if in.Email != nil && *in.Email != u.Email {
			if taken, err := emailTaken(tx, *in.Email, u.ID); err != nil {
				return err
			} else if taken {
				return tenantos.Invalid("email", "The email has already been taken.")
			}
			change(changes, "email", u.Email, *in.Email)
			u.Email = *in.Email
		}
		if in.Password != nil {
			u.PasswordHash = pre.hash
			changes["password"] = map[string]any{"original": "******", "changes": "******"}
		}
		oldUsername := u.Username
		if in.Username != nil && strings.TrimSpace(*in.Username) != u.Username {
			change(changes, "username", u.Username, strings.TrimSpace(*in.Username))
			u.Username = strings.TrimSpace(*in.Username)
		}
		if in.Description != nil {
			change(changes, "description", u.Description, *in.Description)
			u.Description = in.Description
		}
		if in.RootOwner != nil && *in.RootOwner != u.RootOwner {
			if self || u.ID == tenantos.AdminID {
				return tenantos.Invalid("root_owner", "The owner of this account cannot be changed.")
			}
			o, err := ownerFor(tx, a, *in.RootOwner)
			if err != nil {
				return err
			}
			if o.ID == u.ID || inChain(tx, o.ID, u.ID) {
				return tenantos.Invalid("root_owner", "A user cannot be owned by itself or by one of its sub-users.")
			}
			change(changes, "root_owner", u.RootOwner, o.ID)
			u.RootOwner = o.ID
			if u.SharedUserID != nil {
				u.SharedUserID = &o.ID
			}
		}
		if in.RoleID != nil && *in.RoleID != u.RoleID {
			if self && a.RoleID != tenantos.RoleAdmin {
				return tenantos.ErrForbidden
			}
			if u.ID == tenantos.AdminID {
				return tenantos.Invalid("role_id", "The role of the first administrator cannot be changed.")
			}
			if _, err := assignableRole(tx, a, *in.RoleID, u.RootOwner, u.SharedUserID != nil); err != nil {
				return err
			}
			change(changes, "role_id", u.RoleID, *in.RoleID)
			u.RoleID = *in.RoleID
		}
		if in.AccountStatus != nil && *in.AccountStatus != u.AccountStatus {
			if *in.AccountStatus == "disabled" && (self || u.ID == tenantos.AdminID || u.ID == tenantos.CallerOf(c).Real.ID) {
				return tenantos.Invalid("accountstatus", "This account cannot be disabled.")
			}
			if self {
				return tenantos.ErrForbidden
			}
			change(changes, "accountstatus", u.AccountStatus, *in.AccountStatus)
			u.AccountStatus = *in.AccountStatus
		}
		if in.Timezone != nil && *in.Timezone != u.Timezone {
			change(changes, "timezone", u.Timezone, *in.Timezone)
			u.Timezone = *in.Timezone
		}
		if in.DatetimeFormat != nil && *in.DatetimeFormat != u.DatetimeFormat {
			change(changes, "datetimeFormat", u.DatetimeFormat, *in.DatetimeFormat)
			u.DatetimeFormat = *in.DatetimeFormat
		}
		if in.Language != nil && *in.Language != u.Language {
			change(changes, "language", u.Language, *in.Language)
			u.Language = *in.Language
		}
		if pre.hosts != nil {
			change(changes, "allowedHosts", u.AllowedHosts, pre.hosts)
			u.AllowedHosts = pre.hosts
		}
		if err := tenantos.SaveNewUser(tx, u); err != nil {
			return err
		}
		if changes["root_owner"] != nil || changes["role_id"] != nil {
			if err := pruneSessions(tx); err != nil {
				return err
			}
		}
		if !strings.EqualFold(oldUsername, u.Username) {
			if err := tx.Index(tenantos.Name, tenantos.IdxUsername).Delete([]byte(strings.ToLower(oldUsername))); err != nil {
				return err
			}
		}
		if err := applySettings(tx, u.ID, &in); err != nil {
			return err
		}
		if err := tenantos.LogActivity(c, tx, userEntry(u, "Updated", changes)); err != nil {
			return err
		}
		out, err = viewUser(tx, u)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}
