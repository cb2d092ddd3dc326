package e24cloud

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

type apiKeyInput struct {
	APIKey string `json:"api_key"`
}

var errAPIKeyInvalid = apierr.Invalid("The selected api_key is invalid.")

func keyIndex(a *Account, key string) int {
	return slices.IndexFunc(a.APIKeys, func(k APIKey) bool { return k.Key == strings.TrimSpace(key) })
}

type apiBody struct {
	Success bool       `json:"success"`
	API     apiKeyView `json:"api"`
}

// newKeyPair draws an API key and its secret from crypto/rand.
func newKeyPair() APIKey {
	f := provider.Credentials()
	return APIKey{Key: strings.ToUpper(f.Password(false, true, true, false, false, 20)), Secret: newSecret()}
}

func newSecret() string { return provider.Credentials().Password(true, true, true, false, false, 40) }

// createAPIKey makes a key pair that signs requests into this world, for e24cloud only: the
// simulator's registry routes the key (a key that leads anywhere already is drawn again),
// then the account lists it. Until the account lists it, the key signs nothing.
func (p *Provider) createAPIKey(c echo.Context) error {
	w := provider.World(c)
	k := newKeyPair()
	for attempt := 1; p.cfg.Alias != nil; attempt++ {
		err := p.cfg.Alias(k.Key, w)
		if err == nil {
			break
		}
		if !errors.Is(err, world.ErrTokenTaken) || attempt == 8 {
			return err
		}
		k = newKeyPair()
	}
	err := w.Update(func(tx *state.Tx) error {
		a, err := loadAccount(tx)
		if err != nil {
			return err
		}
		a.APIKeys = append(a.APIKeys, k)
		return saveAccount(tx, a)
	})
	if err != nil {
		if p.cfg.Alias != nil {
			err = errors.Join(err, p.cfg.Forget(k.Key))
		}
		return err
	}
	return c.JSON(http.StatusOK, apiBody{true, apiKeyView{k.Key, k.Secret}})
}

// newAPISecretKey gives a key a new secret; the old one signs nothing from now on.
func (p *Provider) newAPISecretKey(c echo.Context) error {
	var in apiKeyInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var k APIKey
	err := provider.World(c).Update(func(tx *state.Tx) error {
		a, err := loadAccount(tx)
		if err != nil {
			return err
		}
		i := keyIndex(a, in.APIKey)
		if i < 0 {
			return errAPIKeyInvalid
		}
		a.APIKeys[i].Secret = newSecret()
		a.APIKeys[i].Rotated = true
		k = a.APIKeys[i]
		return saveAccount(tx, a)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, apiBody{true, apiKeyView{k.Key, k.Secret}})
}

// deleteAPIKey deletes a key pair: it signs nothing from now on, and it no longer reaches the
// world (unless it is the token the world was made for, which the control API and other
// providers may still use). The last key of the account cannot go.
func (p *Provider) deleteAPIKey(c echo.Context) error {
	var in apiKeyInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	w := provider.World(c)
	var key string
	err := w.Update(func(tx *state.Tx) error {
		a, err := loadAccount(tx)
		if err != nil {
			return err
		}
		i := keyIndex(a, in.APIKey)
		if i < 0 {
			return errAPIKeyInvalid
		}
		if len(a.APIKeys) == 1 {
			return apierr.Conflict("The account's last API key cannot be deleted.")
		}
		key = a.APIKeys[i].Key
		a.APIKeys = slices.Delete(a.APIKeys, i, i+1)
		return saveAccount(tx, a)
	})
	if err != nil {
		return err
	}
	if key != w.Token && p.cfg.Forget != nil {
		if err := p.cfg.Forget(key); err != nil {
			// The key signs nothing already; only its route to the world stays behind.
			p.Log.Error("forget deleted API key", "world", w.ID, "err", err)
		}
	}
	return c.JSON(http.StatusOK, succeeded)
}
