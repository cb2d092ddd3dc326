package accounts

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// Impersonation sessions: GET /api/impersonate/{id}/start makes every later request with the
// same token act as user id (the core's resolveCaller reads tenantos.IdxSession, keyed by the
// token's hash), until /stop. The group also keeps, per impersonated user, the hashes of the
// tokens impersonating it (setSessions), so that deleting the user ends its sessions instead
// of leaving tokens that act as nobody.

// messageBody is the answer of both: {"message": "success"} alone.
type messageBody struct {
	Message string `json:"message"`
}

// startImpersonation starts acting as a user. Only a user who manages the target may (the
// token's own user decides, whoever it impersonates now): 403 otherwise, 404 for a user that
// does not exist. A session already running is replaced; impersonating oneself ends it.
func (g *group) startImpersonation(c echo.Context) error {
	who := tenantos.CallerOf(c)
	err := provider.World(c).Update(func(tx *state.Tx) error {
		target, err := tenantos.Users.Get(tx, provider.PathInt(c, "impersonateUserId"))
		if err != nil {
			return err
		}
		real, err := tenantos.Users.Get(tx, who.Real.ID)
		if err != nil {
			return err
		}
		if !tenantos.Manages(tx, real, target) {
			return tenantos.ErrForbidden
		}
		if err := endSession(tx, who.Hash); err != nil {
			return err
		}
		if target.ID == real.ID {
			return nil
		}
		if err := tx.Index(tenantos.Name, tenantos.IdxSession).Put([]byte(who.Hash), key(target.ID)); err != nil {
			return err
		}
		if err := tx.Set(tenantos.Name, setSessions).Add(key(target.ID), []byte(who.Hash)); err != nil {
			return err
		}
		return tenantos.LogActivity(c, tx, tenantos.LogEntry{RelationType: "users", RelationID: target.ID, RootType: "users",
			RootID: target.ID, Description: "Started impersonation of user " + target.Username, AdminOnly: true,
			MetaHref: "/users/" + itoa(target.ID), MetaText: target.Username})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, messageBody{"success"})
}

// stopImpersonation ends the token's session: later requests act as the token's own user
// again. An unknown user is 404; a token without a session is answered success all the same.
func (g *group) stopImpersonation(c echo.Context) error {
	who := tenantos.CallerOf(c)
	err := provider.World(c).Update(func(tx *state.Tx) error {
		if _, err := tenantos.Users.Get(tx, provider.PathInt(c, "impersonateUserId")); err != nil {
			return err
		}
		return endSession(tx, who.Hash)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, messageBody{"success"})
}

// endSession ends the impersonation session of the token with hash, if it has one.
func endSession(tx *state.Tx, hash string) error {
	idx := tx.Index(tenantos.Name, tenantos.IdxSession)
	raw := idx.Get([]byte(hash))
	if raw == nil {
		return nil
	}
	target := int64(state.IDOf(raw))
	if err := idx.Delete([]byte(hash)); err != nil {
		return err
	}
	return tx.Set(tenantos.Name, setSessions).Remove(key(target), []byte(hash))
}

// endSessionsOf ends every session impersonating user id.
func endSessionsOf(tx *state.Tx, id int64) error {
	for _, h := range rawMembers(tx, setSessions, id) {
		if err := endSession(tx, h); err != nil {
			return err
		}
	}
	return nil
}

// pruneSessions ends the sessions whose token's user no longer manages the user it
// impersonates (after an owner or role change): the core refuses every request of such a
// token with 403, /stop included, so the session would otherwise never end. A session of a
// hash that is no API token's is the world's own token's, the administrator's, which keeps
// managing everyone.
func pruneSessions(tx *state.Tx) error {
	users, err := tenantos.Users.All(tx)
	if err != nil {
		return err
	}
	for _, target := range users {
		for _, h := range rawMembers(tx, setSessions, target.ID) {
			raw := tx.Index(tenantos.Name, tenantos.IdxTokenHash).Get([]byte(h))
			if raw == nil {
				continue
			}
			t, err := tenantos.Tokens.Get(tx, int64(state.IDOf(raw)))
			if err == nil {
				real, err := tenantos.Users.Get(tx, t.UserID)
				if err == nil && tenantos.Manages(tx, real, target) {
					continue
				}
			}
			if err := endSession(tx, h); err != nil {
				return err
			}
		}
	}
	return nil
}
