package virtfusion

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Login tokens: single sign-on into the panel's web interface for a billing system's client.
const (
	collLoginTokens       = "loginTokens"
	setLoginTokensByOwner = "loginTokensByOwner"

	loginTokenTTL      = 60 // seconds
	loginTokenLength   = 100
	loginTokenEndpoint = "/token_authenticate"
)

// LoginToken is a pair of tokens that logs a user into the panel until it expires.
type LoginToken struct {
	ID       int64     `json:"id"`
	UserID   int64     `json:"userId"`
	ServerID int64     `json:"serverId"` // 0: not for a server
	Token1   string    `json:"token1"`
	Token2   string    `json:"token2"`
	Created  time.Time `json:"created"`
	Expires  time.Time `json:"expires"`
}

type loginTokensView struct {
	Authentication struct {
		Tokens struct {
			One string `json:"1"`
			Two string `json:"2"`
		} `json:"tokens"`
		Endpoint         string `json:"endpoint"`
		EndpointComplete string `json:"endpoint_complete"`
		Expiry           struct {
			TTL     int    `json:"ttl"`
			Expires string `json:"expires"`
		} `json:"expiry"`
	} `json:"authentication"`
}

func viewLoginToken(t *LoginToken) loginTokensView {
	var v loginTokensView
	a := &v.Authentication
	a.Tokens.One, a.Tokens.Two = t.Token1, t.Token2
	a.Endpoint = loginTokenEndpoint
	a.EndpointComplete = loginTokenEndpoint + "/?1=" + t.Token1 + "&2=" + t.Token2
	a.Expiry.TTL = loginTokenTTL
	a.Expiry.Expires = fmtTime(t.Expires, tsMicro)
	return v
}

func (p *Provider) createUserAuthenticationTokens(c echo.Context) error {
	return p.loginTokens(c, false)
}

func (p *Provider) createUserServerAuthenticationTokens(c echo.Context) error {
	return p.loginTokens(c, true)
}

// loginTokens makes and stores a new pair of tokens for the user of the path (and, with
// forServer, one of the user's servers). A server the user does not own is answered like an
// unknown one.
func (p *Provider) loginTokens(c echo.Context, forServer bool) error {
	var out loginTokensView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		u, err := userByRelation(tx, c)
		if err != nil {
			return err
		}
		var serverID int64
		if forServer {
			s, err := loadServer(tx, provider.PathInt(c, "serverId"))
			if err != nil {
				return err
			}
			if s.OwnerID != u.ID {
				return errServerNotFound
			}
			serverID = s.ID
		}
		if err := pruneLoginTokens(tx, u.ID); err != nil {
			return err
		}
		id, err := tx.Coll(Name, collLoginTokens).NextID()
		if err != nil {
			return err
		}
		f := provider.Credentials()
		t := LoginToken{ID: int64(id), UserID: u.ID, ServerID: serverID, Token1: password(f, loginTokenLength),
			Token2: password(f, loginTokenLength), Created: tx.Now, Expires: tx.Now.Add(loginTokenTTL * time.Second)}
		if err := put(tx, collLoginTokens, t.ID, &t); err != nil {
			return err
		}
		if err := tx.Set(Name, setLoginTokensByOwner).Add(state.ID(uint64(u.ID)), state.ID(uint64(t.ID))); err != nil {
			return err
		}
		out = viewLoginToken(&t)
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{out})
}

// pruneLoginTokens drops a user's expired tokens, so that a user holds only the tokens of
// the last minute.
func pruneLoginTokens(tx *state.Tx, userID int64) error {
	return dropLoginTokens(tx, userID, func(t *LoginToken) bool { return !t.Expires.After(tx.Now) })
}

// dropLoginTokens deletes the user's tokens for which drop is true.
func dropLoginTokens(tx *state.Tx, userID int64, drop func(t *LoginToken) bool) error {
	coll, set, owner := tx.Coll(Name, collLoginTokens), tx.Set(Name, setLoginTokensByOwner), state.ID(uint64(userID))
	var gone [][]byte
	err := set.Members(owner, 0, -1, func(member []byte) error {
		var t LoginToken
		if err := coll.Get(member, &t); err != nil {
			return err
		}
		if drop(&t) {
			gone = append(gone, append([]byte(nil), member...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range gone {
		if err := coll.Delete(k); err != nil {
			return err
		}
		if err := set.Remove(owner, k); err != nil {
			return err
		}
	}
	return nil
}

// deleteUserAccess removes what a user holds besides servers: SSH keys and login tokens.
func deleteUserAccess(tx *state.Tx, userID int64) error {
	var keys []SSHKey
	if err := eachUserKey(tx, userID, func(k *SSHKey) error { keys = append(keys, *k); return nil }); err != nil {
		return err
	}
	for i := range keys {
		if err := deleteSSHKey(tx, &keys[i]); err != nil {
			return err
		}
	}
	return dropLoginTokens(tx, userID, func(*LoginToken) bool { return true })
}
