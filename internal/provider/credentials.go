package provider

import (
	"github.com/brianvoe/gofakeit/v7"
	"github.com/brianvoe/gofakeit/v7/source"
)

// Credentials is a fake-data source drawn from crypto/rand, for everything a client could
// sign in or act with: API keys and secrets, passwords, login and console tokens. Unlike
// Faker it is never seeded, so no credential can be guessed from the fixtures or repeats
// across worlds or instances.
func Credentials() *gofakeit.Faker { return gofakeit.NewFaker(source.NewCrypto(), false) }
