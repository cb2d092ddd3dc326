package accounts

import (
	"sort"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// Logins and two-factor authentication.
//
// Decision (the simulator's stand-in for TOTP): POST /api/user/{user}/twofactor/enable
// confirms two-factor authentication with any six-digit code, and that code is the user's
// code from then on: a login of the user must give it as two_factor_code.

// maxLogins is how many logins of a user the history keeps (the oldest go first).
const maxLogins = 100

type loginInput struct {
	Identify      string  `json:"identify"`
	Password      string  `json:"password"`
	TwoFactorCode *string `json:"two_factor_code"`
}

type loginResult struct {
	Result               string `json:"result"`
	TwoFactorAuthEnabled bool   `json:"twoFactorAuthEnabled"`
	TwoFactorAuthPassed  *bool  `json:"twoFactorAuthPassed"`
	UserID               int64  `json:"userId"`
}

// errBadLogin is Laravel's answer to credentials that match no account.
var errBadLogin = tenantos.Invalid("identify", "These credentials do not match our records.")

// findLogin finds the user a login names: by username, else by email (case does not matter).
func findLogin(tx *state.Tx, identify string) (*tenantos.User, error) {
	identify = strings.TrimSpace(identify)
	if raw := tx.Index(tenantos.Name, tenantos.IdxUsername).Get([]byte(strings.ToLower(identify))); raw != nil {
		return tenantos.Users.Get(tx, int64(state.IDOf(raw)))
	}
	var found *tenantos.User
	err := tenantos.Users.Each(tx, func(u *tenantos.User) error {
		if found == nil && u.Email != "" && strings.EqualFold(u.Email, identify) {
			found = u
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, errBadLogin
	}
	return found, nil
}

// testLoginDetails checks a user name (or email), password and two-factor code as the
// panel's login page would, without opening a session, and records a successful login in
// the user's login history (the client's address and user agent) and as its last login.
// Refusals are Laravel's 422: on identify for credentials that match no account the caller
// manages (unknown user and wrong password alike), a disabled account or an address the
// account's allowedHosts do not list; on two_factor_code for a missing or wrong code.
// twoFactorAuthPassed is null when the account has no two-factor authentication.
func (g *group) testLoginDetails(c echo.Context) error {
	var in loginInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	w := provider.World(c)
	var id int64
	err := w.View(func(tx *state.Tx) error {
		u, err := findLogin(tx, in.Identify)
		if err != nil {
			if isNotFound(err) {
				return errBadLogin
			}
			return err
		}
		if !tenantos.Manages(tx, actor(c), u) || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(in.Password)) != nil {
			return errBadLogin
		}
		id = u.ID
		return nil
	})
	if err != nil {
		return err
	}
	var out loginResult
	err = w.Update(func(tx *state.Tx) error {
		u, err := tenantos.Users.Get(tx, id)
		if err != nil {
			return errBadLogin
		}
		ip := tenantos.ClientIP(c)
		switch {
		case u.AccountStatus == "disabled":
			return tenantos.Invalid("identify", "This account is disabled.")
		case !tenantos.HostAllowed(u.AllowedHosts, ip):
			return tenantos.Invalid("identify", "Logins from "+ip+" are not allowed for this account.")
		}
		out = loginResult{Result: "success", TwoFactorAuthEnabled: u.TwoFactor, UserID: u.ID}
		if u.TwoFactor {
			switch {
			case in.TwoFactorCode == nil:
				return tenantos.Invalid("two_factor_code", "The two factor code field is required.")
			case strings.TrimSpace(*in.TwoFactorCode) != u.TwoFactorCode:
				return tenantos.Invalid("two_factor_code", "The two factor code is invalid.")
			}
			passed := true
			out.TwoFactorAuthPassed = &passed
		}
		return recordLogin(tx, u, ip, c.Request().UserAgent())
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// recordLogin adds a login to u's history and makes it u's last login.
func recordLogin(tx *state.Tx, u *tenantos.User, ip, agent string) error {
	id, err := tenantos.Logins.NextID(tx)
	if err != nil {
		return err
	}
	if err := tenantos.Logins.Put(tx, id, &tenantos.Login{ID: id, UserID: u.ID, IP: ip, UserAgent: tenantos.Clip(agent, 256), Created: tx.Now}); err != nil {
		return err
	}
	set := tx.Set(tenantos.Name, setLoginByUser)
	if err := set.Add(key(u.ID), key(id)); err != nil {
		return err
	}
	if ids := members(tx, setLoginByUser, u.ID); len(ids) > maxLogins {
		for _, old := range ids[:len(ids)-maxLogins] {
			if err := tenantos.Logins.Delete(tx, old); err != nil {
				return err
			}
			if err := set.Remove(key(u.ID), key(old)); err != nil {
				return err
			}
		}
	}
	now := tx.Now
	u.LastLogin, u.LastLoginIP = &now, ip
	return tenantos.Users.Put(tx, u.ID, u)
}

type loginView struct {
	CreatedAt string `json:"created_at"`
	IP        string `json:"ip"`
	UserAgent string `json:"userAgent"`
}

// listLoginHistory lists the logins of a user the caller manages, newest first.
func (g *group) listLoginHistory(c echo.Context) error {
	out := []loginView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		u, err := pathUser(c, tx, "user_id")
		if err != nil {
			return err
		}
		var logins []*tenantos.Login
		for _, id := range members(tx, setLoginByUser, u.ID) {
			l, err := tenantos.Logins.Get(tx, id)
			if err != nil {
				continue
			}
			logins = append(logins, l)
		}
		sort.SliceStable(logins, func(i, j int) bool { return logins[i].ID > logins[j].ID })
		for _, l := range logins {
			out = append(out, loginView{CreatedAt: tenantos.LaravelTime(l.Created), IP: l.IP, UserAgent: l.UserAgent})
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

type twoFactorInput struct {
	Code string `json:"code"`
}

// enableTwoFactor turns two-factor authentication on for a user the caller manages, confirmed
// by a six-digit code (see the package's decision above); 409 when it is on already.
func (g *group) enableTwoFactor(c echo.Context) error {
	var in twoFactorInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	code := strings.TrimSpace(in.Code)
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return tenantos.Invalid("code", "The code is invalid.")
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		u, err := pathUser(c, tx, "user")
		if err != nil {
			return err
		}
		if u.TwoFactor {
			return apierr.Conflict("Two-factor authentication is already enabled.")
		}
		u.TwoFactor, u.TwoFactorCode = true, code
		if err := tenantos.Users.Put(tx, u.ID, u); err != nil {
			return err
		}
		return tenantos.LogActivity(c, tx, userEntry(u, "Enabled two-factor authentication of", nil))
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// disableTwoFactor turns two-factor authentication off for a user the caller manages (a user
// without it is answered ok all the same).
func (g *group) disableTwoFactor(c echo.Context) error {
	err := provider.World(c).Update(func(tx *state.Tx) error {
		u, err := pathUser(c, tx, "user")
		if err != nil {
			return err
		}
		if !u.TwoFactor {
			return nil
		}
		u.TwoFactor, u.TwoFactorCode = false, ""
		if err := tenantos.Users.Put(tx, u.ID, u); err != nil {
			return err
		}
		return tenantos.LogActivity(c, tx, userEntry(u, "Disabled two-factor authentication of", nil))
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}
