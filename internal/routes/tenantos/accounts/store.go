package accounts

import (
	"encoding/json"
	"errors"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// What the group keeps besides the core's records, in collections and sets of its own (all
// named accounts…, so that no other group's names collide with them).
const (
	collSettings   = "accountsUserSettings"   // user id -> userSettings
	collKeyDescs   = "accountsSSHKeyDescs"    // SSH key id -> sshKeyDesc
	collSecrets    = "accountsTokenSecrets"   // API token id -> tokenSecret
	setSessions    = "accountsSessionsByUser" // impersonated user id -> token hashes of its sessions
	setSSOByUser   = "accountsSSOByUser"      // user id -> its SSO tokens
	setLoginByUser = "accountsLoginsByUser"   // user id -> its login history ids
)

// userSettings are the user fields the core's User has no room for: the interface's dark
// mode and table preferences, and the session timeout. They are kept as sent and shown back.
type userSettings struct {
	Darkmode       *int            `json:"darkmode,omitempty"`
	Prefs          json.RawMessage `json:"prefs,omitempty"`
	SessionTimeout string          `json:"sessionTimeout,omitempty"`
}

// sshKeyDesc is the description of an SSH key (the core's SSHKey has none).
type sshKeyDesc struct {
	Description string `json:"description"`
}

// tokenSecret is an API token's plaintext. Decision: the simulator's world registry routes a
// token by the token itself, so forgetting a deleted token needs it; it is kept here, in the
// store only, next to the registry's own copy (the registry stores every token in plaintext
// too). No handler ever reads it but the ones that delete tokens: after its creation answer,
// a token cannot be recovered through the API (its record holds only the SHA-256).
type tokenSecret struct {
	Token string `json:"token"`
}

var (
	settings = provider.Records[userSettings]{Provider: tenantos.Name, Coll: collSettings, NotFound: errNoRecord}
	keyDescs = provider.Records[sshKeyDesc]{Provider: tenantos.Name, Coll: collKeyDescs, NotFound: errNoRecord}
	secrets  = provider.Records[tokenSecret]{Provider: tenantos.Name, Coll: collSecrets, NotFound: errNoRecord}
)

var errNoRecord = apierr.NotFound("Record not found.")

// settingsOf is a user's settings; none kept is the zero value.
func settingsOf(tx *state.Tx, id int64) *userSettings {
	s, err := settings.Get(tx, id)
	if err != nil {
		return &userSettings{}
	}
	return s
}

// descOf is an SSH key's description, "" when none.
func descOf(tx *state.Tx, id int64) string {
	d, err := keyDescs.Get(tx, id)
	if err != nil {
		return ""
	}
	return d.Description
}

// key makes a set key or member of an id.
func key(id int64) []byte { return state.ID(uint64(id)) }

// members lists a set's members as ids.
func members(tx *state.Tx, set string, owner int64) []int64 {
	var out []int64
	tx.Set(tenantos.Name, set).Members(key(owner), 0, -1, func(m []byte) error {
		out = append(out, int64(state.IDOf(m)))
		return nil
	})
	return out
}

// rawMembers lists a set's members as they are stored (token hashes, SSO tokens).
func rawMembers(tx *state.Tx, set string, owner int64) []string {
	var out []string
	tx.Set(tenantos.Name, set).Members(key(owner), 0, -1, func(m []byte) error {
		out = append(out, string(m))
		return nil
	})
	return out
}

// isNotFound reports whether err is a 404 of the store's records.
func isNotFound(err error) bool {
	var ae *apierr.Error
	return errors.As(err, &ae) && ae.Kind == apierr.KindNotFound
}
