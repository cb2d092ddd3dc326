package openscaler

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// keyTypes are the OpenSSH public key types accepted.
var keyTypes = []string{
	"ssh-rsa", "ssh-ed25519", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
	"sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
}

// parsePublicKey checks that s looks like an OpenSSH public key ("<type> <base64> [comment]")
// and returns it trimmed with its SHA256 fingerprint. The key body is not decoded strictly: a
// body that is not base64 (the documentation's "...key1...=") is fingerprinted as text.
func parsePublicKey(s string) (key, fingerprint string, ok bool) {
	fields := strings.Fields(s)
	if len(fields) < 2 {
		return "", "", false
	}
	known := false
	for _, t := range keyTypes {
		known = known || fields[0] == t
	}
	if !known {
		return "", "", false
	}
	blob, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil {
		blob = []byte(fields[1])
	}
	sum := sha256.Sum256(blob)
	return strings.Join(fields, " "), "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:]), true
}

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
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	key, print, ok := parsePublicKey(in.PublicKey)
	if !ok {
		return apierr.Invalid("body.public_key: Value is not an OpenSSH public key")
	}
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
