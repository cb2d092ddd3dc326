package provider

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/world"
)

// Reused serves a read-only operation from the answer kept for the same request while the
// world is unchanged (same revision of its records, same second of its clock), and otherwise
// runs render, which writes the answer as usual, and keeps what it wrote. who names whatever
// the answer depends on besides the world and the URL (the acting user where answers differ
// by user; empty where every credential of a world sees the same). Answers that carry headers
// of their own (a Panelsim-Warning) or fail are not kept.
func Reused(c echo.Context, who string, render func() error) error {
	w := World(c)
	req := c.Request()
	key := Operation(c) + "\x00" + c.Scheme() + "://" + req.Host + req.RequestURI + "\x00" + who
	at := w.Stamp()
	if a, ok := w.Answer(key, at); ok {
		h := c.Response().Header()
		h.Set(echo.HeaderContentType, a.ContentType)
		h.Set(echo.HeaderContentLength, strconv.Itoa(len(a.Body)))
		c.Response().WriteHeader(a.Status)
		_, err := c.Response().Write(a.Body)
		return err
	}
	res := c.Response()
	before := len(res.Header())
	rec := &keeper{ResponseWriter: res.Writer}
	res.Writer = rec
	err := render()
	res.Writer = rec.ResponseWriter
	if err != nil || !res.Committed || res.Status != http.StatusOK || len(res.Header()) > before+2 {
		return err
	}
	w.KeepAnswer(key, at, world.Answer{Status: res.Status, ContentType: res.Header().Get(echo.HeaderContentType), Body: rec.body.Bytes()})
	return nil
}

// keeper copies what is written through it.
type keeper struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (k *keeper) Write(b []byte) (int, error) {
	k.body.Write(b)
	return k.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (k *keeper) Unwrap() http.ResponseWriter { return k.ResponseWriter }

// ReusableOps names the read operations whose answers depend on nothing but the world, the
// URL and the world's clock; a provider's ReusableAnswer can be this set's.
type ReusableOps map[string]bool

// ReusableAnswer implements Reuser for a provider where every credential of a world sees the
// same answers.
func (r ReusableOps) ReusableAnswer(c echo.Context) (string, bool) { return "", r[Operation(c)] }
