package accounts

import (
	"encoding/json"
	"strconv"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// userView is the user object (schema User), keys in the documented order. It is the core's
// tenantos.ViewUser with the settings the core does not keep (darkmode, prefs) filled in.
type userView struct {
	ID                 int64      `json:"id"`
	Name               string     `json:"name"`
	Email              string     `json:"email"`
	TwoFactorConfirmed int        `json:"two_factor_confirmed"`
	CreatedAt          string     `json:"created_at"`
	RootOwner          int64      `json:"root_owner"`
	Username           string     `json:"username"`
	AccountStatus      string     `json:"accountstatus"`
	Timezone           string     `json:"timezone"`
	DatetimeFormat     string     `json:"datetimeFormat"`
	Darkmode           *int       `json:"darkmode"`
	Prefs              any        `json:"prefs"`
	AllowedHosts       []string   `json:"allowedHosts"`
	IsSharedAccess     bool       `json:"isSharedAccess"`
	SharedUserID       *int64     `json:"sharedUserId"`
	RealOrSharedUserID int64      `json:"realOrSharedUserId"`
	RoleID             int64      `json:"role_id"`
	RoleName           string     `json:"role_name"`
	RootOwnerUsername  string     `json:"root_owner_username"`
	LastLogin          lastLogin  `json:"lastlogin"`
	CanCreateSubUsers  int        `json:"canCreateSubUsers"`
	Description        *string    `json:"description"`
	SubUsers           any        `json:"subUsers"`
	Roles              [][]string `json:"roles"`
	Permissions        []string   `json:"permissions"`
}

type lastLogin struct {
	IP   string `json:"ip"`
	Date string `json:"date"`
}

// viewUser renders a user.
func viewUser(tx *state.Tx, u *tenantos.User) (*userView, error) {
	v, err := tenantos.ViewUser(tx, u)
	if err != nil {
		return nil, err
	}
	s := settingsOf(tx, u.ID)
	return &userView{ID: v.ID, Name: v.Name, Email: v.Email, TwoFactorConfirmed: v.TwoFactorConfirmed, CreatedAt: v.CreatedAt,
		RootOwner: v.RootOwner, Username: v.Username, AccountStatus: v.AccountStatus, Timezone: v.Timezone,
		DatetimeFormat: v.DatetimeFormat, Darkmode: s.Darkmode, Prefs: prefsOf(s), AllowedHosts: v.AllowedHosts,
		IsSharedAccess: v.IsSharedAccess, SharedUserID: v.SharedUserID, RealOrSharedUserID: v.RealOrSharedUserID,
		RoleID: v.RoleID, RoleName: v.RoleName, RootOwnerUsername: v.RootOwnerUsername,
		LastLogin: lastLogin{IP: v.LastLogin.IP, Date: v.LastLogin.Date}, CanCreateSubUsers: v.CanCreateSubUsers,
		Description: v.Description, SubUsers: v.SubUsers, Roles: v.Roles, Permissions: v.Permissions}, nil
}

// prefsOf is the preferences a user set, [] when none (a PHP array).
func prefsOf(s *userSettings) any {
	if len(s.Prefs) == 0 || string(s.Prefs) == "null" {
		return []string{}
	}
	return s.Prefs
}

// roleName is the name of a user's role, "" for a role that is gone.
func roleName(tx *state.Tx, id int64) string {
	r, err := tenantos.Roles.Get(tx, id)
	if err != nil {
		return ""
	}
	return r.Name
}

// userRef is how roles name the users they are assigned to and their owner.
type userRef struct {
	UserID   int64  `json:"userId"`
	Fullname string `json:"fullname"`
	Username string `json:"username"`
}

func refOf(tx *state.Tx, id int64) userRef {
	u, err := tenantos.Users.Get(tx, id)
	if err != nil {
		return userRef{UserID: id}
	}
	return userRef{UserID: u.ID, Fullname: u.Name, Username: u.Username}
}

// rawJSON is v encoded, for values kept as raw JSON.
func rawJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
