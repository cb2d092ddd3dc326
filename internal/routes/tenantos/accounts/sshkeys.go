package accounts

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// sshKeyView is an SSH key (schema SshKey).
type sshKeyView struct {
	ID          int64  `json:"id"`
	CreatedAt   string `json:"created_at"`
	Name        string `json:"name"`
	Pubkey      string `json:"pubkey"`
	UserID      int64  `json:"userid"`
	Description string `json:"description"`
}

func viewKey(tx *state.Tx, k *tenantos.SSHKey) sshKeyView {
	return sshKeyView{ID: k.ID, CreatedAt: tenantos.LaravelTime(k.Created), Name: k.Name, Pubkey: k.PublicKey, UserID: k.UserID,
		Description: descOf(tx, k.ID)}
}

// keyTypes are the OpenSSH public key types accepted.
var keyTypes = []string{
	"ssh-rsa", "ssh-ed25519", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
	"sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
}

// checkPubkey accepts an OpenSSH public key: "<type> <base64 body> [comment]", whose body
// names the same type. Decision: the vendor documents no rule; keys the panel could not write
// to authorized_keys are refused with 422.
func checkPubkey(s string) (string, error) {
	bad := tenantos.Invalid("pubkey", "The pubkey must be a valid public SSH key.")
	fields := strings.Fields(s)
	if len(fields) < 2 {
		return "", bad
	}
	known := false
	for _, t := range keyTypes {
		known = known || fields[0] == t
	}
	blob, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil {
		blob, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(fields[1], "="))
	}
	if !known || err != nil || len(blob) < 4+len(fields[0]) || string(blob[4:4+len(fields[0])]) != fields[0] {
		return "", bad
	}
	return strings.Join(fields, " "), nil
}

// userKeys lists a user's SSH keys in id order.
func userKeys(tx *state.Tx, userID int64) ([]*tenantos.SSHKey, error) {
	var out []*tenantos.SSHKey
	err := tenantos.SSHKeys.Each(tx, func(k *tenantos.SSHKey) error {
		if k.UserID == userID {
			out = append(out, k)
		}
		return nil
	})
	return out, err
}

// pathKey loads SSH key {id} of the managed user {user}; another user's key is 404.
func pathKey(c echo.Context, tx *state.Tx) (*tenantos.User, *tenantos.SSHKey, error) {
	u, err := pathUser(c, tx, "user")
	if err != nil {
		return nil, nil, err
	}
	k, err := tenantos.SSHKeys.Get(tx, provider.PathInt(c, "id"))
	if err != nil {
		return nil, nil, err
	}
	if k.UserID != u.ID {
		return nil, nil, tenantos.ErrSSHKeyNotFound
	}
	return u, k, nil
}

// deleteKey deletes an SSH key and its description.
func deleteKey(tx *state.Tx, id int64) error {
	if err := tenantos.SSHKeys.Delete(tx, id); err != nil {
		return err
	}
	return keyDescs.Delete(tx, id)
}

type sshKeyInput struct {
	Name        *string `json:"name"`
	Pubkey      *string `json:"pubkey"`
	Description *string `json:"description"`
}

func keyEntry(u *tenantos.User, k *tenantos.SSHKey, what string) tenantos.LogEntry {
	return tenantos.LogEntry{RelationType: "users", RelationID: u.ID, RootType: "sshKeys", RootID: k.ID,
		Description: fmt.Sprintf("%s SSH key %s", what, k.Name), MetaHref: fmt.Sprintf("/users/%d", u.ID), MetaText: u.Username}
}

// listSshKeys lists the SSH keys of a user the caller manages.
func (g *group) listSshKeys(c echo.Context) error {
	out := []sshKeyView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		u, err := pathUser(c, tx, "user")
		if err != nil {
			return err
		}
		keys, err := userKeys(tx, u.ID)
		for _, k := range keys {
			out = append(out, viewKey(tx, k))
		}
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getSshKey shows one SSH key of a user the caller manages.
func (g *group) getSshKey(c echo.Context) error {
	var out sshKeyView
	err := provider.World(c).View(func(tx *state.Tx) error {
		_, k, err := pathKey(c, tx)
		if err != nil {
			return err
		}
		out = viewKey(tx, k)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// createSshKey adds an SSH key to a user the caller manages; reinstallations can put it on
// the user's servers.
func (g *group) createSshKey(c echo.Context) error {
	var in sshKeyInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		return tenantos.Invalid("name", "The name field is required.")
	}
	if in.Pubkey == nil {
		return tenantos.Invalid("pubkey", "The pubkey field is required.")
	}
	pub, err := checkPubkey(*in.Pubkey)
	if err != nil {
		return err
	}
	var out sshKeyView
	err = provider.World(c).Update(func(tx *state.Tx) error {
		u, err := pathUser(c, tx, "user")
		if err != nil {
			return err
		}
		id, err := tenantos.SSHKeys.NextID(tx)
		if err != nil {
			return err
		}
		k := &tenantos.SSHKey{ID: id, UserID: u.ID, Name: strings.TrimSpace(*in.Name), PublicKey: pub, Created: tx.Now, Updated: tx.Now}
		if err := tenantos.SSHKeys.Put(tx, id, k); err != nil {
			return err
		}
		if in.Description != nil {
			if err := keyDescs.Put(tx, id, &sshKeyDesc{Description: *in.Description}); err != nil {
				return err
			}
		}
		if err := tenantos.LogActivity(c, tx, keyEntry(u, k, "Created")); err != nil {
			return err
		}
		out = viewKey(tx, k)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// updateSshKey changes an SSH key's name, key or description (fields not sent stay).
func (g *group) updateSshKey(c echo.Context) error {
	var in sshKeyInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	pub := ""
	if in.Pubkey != nil {
		var err error
		if pub, err = checkPubkey(*in.Pubkey); err != nil {
			return err
		}
	}
	if in.Name != nil && strings.TrimSpace(*in.Name) == "" {
		return tenantos.Invalid("name", "The name field is required.")
	}
	var out sshKeyView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		u, k, err := pathKey(c, tx)
		if err != nil {
			return err
		}
		if in.Name != nil {
			k.Name = strings.TrimSpace(*in.Name)
		}
		if in.Pubkey != nil {
			k.PublicKey = pub
		}
		k.Updated = tx.Now
		if err := tenantos.SSHKeys.Put(tx, k.ID, k); err != nil {
			return err
		}
		if in.Description != nil {
			if err := keyDescs.Put(tx, k.ID, &sshKeyDesc{Description: *in.Description}); err != nil {
				return err
			}
		}
		if err := tenantos.LogActivity(c, tx, keyEntry(u, k, "Updated")); err != nil {
			return err
		}
		out = viewKey(tx, k)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// deleteSshKey removes an SSH key of a user the caller manages.
func (g *group) deleteSshKey(c echo.Context) error {
	err := provider.World(c).Update(func(tx *state.Tx) error {
		u, k, err := pathKey(c, tx)
		if err != nil {
			return err
		}
		if err := deleteKey(tx, k.ID); err != nil {
			return err
		}
		return tenantos.LogActivity(c, tx, keyEntry(u, k, "Deleted"))
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}
