package accounts

import (
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

// API tokens are Laravel Sanctum's: "<id>|<40 random characters><their CRC32 in hex>", as
// the vendor's example shows ("3|pAJHmkPDSQ8gW5KSDtYb0zJvUfAkl5P1rhpdaTIXf06e31a9"). The
// token is answered once, by its creation; the panel keeps its SHA-256 (tenantos.IdxTokenHash
// finds the token's record by it), and the simulator's registry routes it to this world for
// Tenantos only. See tokenSecret for the one other place it is kept.

// tokenView is an API token (schema ApiToken); newTokenView the answer of its creation
// (NewApiToken), which adds the token and leaves last_used out, as it was never used.
type tokenView struct {
	ID           int64    `json:"id"`
	Name         string   `json:"name"`
	CreatedAt    string   `json:"created_at"`
	LastUsed     *string  `json:"last_used"`
	AllowedHosts []string `json:"allowedHosts"`
}

type newTokenView struct {
	ID           int64    `json:"id"`
	Name         string   `json:"name"`
	CreatedAt    string   `json:"created_at"`
	AllowedHosts []string `json:"allowedHosts"`
	Token        string   `json:"token"`
}

func viewToken(t *tenantos.Token) tokenView {
	v := tokenView{ID: t.ID, Name: t.Name, CreatedAt: tenantos.LaravelTime(t.Created), AllowedHosts: tenantos.List(t.AllowedHosts)}
	if t.LastUsed != nil {
		s := tenantos.LaravelTime(*t.LastUsed)
		v.LastUsed = &s
	}
	return v
}

type tokenInput struct {
	Name         string   `json:"name"`
	AllowedHosts []string `json:"allowedHosts"`
}

func (in *tokenInput) check() ([]string, error) {
	if in.Name == "" {
		return nil, tenantos.Invalid("name", "The name field is required.")
	}
	if len(in.Name) > 255 {
		return nil, tenantos.Invalid("name", "The name must not be greater than 255 characters.")
	}
	return checkHosts("allowedHosts", in.AllowedHosts)
}

// userTokens lists a user's tokens in id order.
func userTokens(tx *state.Tx, userID int64) ([]*tenantos.Token, error) {
	var out []*tenantos.Token
	err := tenantos.Tokens.Each(tx, func(t *tenantos.Token) error {
		if t.UserID == userID {
			out = append(out, t)
		}
		return nil
	})
	return out, err
}

// pathToken loads the token {id} of the managed user {user}; another user's token is 404.
func pathToken(c echo.Context, tx *state.Tx) (*tenantos.User, *tenantos.Token, error) {
	u, err := pathUser(c, tx, "user")
	if err != nil {
		return nil, nil, err
	}
	t, err := tenantos.Tokens.Get(tx, provider.PathInt(c, "id"))
	if err != nil {
		return nil, nil, err
	}
	if t.UserID != u.ID {
		return nil, nil, tenantos.ErrTokenNotFound
	}
	return u, t, nil
}

// newToken draws a Sanctum token for the token record id.
func newToken(id int64) string {
	entropy := provider.Credentials().Password(true, true, true, false, false, 40)
	return fmt.Sprintf("%d|%s%08x", id, entropy, crc32.ChecksumIEEE([]byte(entropy)))
}

// dropToken deletes a token, its hash, its plaintext and its impersonation session, and
// returns the plaintext to forget ("" when none was kept).
func dropToken(tx *state.Tx, t *tenantos.Token) (string, error) {
	if err := tenantos.Tokens.Delete(tx, t.ID); err != nil {
		return "", err
	}
	if err := tx.Index(tenantos.Name, tenantos.IdxTokenHash).Delete([]byte(t.Hash)); err != nil {
		return "", err
	}
	if err := endSession(tx, t.Hash); err != nil {
		return "", err
	}
	plain := ""
	if s, err := secrets.Get(tx, t.ID); err == nil {
		plain = s.Token
	}
	return plain, secrets.Delete(tx, t.ID)
}

// tokenEntry is the activity-log entry of a change to one of u's tokens.
func tokenEntry(u *tenantos.User, t *tenantos.Token, what string) tenantos.LogEntry {
	return tenantos.LogEntry{RelationType: "users", RelationID: u.ID, RootType: "apiTokens", RootID: t.ID,
		Description: fmt.Sprintf("%s API token %s", what, t.Name), MetaHref: fmt.Sprintf("/users/%d", u.ID), MetaText: u.Username}
}

// listApiTokens lists the tokens of a user the caller manages, without their secrets.
func (g *group) listApiTokens(c echo.Context) error {
	out := []tokenView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		u, err := pathUser(c, tx, "user")
		if err != nil {
			return err
		}
		tokens, err := userTokens(tx, u.ID)
		for _, t := range tokens {
			out = append(out, viewToken(t))
		}
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getApiToken shows one token of a user the caller manages, without its secret.
func (g *group) getApiToken(c echo.Context) error {
	var out tokenView
	err := provider.World(c).View(func(tx *state.Tx) error {
		_, t, err := pathToken(c, tx)
		if err != nil {
			return err
		}
		out = viewToken(t)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// createApiToken makes a token for a user the caller manages: requests with it act as that
// user, in this world, on the Tenantos API only, from the allowedHosts when there are some.
// The token is in the answer, this once. Its record id is drawn first (the id is part of the
// token), then the registry routes the token (one that leads anywhere already is drawn
// again), then the record is stored; if that fails, the route is dropped again.
func (g *group) createApiToken(c echo.Context) error {
	var in tokenInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	hosts, err := in.check()
	if err != nil {
		return err
	}
	w := provider.World(c)
	var id int64
	err = w.Update(func(tx *state.Tx) error {
		if _, err := pathUser(c, tx, "user"); err != nil {
			return err
		}
		id, err = tenantos.Tokens.NextID(tx)
		return err
	})
	if err != nil {
		return err
	}
	token := newToken(id)
	for attempt := 1; g.p.Cfg.Alias != nil; attempt++ {
		err := g.p.Cfg.Alias(token, w)
		if err == nil {
			break
		}
		if !errors.Is(err, world.ErrTokenTaken) || attempt == 8 {
			return err
		}
		token = newToken(id)
	}
	var out newTokenView
	err = w.Update(func(tx *state.Tx) error {
		u, err := pathUser(c, tx, "user")
		if err != nil {
			return err
		}
		t := &tenantos.Token{ID: id, UserID: u.ID, Name: in.Name, Hash: tenantos.HashToken(token), Created: tx.Now, AllowedHosts: hosts}
		if err := tenantos.Tokens.Put(tx, t.ID, t); err != nil {
			return err
		}
		if err := tx.Index(tenantos.Name, tenantos.IdxTokenHash).Put([]byte(t.Hash), key(t.ID)); err != nil {
			return err
		}
		if err := secrets.Put(tx, t.ID, &tokenSecret{Token: token}); err != nil {
			return err
		}
		if err := tenantos.LogActivity(c, tx, tokenEntry(u, t, "Created")); err != nil {
			return err
		}
		out = newTokenView{ID: t.ID, Name: t.Name, CreatedAt: tenantos.LaravelTime(t.Created), AllowedHosts: tenantos.List(t.AllowedHosts), Token: token}
		return nil
	})
	if err != nil {
		if g.p.Cfg.Forget != nil {
			err = errors.Join(err, g.p.Cfg.Forget(token))
		}
		return err
	}
	// The token is shown once: the access log keeps a stand-in for the answer.
	err = tenantos.OK(c, out)
	return err
}

// updateApiToken renames a token and sets the hosts it may be used from (allowedHosts not
// sent: unchanged; [] allows every address).
func (g *group) updateApiToken(c echo.Context) error {
	var in tokenInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	hosts, err := in.check()
	if err != nil {
		return err
	}
	var out tokenView
	err = provider.World(c).Update(func(tx *state.Tx) error {
		u, t, err := pathToken(c, tx)
		if err != nil {
			return err
		}
		t.Name = in.Name
		if in.AllowedHosts != nil {
			t.AllowedHosts = hosts
		}
		if err := tenantos.Tokens.Put(tx, t.ID, t); err != nil {
			return err
		}
		if err := tenantos.LogActivity(c, tx, tokenEntry(u, t, "Updated")); err != nil {
			return err
		}
		out = viewToken(t)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// deleteApiToken revokes a token: from the next request on it is refused (401), also when it
// is the token of this very request, and it opens no world any more.
func (g *group) deleteApiToken(c echo.Context) error {
	var plain string
	err := provider.World(c).Update(func(tx *state.Tx) error {
		u, t, err := pathToken(c, tx)
		if err != nil {
			return err
		}
		if err := tenantos.LogActivity(c, tx, tokenEntry(u, t, "Deleted")); err != nil {
			return err
		}
		plain, err = dropToken(tx, t)
		return err
	})
	if err != nil {
		return err
	}
	if plain != "" {
		g.forget(c, []string{plain})
	}
	return tenantos.Done(c)
}
