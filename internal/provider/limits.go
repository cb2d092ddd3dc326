package provider

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

type stoppingKey struct{}

// WithStopping is the context of a listener's requests: stopping closes when the simulator
// begins to shut down.
func WithStopping(ctx context.Context, stopping <-chan struct{}) context.Context {
	return context.WithValue(ctx, stoppingKey{}, stopping)
}

// Stopping closes when the simulator begins to shut down, so that an answer that follows the
// world's clock (an event stream) ends with a terminal event of its own instead of being cut.
// It never closes for a request served outside a listener.
func Stopping(c echo.Context) <-chan struct{} {
	ch, _ := c.Request().Context().Value(stoppingKey{}).(<-chan struct{})
	return ch
}

const keyWriteTimeout = "panelsim.writeTimeout"

// SetWriteTimeout gives the request's answer d to be written, from now on; KeepWriting
// renews it.
func SetWriteTimeout(c echo.Context, d time.Duration) {
	c.Set(keyWriteTimeout, d)
	KeepWriting(c)
}

// KeepWriting gives the answer its write timeout afresh: a long answer (an event stream,
// one held by a scenario's latency) calls it before each write, so only a client that stops
// reading is cut off.
func KeepWriting(c echo.Context) {
	if d, ok := c.Get(keyWriteTimeout).(time.Duration); ok && d > 0 {
		http.NewResponseController(c.Response().Writer).SetWriteDeadline(time.Now().Add(d))
	}
}
