// Package virtfusion simulates the VirtFusion Global API (v1): hypervisors, packages,
// templates, users and the server lifecycle, on the state of a world.
package virtfusion

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/world"
)

// Name is the provider's name in flags, URL lines and the store.
const Name = "virtfusion"

// Provider is the VirtFusion API.
type Provider struct {
	provider.Base
	provider.Bearer
	fx *Fixtures
}

// New loads the VirtFusion document and fixtures.
func New(fixtures fs.FS, log *slog.Logger) (*Provider, error) {
	fx, err := loadFixtures(fixtures)
	if err != nil {
		return nil, err
	}
	base, err := provider.NewBase(Name, "/api/v1", fx.Seed, log)
	if err != nil {
		return nil, err
	}
	return &Provider{Base: base, fx: fx}, nil
}

// Unauthorized answers 401 with no body, as VirtFusion does for a missing, wrong or expired
// token.
func (p *Provider) Unauthorized(c echo.Context) error {
	return c.NoContent(http.StatusUnauthorized)
}

// Runners implements provider.Provider.
func (p *Provider) Runners() map[string]world.Runner {
	return map[string]world.Runner{
		taskBuild:  p.runBuild,
		taskPower:  p.runPower,
		taskDelete: p.runDelete,

		taskResetPassword: p.runResetPassword,
	}
}

// laravelCipher makes a value shaped like Laravel's encrypt() output (base64 of a JSON
// envelope with iv, value, mac and tag), as the panel shows encrypted passwords and tokens.
func laravelCipher(f *gofakeit.Faker) string {
	rnd := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(f.IntN(256))
		}
		return b
	}
	env, _ := json.Marshal(struct {
		IV    string `json:"iv"`
		Value string `json:"value"`
		MAC   string `json:"mac"`
		Tag   string `json:"tag"`
	}{base64.StdEncoding.EncodeToString(rnd(16)), base64.StdEncoding.EncodeToString(rnd(32)), hex.EncodeToString(rnd(32)), ""})
	return base64.StdEncoding.EncodeToString(env)
}

// password makes a root password like the panel's: letters and digits.
func password(f *gofakeit.Faker, n int) string {
	return f.Password(true, true, true, false, false, n)
}
