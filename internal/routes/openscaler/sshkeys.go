package openscaler

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

type sshKeyView struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	PublicKey   string `json:"public_key"`
	Fingerprint string `json:"fingerprint"`
	CreatedAt   string `json:"created_at"`
}

func renderKey(k *SSHKey) sshKeyView {
	return sshKeyView{ID: k.ID, Name: k.Name, PublicKey: k.PublicKey, Fingerprint: k.Fingerprint, CreatedAt: fmtTime(k.Created)}
}

func loadKey(tx *state.Tx, id int64) (*SSHKey, error) {
	var k SSHKey
	if id <= 0 || tx.Coll(Name, collSSHKeys).Get(state.ID(uint64(id)), &k) != nil {
		return nil, errSSHKeyNotFound
	}
	return &k, nil
}

func (p *Provider) sshKeyList(c echo.Context) error {
	out := []sshKeyView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		return tx.Coll(Name, collSSHKeys).ForEach(func(k, _ []byte) error {
			key, err := loadKey(tx, int64(state.IDOf(k)))
			if err != nil {
				return err
			}
			out = append(out, renderKey(key))
			return nil
		})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"ssh_keys": out})
}

type sshKeyInput struct {
	Name      string `json:"name"`
	PublicKey string `json:"public_key"`
}

func (p *Provider) sshKeyCreate(c echo.Context) error {
	var in sshKeyInput
	if err := p.bind(c, &in); err != nil {
		return err
	}
	parsed, ok := provider.ParseSSHPublicKey(in.PublicKey)
	if !ok {
		return valueError([]any{"body", "public_key"}, in.PublicKey, "Value is not an OpenSSH public key")
	}
	key, print := parsed.Line, parsed.FingerprintSHA256()
	var out sshKeyView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		idx := tx.Index(Name, idxKeyPrint)
		if idx.Get([]byte(print)) != nil {
			return apierr.Conflict("An SSH key with this public key already exists")
		}
		n, err := tx.Coll(Name, collSSHKeys).NextID()
		if err != nil {
			return err
		}
		k := SSHKey{ID: int64(n), Name: in.Name, PublicKey: key, Fingerprint: print, Created: tx.Now.Truncate(time.Second)}
		if err := tx.Coll(Name, collSSHKeys).Put(state.ID(n), &k); err != nil {
			return err
		}
		out = renderKey(&k)
		return idx.Put([]byte(print), state.ID(n))
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

func (p *Provider) sshKeyDelete(c echo.Context) error {
	return p.done(c, provider.World(c).Update(func(tx *state.Tx) error {
		k, err := loadKey(tx, provider.PathInt(c, "key_id"))
		if err != nil {
			return err
		}
		if err := tx.Index(Name, idxKeyPrint).Delete([]byte(k.Fingerprint)); err != nil {
			return err
		}
		return tx.Coll(Name, collSSHKeys).Delete(state.ID(uint64(k.ID)))
	}))
}
