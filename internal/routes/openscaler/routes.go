package openscaler

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
)

// reusable are the reads whose answers depend on nothing but the world, the URL and the
// clock: kept while the world is unchanged (provider.Reused).
var reusable = provider.ReusableOps{
	"core_vm_list":      true,
	"core_vm_info":      true,
	"core_size_list":    true,
	"core_region_list":  true,
	"core_distro_list":  true,
	"core_project_list": true,
	"core_vpc_list":     true,
}

// ReusableAnswer implements provider.Reuser: every credential of a world sees the same.
func (p *Provider) ReusableAnswer(c echo.Context) (string, bool) { return reusable.ReusableAnswer(c) }

// Handlers is the route table: one handler per operationId of specs/openscaler.yaml. Paths
// and methods come from the document. The vendor's operations keep their documented ids;
// the others follow their pattern. Every handler goes through fastapi (body.go): what FastAPI
// would refuse and the shared pipeline took is a leniency.
func (p *Provider) Handlers() map[string]echo.HandlerFunc {
	table := map[string]echo.HandlerFunc{
		"core_vm_list":   p.coreVMList,
		"core_vm_create": p.coreVMCreate,
		"core_vm_info":   p.coreVMInfo,
		"core_vm_delete": p.coreVMDelete,
		"vm_run_action":  p.vmRunAction,

		"vm_public_ports_post":   p.vmPublicPortsPost,
		"vm_public_ports_delete": p.vmPublicPortsDelete,
		"vnc_console_open":       p.vncConsoleOpen,
		"vnc_console_close":      p.vncConsoleClose,

		"lb_create":             p.lbCreate,
		"lb_list":               p.lbList,
		"lb_info":               p.lbInfo,
		"lb_delete":             p.lbDelete,
		"lb_list_backends":      p.lbListBackends,
		"lb_get_backend":        p.lbGetBackend,
		"lb_create_backend":     p.lbCreateBackend,
		"lb_update_backend":     p.lbUpdateBackend,
		"lb_delete_backend":     p.lbDeleteBackend,
		"lb_list_frontends":     p.lbListFrontends,
		"lb_get_frontend":       p.lbGetFrontend,
		"lb_create_frontend":    p.lbCreateFrontend,
		"lb_update_frontend":    p.lbUpdateFrontend,
		"lb_delete_frontend":    p.lbDeleteFrontend,
		"lb_open_port":          p.lbOpenPort,
		"lb_close_port":         p.lbClosePort,
		"lb_create_certificate": p.lbCreateCertificate,
		"lb_get_certificate":    p.lbGetCertificate,
		"lb_list_certificates":  p.lbListCertificates,
		"lb_delete_certificate": p.lbDeleteCertificate,

		"core_size_list":   p.coreSizeList,
		"core_region_list": p.coreRegionList,
		"core_distro_list": p.coreDistroList,

		"core_project_list":   p.coreProjectList,
		"core_project_info":   p.coreProjectInfo,
		"core_project_create": p.coreProjectCreate,
		"core_project_delete": p.coreProjectDelete,
		"core_vpc_list":       p.coreVPCList,
		"core_vpc_info":       p.coreVPCInfo,

		"ssh_key_list":   p.sshKeyList,
		"ssh_key_create": p.sshKeyCreate,
		"ssh_key_delete": p.sshKeyDelete,
	}
	for id, h := range table {
		table[id] = p.fastapi(id, h)
	}
	return table
}
