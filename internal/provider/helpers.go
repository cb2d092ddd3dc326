package provider

import (
	"hash/fnv"
	"net/http"
	"strings"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/labstack/echo/v4"
)

// BearerToken reads "Authorization: Bearer <token>" (any case of "Bearer"); "" when absent.
func BearerToken(r *http.Request) string {
	h := r.Header.Get(echo.HeaderAuthorization)
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// Faker is a fake-data source that depends only on a provider's fixture seed and what it is
// for (a kind and a number), so the same object gets the same details in every world and
// after every restart.
func Faker(seed uint64, kind string, n int64) *gofakeit.Faker {
	h := fnv.New64a()
	h.Write([]byte(kind))
	var b [8]byte
	for i := range b {
		b[i] = byte(uint64(n) >> (8 * i))
	}
	h.Write(b[:])
	return gofakeit.New(seed ^ h.Sum64())
}
