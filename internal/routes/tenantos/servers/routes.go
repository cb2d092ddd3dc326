// Package servers is the Tenantos operations on servers: the inventory (list, get, create,
// update, delete, tags, search), power, console, statistics and OS provisioning.
package servers

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// Routes is the group's route table: one handler per operation, named after it.
func Routes(p *tenantos.Provider) map[string]echo.HandlerFunc {
	return map[string]echo.HandlerFunc{}
}
