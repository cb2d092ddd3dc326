package sim

import (
	"os"

	"github.com/labstack/echo/v4"
)

// InstanceHeader names, on every answer, the simulator instance that gave it: behind a proxy
// that shards worlds across instances, it shows which instance holds a world.
const InstanceHeader = "Panelsim-Instance"

// instanceName is Options.InstanceName, or the host's name when it is unset.
func (o Options) instanceName() string {
	if o.InstanceName != "" {
		return o.InstanceName
	}
	if host, err := os.Hostname(); err == nil && host != "" {
		return host
	}
	return "panelsim"
}

// InstanceName is the name this simulator gives in the Panelsim-Instance header.
func (s *Simulator) InstanceName() string { return s.opts.instanceName() }

// nameInstance sets the Panelsim-Instance header before anything else runs, so that every
// answer a listener's handler writes carries it: the API's, the control API's, /metrics and
// every error.
func nameInstance(name string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Response().Header().Set(InstanceHeader, name)
			return next(c)
		}
	}
}
