package accounts

import (
	"encoding/json"
	"strconv"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// viewUser renders a user: the core's view with the settings this group keeps (darkmode,
// prefs) filled in.
func viewUser(tx *state.Tx, u *tenantos.User) (*tenantos.UserView, error) {
	v, err := tenantos.ViewUser(tx, u)
	if err != nil {
		return nil, err
	}
	s := settingsOf(tx, u.ID)
	v.Darkmode, v.Prefs = s.Darkmode, prefsOf(s)
	return v, nil
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
