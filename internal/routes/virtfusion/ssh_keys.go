package virtfusion

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// setSSHKeysByOwner holds the ids of each user's SSH keys.
const setSSHKeysByOwner = "sshKeysByOwner"

var errSSHKeyNotFound = apierr.NotFound("ssh key not found")

// sshKeyFormatOpenSSH is the key format the panel reports for one-line OpenSSH keys.
const sshKeyFormatOpenSSH = "OpenSSH"

// sshKeyAlgorithms are the key types accepted in an OpenSSH public key line.
var sshKeyAlgorithms = map[string]bool{
	"ssh-rsa": true, "ssh-ed25519": true,
	"ecdsa-sha2-nistp256": true, "ecdsa-sha2-nistp384": true, "ecdsa-sha2-nistp521": true,
}

// parseSSHKey checks that line looks like an OpenSSH public key ("<type> <base64> [comment]",
// the base64 blob starting with the same type, as OpenSSH writes it) and returns the key's
// format and its blob (type and base64, without the comment).
func parseSSHKey(line string) (format, blob string, ok bool) {
	if strings.ContainsAny(line, "\r\n") {
		return "", "", false
	}
	fields := strings.Fields(line)
	if len(fields) < 2 || !sshKeyAlgorithms[fields[0]] {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil || len(raw) < 4 {
		return "", "", false
	}
	n := binary.BigEndian.Uint32(raw[:4])
	if uint64(n) > uint64(len(raw)-4) || !bytes.Equal(raw[4:4+n], []byte(fields[0])) || len(raw) < 4+int(n)+16 {
		return "", "", false
	}
	return sshKeyFormatOpenSSH, fields[0] + " " + fields[1], true
}

type addSSHKeyInput struct {
	UserID    int64  `json:"userId"`
	Name      string `json:"name"`
	PublicKey string `json:"publicKey"`
}

// createdSSHKeyView is the answer to adding a key.
type createdSSHKeyView struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	CreatedAt string `json:"createdAt"`
}

// sshKeyView is a key as the ssh_keys endpoints show it.
type sshKeyView struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	PublicKey string `json:"publicKey"`
	Type      string `json:"type"`
	Enabled   bool   `json:"enabled"`
	Created   string `json:"created"`
	Updated   string `json:"updated"`
}

func viewSSHKey(k *SSHKey) sshKeyView {
	return sshKeyView{ID: k.ID, Name: k.Name, PublicKey: k.Public, Type: k.Type, Enabled: k.Enabled,
		Created: fmtTime(k.Created, tsOffset), Updated: fmtTime(k.Updated, tsOffset)}
}

func (p *Provider) addSshKey(c echo.Context) error {
	var in addSSHKeyInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	in.PublicKey = strings.TrimSpace(in.PublicKey)
	var msgs []string
	if len(in.Name) > 255 {
		msgs = append(msgs, "The name field must not be greater than 255 characters.")
	}
	format, blob, ok := parseSSHKey(in.PublicKey)
	if !ok {
		msgs = append(msgs, "The public key field must be a valid OpenSSH public key.")
	}
	var out createdSSHKeyView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		msgs := msgs // in field order, as the validator words them: name, public key, user id
		var u User
		if err := get(tx, collUsers, in.UserID, &u, errUserNotFound); err != nil {
			msgs = append(msgs, "The selected user id is invalid.")
		} else if ok {
			taken, err := userHasKey(tx, u.ID, blob)
			if err != nil {
				return err
			}
			if taken {
				msgs = append(msgs, "The public key has already been taken.")
			}
		}
		if len(msgs) > 0 {
			return apierr.Invalid(msgs...)
		}
		id, err := tx.Coll(Name, collSSHKeys).NextID()
		if err != nil {
			return err
		}
		k := SSHKey{ID: int64(id), OwnerID: u.ID, Name: in.Name, Public: in.PublicKey, Type: format, Enabled: true,
			Created: tx.Now, Updated: tx.Now}
		if err := put(tx, collSSHKeys, k.ID, &k); err != nil {
			return err
		}
		if err := tx.Set(Name, setSSHKeysByOwner).Add(state.ID(uint64(u.ID)), state.ID(uint64(k.ID))); err != nil {
			return err
		}
		out = createdSSHKeyView{ID: k.ID, Name: k.Name, Type: k.Type, CreatedAt: fmtTime(k.Created, tsMicro)}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, data{out})
}

// userHasKey reports whether the user already has a key with this blob (comments aside).
func userHasKey(tx *state.Tx, userID int64, blob string) (bool, error) {
	found := false
	err := eachUserKey(tx, userID, func(k *SSHKey) error {
		if _, b, ok := parseSSHKey(k.Public); ok && b == blob {
			found = true
		}
		return nil
	})
	return found, err
}

// eachUserKey calls fn for each of a user's keys, oldest first.
func eachUserKey(tx *state.Tx, userID int64, fn func(k *SSHKey) error) error {
	keys := tx.Coll(Name, collSSHKeys)
	return tx.Set(Name, setSSHKeysByOwner).Members(state.ID(uint64(userID)), 0, -1, func(member []byte) error {
		var k SSHKey
		if err := keys.Get(member, &k); err != nil {
			return err
		}
		return fn(&k)
	})
}

func (p *Provider) getSshKey(c echo.Context) error {
	var k SSHKey
	err := provider.World(c).View(func(tx *state.Tx) error {
		return get(tx, collSSHKeys, provider.PathInt(c, "keyId"), &k, errSSHKeyNotFound)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{viewSSHKey(&k)})
}

func (p *Provider) deleteSshKey(c echo.Context) error {
	err := provider.World(c).Update(func(tx *state.Tx) error {
		var k SSHKey
		if err := get(tx, collSSHKeys, provider.PathInt(c, "keyId"), &k, errSSHKeyNotFound); err != nil {
			return err
		}
		return deleteSSHKey(tx, &k)
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// deleteSSHKey removes a key. Servers built with it keep its id and stop showing it (ids are
// never reused).
func deleteSSHKey(tx *state.Tx, k *SSHKey) error {
	if err := tx.Set(Name, setSSHKeysByOwner).Remove(state.ID(uint64(k.OwnerID)), state.ID(uint64(k.ID))); err != nil {
		return err
	}
	return tx.Coll(Name, collSSHKeys).Delete(state.ID(uint64(k.ID)))
}

func (p *Provider) listUserSshKeys(c echo.Context) error {
	out := []sshKeyView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		var u User
		if err := get(tx, collUsers, provider.PathInt(c, "userId"), &u, errUserNotFound); err != nil {
			return err
		}
		return eachUserKey(tx, u.ID, func(k *SSHKey) error {
			out = append(out, viewSSHKey(k))
			return nil
		})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{out})
}
