package openscaler

import "github.com/labstack/echo/v4"

// Handlers is the route table: one handler per operationId of specs/openscaler.yaml. Paths
// and methods come from the document. The four operations the vendor documents keep their
// documented ids (core_vm_list, core_vm_create, core_vm_info, vm_run_action); the others
// follow their pattern.
func (p *Provider) Handlers() map[string]echo.HandlerFunc {
	return map[string]echo.HandlerFunc{
		"core_vm_list":   p.coreVMList,
		"core_vm_create": p.coreVMCreate,
		"core_vm_info":   p.coreVMInfo,
		"core_vm_delete": p.coreVMDelete,
		"vm_run_action":  p.vmRunAction,

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
}
