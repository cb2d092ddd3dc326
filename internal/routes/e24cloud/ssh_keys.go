package e24cloud

import (
	"crypto/ed25519"
	"encoding/binary"
	"encoding/pem"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/ssh"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// sshKeyView is a key as the account lists it.
type sshKeyView struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Fingerprint string `json:"fingerprint"`
}

// generatedSSHKeyView is a generated key, with its private half: shown once, never stored.
type generatedSSHKeyView struct {
	sshKeyView
	PrivateKey string `json:"private_key"`
}

func viewSSHKey(k *SSHKey) sshKeyView {
	return sshKeyView{ID: k.ID, Name: k.Name, Fingerprint: k.Fingerprint}
}

var errSSHKeyContent = apierr.Invalid("The content field must be one OpenSSH public key (type, base64 and an optional comment).")

// parsePublicKey reads one OpenSSH public key line and returns it as the account keeps it
// (type, base64, comment) with its MD5 fingerprint ("43:51:…", as OpenSSH printed it before
// 6.8 and EC2-compatible clouds still do).
func parsePublicKey(content string) (line, fingerprint string, err error) {
	k, ok := provider.ParseSSHPublicKey(content)
	if !ok {
		return "", "", errSSHKeyContent
	}
	return k.Line, k.FingerprintMD5(), nil
}

// generateKey makes an Ed25519 key pair from the faker (so that it repeats in the same world
// at the same point), named by its comment.
func (p *Provider) generateKey(tx *state.Tx, id int64, name string) (line, fingerprint, private string, err error) {
	f := p.Faker("sshkey:"+tx.World, id)
	seed := make([]byte, ed25519.SeedSize)
	for i := 0; i < len(seed); i += 8 {
		binary.BigEndian.PutUint64(seed[i:], f.Uint64())
	}
	priv := ed25519.NewKeyFromSeed(seed)
	pub, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		return "", "", "", err
	}
	block, err := ssh.MarshalPrivateKey(priv, name)
	if err != nil {
		return "", "", "", err
	}
	line = strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))) + " " + strings.Join(strings.Fields(name), "-")
	return line, ssh.FingerprintLegacyMD5(pub), string(pem.EncodeToMemory(block)), nil
}

type addSSHKeyInput struct {
	Name    string `json:"name"`
	Method  string `json:"method"`
	Content string `json:"content"`
}

// addSSHKey uploads a public key, or generates a pair and answers the private key once. Names
// and keys (by fingerprint) are unique in the account: key_id on VM create is found by name.
func (p *Provider) addSSHKey(c echo.Context) error {
	var in addSSHKeyInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Method == "" {
		in.Method = "upload"
	}
	var line, fingerprint string
	if in.Method == "upload" {
		if strings.TrimSpace(in.Content) == "" {
			return apierr.Invalid("The content field is required when method is upload.")
		}
		var err error
		if line, fingerprint, err = parsePublicKey(in.Content); err != nil {
			return err
		}
	}
	var out any
	err := provider.World(c).Update(func(tx *state.Tx) error {
		coll := tx.Coll(Name, collSSHKeys)
		seq, err := coll.NextID()
		if err != nil {
			return err
		}
		k := &SSHKey{ID: int64(seq), Name: in.Name, Content: line, Fingerprint: fingerprint}
		private := ""
		if in.Method == "generate" {
			if k.Content, k.Fingerprint, private, err = p.generateKey(tx, k.ID, k.Name); err != nil {
				return err
			}
		}
		err = each(tx, collSSHKeys, func(o *SSHKey) error {
			switch {
			case strings.EqualFold(o.Name, k.Name):
				return apierr.Conflict("An SSH key with this name already exists.")
			case o.Fingerprint == k.Fingerprint:
				return apierr.Conflict("This SSH key is already in the account (as " + o.Name + ").")
			}
			return nil
		})
		if err != nil {
			return err
		}
		out = viewSSHKey(k)
		if private != "" {
			out = generatedSSHKeyView{viewSSHKey(k), private}
		}
		return coll.Put(state.ID(seq), k)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool `json:"success"`
		SSHKeys any  `json:"sshkeys"` // one key, under the plural name, as documented
	}{true, out})
}

// deleteSSHKey deletes a key. VMs created with it keep it installed.
func (p *Provider) deleteSSHKey(c echo.Context) error {
	err := provider.World(c).Update(func(tx *state.Tx) error {
		id := state.ID(uint64(provider.PathInt(c, "ssh_id")))
		var k SSHKey
		if err := getRecord(tx, collSSHKeys, id, &k, errSSHKeyNotFound); err != nil {
			return err
		}
		return tx.Coll(Name, collSSHKeys).Delete(id)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}
