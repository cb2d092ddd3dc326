package provider

import (
	"log/slog"
	"net/http"

	"github.com/brianvoe/gofakeit/v7"
)

// Base is what every panel's Provider is made of alike: its document, its log and the seed
// of its fake data. Providers embed it and add their fixtures.
type Base struct {
	Document
	Log  *slog.Logger
	seed uint64
}

// NewBase loads the provider's document (specs/<name>.yaml), mounted under basePath.
func NewBase(name, basePath string, seed uint64, log *slog.Logger) (Base, error) {
	doc, err := LoadDocument(name, basePath)
	if err != nil {
		return Base{}, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return Base{Document: doc, Log: log, seed: seed}, nil
}

// Faker is a fake-data source that depends only on the fixtures' seed and what it is for, so
// the same object gets the same details in every world and after every restart. Never use
// it for credentials: see Credentials.
func (b Base) Faker(kind string, id int64) *gofakeit.Faker { return Faker(b.seed, kind, id) }

// Bearer is the credential of the panels that take "Authorization: Bearer <token>": embed it
// in a Provider.
type Bearer struct{}

// Credential implements Provider.
func (Bearer) Credential(r *http.Request) string { return BearerToken(r) }
