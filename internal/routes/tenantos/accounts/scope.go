package accounts

import (
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time zones are checked the same wherever the simulator runs

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// actor is the user the request acts as (for an alias user, the account it shares).
func actor(c echo.Context) *tenantos.User { return tenantos.CallerOf(c).User }

// isAlias reports whether an alias user makes the request: it may not make roles nor alias
// users of its own (nor, through its role, whatever its alias role lacks).
func isAlias(c echo.Context) bool { return tenantos.CallerOf(c).Alias != nil }

// managedUser loads user id for actor: a user actor does not manage is answered as one that
// does not exist.
func managedUser(tx *state.Tx, actor *tenantos.User, id int64) (*tenantos.User, error) {
	u, err := tenantos.Users.Get(tx, id)
	if err != nil {
		return nil, err
	}
	if !tenantos.Manages(tx, actor, u) {
		return nil, tenantos.ErrUserNotFound
	}
	return u, nil
}

// userField loads the managed user a body's userId names: one the caller does not manage is
// Laravel's 422 of an "exists" rule.
func userField(tx *state.Tx, actor *tenantos.User, id int64) (*tenantos.User, error) {
	u, err := managedUser(tx, actor, id)
	if err != nil {
		return nil, tenantos.Invalid("userId", "The selected user id is invalid.")
	}
	return u, nil
}

// pathUser is the managed user named by a path parameter.
func pathUser(c echo.Context, tx *state.Tx, param string) (*tenantos.User, error) {
	return managedUser(tx, actor(c), provider.PathInt(c, param))
}

// mayOwnUsers reports whether u may have sub-users: every role but the default end-user role;
// alias users (shared access) never.
func mayOwnUsers(u *tenantos.User) bool {
	return u.RoleID != tenantos.RoleUser && u.SharedUserID == nil
}

// The permission levels of the catalogue, lowest first.
const (
	levelUser = iota
	levelReseller
	levelAdmin
)

var levelNames = []string{"user", "reseller", "admin"}

// levelOf is what a user may be given and give: an administrator everything, a user that may
// have sub-users what resellers may, anyone else what end users may.
func levelOf(u *tenantos.User) int {
	switch {
	case u.RoleID == tenantos.RoleAdmin:
		return levelAdmin
	case mayOwnUsers(u):
		return levelReseller
	}
	return levelUser
}

// inChain reports whether id is one of the owners of user (the user itself included).
func inChain(tx *state.Tx, user, id int64) bool {
	for _, o := range tenantos.OwnerChain(tx, user) {
		if o.ID == id {
			return true
		}
	}
	return false
}

// checkHosts refuses an allowedHosts list with an entry that is neither an IP address nor a
// network in CIDR notation (the core accepts both when it checks a client's address).
func checkHosts(field string, hosts []string) ([]string, error) {
	out := []string{}
	for i, h := range hosts {
		h = strings.TrimSpace(h)
		if net.ParseIP(h) == nil {
			if _, _, err := net.ParseCIDR(h); err != nil {
				return nil, tenantos.Invalidf(fmt.Sprintf("%s.%d", field, i), "The %s.%d must be a valid IP address.", field, i)
			}
		}
		out = append(out, h)
	}
	return out, nil
}

// checkTimezone refuses a time zone PHP would not know.
// checkEmail refuses what Laravel's email rule would: anything but a bare address.
func checkEmail(email string) error {
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" {
		return tenantos.Invalid("email", "The email must be a valid email address.")
	}
	return nil
}

func checkTimezone(tz string) error {
	if tz == "" || strings.EqualFold(tz, "local") {
		return tenantos.Invalid("timezone", "The timezone must be a valid timezone.")
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return tenantos.Invalid("timezone", "The timezone must be a valid timezone.")
	}
	return nil
}

// minPassword is the shortest password accepted (Laravel's Password::defaults()). Decision:
// the documentation gives no password rules; this is the framework's default.
const minPassword = 8

func checkPassword(pw string) error {
	if len([]rune(pw)) < minPassword {
		return tenantos.Invalidf("password", "The password must be at least %d characters.", minPassword)
	}
	return nil
}

// limitOf is the {limit} of the log routes: the optional trailing path segment or the limit
// query parameter (0: no limit). A segment that is not a positive integer is refused.
func limitOf(c echo.Context) (int, error) {
	if s := c.Param("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return 0, tenantos.Invalid("limit", "The limit must be an integer of at least 1.")
		}
		return n, nil
	}
	return int(provider.QueryInt(c, "limit", 0)), nil
}
