package e24cloud

import "github.com/labstack/echo/v4"

// Handlers is the route table: one handler per operationId of specs/e24cloud.yaml.
func (p *Provider) Handlers() map[string]echo.HandlerFunc {
	return map[string]echo.HandlerFunc{
		"listRegions":   p.listRegions,
		"listTemplates": p.listTemplates,

		"createVM":   p.createVM,
		"listVMs":    p.listVMs,
		"getVM":      p.getVM,
		"renameVM":   p.renameVM,
		"consoleVM":  p.consoleVM,
		"deleteVM":   p.deleteVM,
		"resizeVM":   p.resizeVM,
		"shutdownVM": p.powerAction(actShutdown),
		"poweroffVM": p.powerAction(actPowerOff),
		"poweronVM":  p.powerAction(actPowerOn),
		"rebootVM":   p.powerAction(actReboot),
		"resetVM":    p.powerAction(actReset),

		// storage volumes, disk images, IPv4 addresses, VLANs

		// account, API keys, SSH keys
	}
}
