package accounts

import (
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// deleteUser deletes a user the caller manages. Nobody deletes their own account (nor the
// account whose token the request uses) or the first administrator (409). Decision (the
// vendor documents nothing; the brief of this group asks for it): what the user owned goes
// back to the user's owner — its servers (VMs included), subnets, sub-users and roles — and
// the user's SSH keys, API tokens (which stop opening the world at once), SSO tokens, login
// history, impersonation sessions and alias users go with it.
func (g *group) deleteUser(c echo.Context) error {
	var forget []string
	err := provider.World(c).Update(func(tx *state.Tx) error {
		forget = nil
		u, err := pathUser(c, tx, "id")
		if err != nil {
			return err
		}
		who := tenantos.CallerOf(c)
		switch {
		case u.ID == who.User.ID || u.ID == who.Real.ID:
			return apierr.Conflict("You cannot delete your own account.")
		case u.ID == tenantos.AdminID:
			return apierr.Conflict("The first administrator cannot be deleted.")
		}
		if err := tenantos.LogActivity(c, tx, userEntry(u, "Deleted", nil)); err != nil {
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

// forget drops deleted tokens from the simulator's registry, once their records are gone:
// they open no world any more. A failure leaves a route to the world behind, which the
// token can no longer use (its hash is gone): it is logged, not answered.
func (g *group) forget(c echo.Context, tokens []string) {
	if g.p.Cfg.Forget == nil {
		return
	}
	for _, t := range tokens {
		if err := g.p.Cfg.Forget(t); err != nil {
			g.p.Log.Error("forget deleted API token", "world", provider.World(c).ID, "err", err)
		}
	}
}

// removeUser deletes u and everything that is only u's, gives what it owned to its owner,
// and returns the plaintext of its API tokens (and those of its alias users), to forget once
// the transaction is committed.
func removeUser(tx *state.Tx, u *tenantos.User) ([]string, error) {
	owner := u.RootOwner
	if owner == u.ID || owner == 0 {
		owner = tenantos.AdminID
	}
	var forget []string

	// Users it owns move up; alias users sharing its access go.
	var moved, aliases []*tenantos.User
	err := tenantos.Users.Each(tx, func(o *tenantos.User) error {
		switch {
		case o.ID == u.ID:
		case o.SharedUserID != nil && *o.SharedUserID == u.ID:
			aliases = append(aliases, o)
		case o.RootOwner == u.ID:
			moved = append(moved, o)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, a := range aliases {
		f, err := removeUser(tx, a)
		if err != nil {
			return nil, err
		}
		forget = append(forget, f...)
	}
	for _, o := range moved {
		o.RootOwner = owner
		if err := tenantos.Users.Put(tx, o.ID, o); err != nil {
			return nil, err
		}
	}

	// Servers and subnets go back to the owner; nobody is suspended as u any more.
	var servers []*tenantos.Server
	err = tenantos.Servers.Each(tx, func(s *tenantos.Server) error {
		if s.UserID == u.ID || slices.Contains(s.SuspendedUserIDs, u.ID) {
			servers = append(servers, s)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, s := range servers {
		if s.UserID == u.ID {
			s.UserID, s.AssignedAt = owner, tx.Now
		}
		s.SuspendedUserIDs = slices.DeleteFunc(s.SuspendedUserIDs, func(id int64) bool { return id == u.ID })
		s.Updated = tx.Now
		if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
			return nil, err
		}
	}
	var subnets []*tenantos.Subnet
	err = tenantos.Subnets.Each(tx, func(s *tenantos.Subnet) error {
		if s.UserID == u.ID {
			subnets = append(subnets, s)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, s := range subnets {
		s.UserID, s.Updated = owner, tx.Now
		if err := tenantos.Subnets.Put(tx, s.ID, s); err != nil {
			return nil, err
		}
	}
	var roles []*tenantos.Role
	err = tenantos.Roles.Each(tx, func(r *tenantos.Role) error {
		if r.OwnerUserID == u.ID {
			roles = append(roles, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, r := range roles {
		r.OwnerUserID = owner
		if err := tenantos.Roles.Put(tx, r.ID, r); err != nil {
			return nil, err
		}
	}

	// What is only u's goes.
	keys, err := userKeys(tx, u.ID)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if err := deleteKey(tx, k.ID); err != nil {
			return nil, err
		}
	}
	tokens, err := userTokens(tx, u.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range tokens {
		plain, err := dropToken(tx, t)
		if err != nil {
			return nil, err
		}
		if plain != "" {
			forget = append(forget, plain)
		}
	}
	for _, id := range members(tx, setLoginByUser, u.ID) {
		if err := tenantos.Logins.Delete(tx, id); err != nil {
			return nil, err
		}
		if err := tx.Set(tenantos.Name, setLoginByUser).Remove(key(u.ID), key(id)); err != nil {
			return nil, err
		}
	}
	if err := dropSSOTokens(tx, u.ID, func(*ssoToken) bool { return true }); err != nil {
		return nil, err
	}
	if err := endSessionsOf(tx, u.ID); err != nil {
		return nil, err
	}
	if err := tx.Index(tenantos.Name, tenantos.IdxUsername).Delete([]byte(strings.ToLower(u.Username))); err != nil {
		return nil, err
	}
	if err := settings.Delete(tx, u.ID); err != nil {
		return nil, err
	}
	return forget, tenantos.Users.Delete(tx, u.ID)
}
