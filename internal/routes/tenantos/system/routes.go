// Package system is the Tenantos operations on the system: global settings, panel backups and their storages, and the other routes (version, ping, time zones and formats, UI settings).
package system

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// Routes is the group's route table: one handler per operation, named after it.
func Routes(p *tenantos.Provider) map[string]echo.HandlerFunc {
	return map[string]echo.HandlerFunc{}
}
