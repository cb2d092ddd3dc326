// Package accounts is the Tenantos operations on accounts: users, their API tokens, SSH keys,
// single sign-on, two-factor authentication, impersonation, login history and access log;
// roles, alias users and alias roles; and the activity logs.
package accounts

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// Routes is the group's route table: one handler per operation, named after it.
func Routes(p *tenantos.Provider) map[string]echo.HandlerFunc {
	return map[string]echo.HandlerFunc{}
}
