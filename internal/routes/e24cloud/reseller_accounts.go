package e24cloud

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// States of an account made through the reseller API: creation is a task.
const (
	userCreating = "creating"
	userCreated  = "created"
)

// User is an account the reseller made with PUT /v2/accounts. Its credentials are drawn
// from crypto/rand; its API key signs nothing in panelsim (it would be another account's
// world).
type User struct {
	ID          string    `json:"id"`
	State       string    `json:"state"`
	FirstName   string    `json:"firstName"`
	LastName    string    `json:"lastName"`
	Email       string    `json:"email"`
	Phone       string    `json:"phone"`
	Password    string    `json:"password"` // SHA-256, hex
	APIKey      APIKey    `json:"apiKey"`
	FilesKey    string    `json:"filesKey"`
	FilesSecret string    `json:"filesSecret"`
	SwiftKey    string    `json:"swiftKey"`
	SwiftSecret string    `json:"swiftSecret"`
	Seq         uint64    `json:"seq"` // its key in collUsers: creation order
	Created     time.Time `json:"created"`
}

func (u *User) name() string { return strings.TrimSpace(u.FirstName + " " + u.LastName) }

func loadUser(tx *state.Tx, id string) (*User, error) {
	key := tx.Index(Name, idxUser).Get([]byte(strings.TrimSpace(id)))
	if key == nil {
		return nil, errUserNotFound
	}
	var u User
	if err := getRecord(tx, collUsers, key, &u, errUserNotFound); err != nil {
		return nil, err
	}
	return &u, nil
}

var errUserNotFound = apierr.NotFound("Account not found.")

// userView is an account as the reseller API shows it.
type userView struct {
	ID       string       `json:"id"`
	State    string       `json:"state"`
	Name     string       `json:"name"`
	Active   bool         `json:"active"`
	Email    string       `json:"email"`
	Phone    string       `json:"phone"`
	E24Files filesView    `json:"e24files"`
	API      []apiKeyView `json:"api"`
	SSHKeys  []sshKeyView `json:"sshkeys"`
}

func (u *User) view() userView {
	return userView{ID: u.ID, State: u.State, Name: u.name(), Active: u.State == userCreated, Email: u.Email, Phone: u.Phone,
		E24Files: filesView{S3: credentialsView{u.FilesKey, u.FilesSecret}, Swift: credentialsView{u.SwiftKey, u.SwiftSecret}},
		API:      []apiKeyView{{u.APIKey.Key, u.APIKey.Secret}}, SSHKeys: []sshKeyView{}}
}

type createUserInput struct {
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Phone     string `json:"phone"`
	Password  string `json:"password"`
}

// createAccount adds a task that makes an account: it answers the account at once, in state
// "creating" (active false), and it is "created" (active) timings.accountCreate seconds
// later. An e-mail address already used (here or by the reseller's own account) gives 409.
func (p *Provider) createAccount(c echo.Context) error {
	var in createUserInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	in.Email, in.FirstName, in.LastName, in.Phone = strings.TrimSpace(in.Email), strings.TrimSpace(in.FirstName), strings.TrimSpace(in.LastName), strings.TrimSpace(in.Phone)
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
		return apierr.Invalid("The email field must be a valid e-mail address.")
	}
	var out userView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		acct, err := loadAccount(tx)
		if err != nil {
			return err
		}
		taken := strings.EqualFold(acct.Email, in.Email)
		err = each(tx, collUsers, func(u *User) error {
			taken = taken || strings.EqualFold(u.Email, in.Email)
			return nil
		})
		if err != nil {
			return err
		}
		if taken {
			return apierr.Conflict("An account with this e-mail address already exists.")
		}
		seq, err := tx.Coll(Name, collUsers).NextID()
		if err != nil {
			return err
		}
		f := provider.Credentials()
		sum := sha256.Sum256([]byte(in.Password))
		u := &User{ID: p.Faker("user", int64(seq)).UUID(), State: userCreating, FirstName: in.FirstName, LastName: in.LastName,
			Email: in.Email, Phone: in.Phone, Password: hex.EncodeToString(sum[:]), APIKey: newKeyPair(),
			FilesKey: f.LetterN(20), FilesSecret: f.LetterN(40), SwiftKey: f.LetterN(20), SwiftSecret: f.LetterN(40),
			Seq: seq, Created: tx.Now}
		if err := putRecord(tx, collUsers, state.ID(seq), u); err != nil {
			return err
		}
		if err := tx.Index(Name, idxUser).Put([]byte(u.ID), state.ID(seq)); err != nil {
			return err
		}
		d := time.Duration(p.fx.Timings.AccountCreate) * time.Second
		if _, err := tx.Enqueue(Name, taskUser, tx.Now.Add(d), userTask{ID: u.ID}); err != nil {
			return err
		}
		out = u.view()
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool     `json:"success"`
		User    userView `json:"user"`
	}{true, out})
}

type userTask struct {
	ID string `json:"id"`
}

// runUserTask finishes an account's creation.
func (p *Provider) runUserTask(tx *state.Tx, task *state.Task) error {
	var t userTask
	if err := json.Unmarshal(task.Data, &t); err != nil {
		return err
	}
	u, err := loadUser(tx, t.ID)
	if err != nil {
		return nil
	}
	u.State = userCreated
	return putRecord(tx, collUsers, state.ID(u.Seq), u)
}

// listAccounts lists the accounts the reseller made, oldest first: limit of them (all when
// not sent) from offset (0 when not sent).
func (p *Provider) listAccounts(c echo.Context) error {
	offset, limit := int(provider.QueryInt(c, "offset", 0)), int(provider.QueryInt(c, "limit", math.MaxInt32))
	out := []userView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		return tx.Coll(Name, collUsers).Page(offset, limit, func(_, raw []byte) error {
			var u User
			if err := json.Unmarshal(raw, &u); err != nil {
				return err
			}
			out = append(out, u.view())
			return nil
		})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool       `json:"success"`
		Users   []userView `json:"users"`
	}{true, out})
}
