package e24cloud

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

type credentialsView struct {
	APIID     string `json:"api_id"`
	SecretKey string `json:"secret_key"`
}

// filesView is the account's e24files (object storage) credentials.
type filesView struct {
	S3    credentialsView `json:"s3"`
	Swift credentialsView `json:"swift"`
}

func viewFiles(a *Account) filesView {
	return filesView{S3: credentialsView{a.FilesKey, a.FilesSecret}, Swift: credentialsView{a.SwiftKey, a.SwiftSecret}}
}

type apiKeyView struct {
	APIKey    string `json:"api_key"`
	SecretKey string `json:"secret_key"`
}

type accountView struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Email        string `json:"email"`
	Phone        string `json:"phone"`
	Notification struct {
		Email bool `json:"email"`
		Phone bool `json:"phone"`
	} `json:"notification"`
	E24Files filesView    `json:"e24files"`
	API      []apiKeyView `json:"api"`
	SSHKeys  []sshKeyView `json:"sshkeys"`
	Groups   []idName     `json:"groups"`
}

// getAccount shows the account with its API key pairs, SSH keys and the groups it is a
// member of.
func (p *Provider) getAccount(c echo.Context) error {
	var out accountView
	err := provider.World(c).View(func(tx *state.Tx) error {
		a, err := loadAccount(tx)
		if err != nil {
			return err
		}
		out = accountView{ID: a.ID, Name: a.Name, Email: a.Email, Phone: a.Phone, E24Files: viewFiles(a),
			API: []apiKeyView{}, SSHKeys: []sshKeyView{}, Groups: []idName{}}
		out.Notification.Email, out.Notification.Phone = a.NotifyEmail, a.NotifyPhone
		for _, k := range a.APIKeys {
			out.API = append(out.API, apiKeyView{k.Key, k.Secret})
		}
		if out.Groups, err = memberGroups(tx, a.ID); err != nil {
			return err
		}
		return each(tx, collSSHKeys, func(k *SSHKey) error {
			out.SSHKeys = append(out.SSHKeys, viewSSHKey(k))
			return nil
		})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool        `json:"success"`
		Account accountView `json:"account"`
	}{true, out})
}

type accountDataInput struct {
	FirstName *string `json:"first_name"`
	LastName  *string `json:"last_name"`
	Phone     *string `json:"phone"`
	Password  *string `json:"password"`
}

// updateAccountData changes the fields sent. A first or last name makes the account's name
// ("<first_name> <last_name>"), which every object's owner shows.
func (p *Provider) updateAccountData(c echo.Context) error {
	var in accountDataInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if in.FirstName == nil && in.LastName == nil && in.Phone == nil && in.Password == nil {
		return apierr.Invalid("Nothing to change: send first_name, last_name, phone or password.")
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		a, err := loadAccount(tx)
		if err != nil {
			return err
		}
		if in.FirstName != nil {
			a.FirstName = strings.TrimSpace(*in.FirstName)
		}
		if in.LastName != nil {
			a.LastName = strings.TrimSpace(*in.LastName)
		}
		if in.FirstName != nil || in.LastName != nil {
			if name := strings.TrimSpace(a.FirstName + " " + a.LastName); name != "" {
				a.Name = name
			}
		}
		if in.Phone != nil {
			a.Phone = strings.TrimSpace(*in.Phone)
		}
		if in.Password != nil {
			sum := sha256.Sum256([]byte(*in.Password))
			a.Password = hex.EncodeToString(sum[:])
		}
		return saveAccount(tx, a)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}

// newFilesSecretKey gives the e24files credentials named by api_key (the S3 or the Swift
// api_id) a new secret.
func (p *Provider) newFilesSecretKey(c echo.Context) error {
	var in apiKeyInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out filesView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		a, err := loadAccount(tx)
		if err != nil {
			return err
		}
		secret := newSecret()
		switch strings.TrimSpace(in.APIKey) {
		case a.FilesKey:
			a.FilesSecret = secret
		case a.SwiftKey:
			a.SwiftSecret = secret
		default:
			return apierr.Invalid("The selected api_key is invalid.")
		}
		out = viewFiles(a)
		return saveAccount(tx, a)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success  bool      `json:"success"`
		E24Files filesView `json:"e24files"`
	}{true, out})
}

func saveAccount(tx *state.Tx, a *Account) error {
	return putRecord(tx, collAccount, state.Key(keyAccount), a)
}
