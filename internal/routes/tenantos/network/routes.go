// Package network is the Tenantos operations on addresses: subnets, IP assignments of
// servers, the administrator's IP manager and reverse DNS.
//
// It builds on the core's IP model (tenantos.IP: one record per address, or IPv6 child
// network, the panel knows, with its assignment) and keeps, besides, the subnet settings the
// core's Subnet has no field for (VLAN automation, whether IPv4 IPs were generated) and the
// PTR records of addresses inside assigned networks. Decisions where the vendor is silent are
// written on each handler; in short:
//
//   - Refusals in the record's state are 409 (an IP another server has or that is reserved,
//     a subnet with assigned IPs, too few free IPs), as specs/tenantos.yaml says; bad input,
//     an IP outside the subnet or not on the server, is Laravel's 422 naming the field.
//   - Subnet changes, the IP manager and RDNS are the administrator's (403 for others).
//     Others see the subnets owned by users they manage and use them for their servers.
//   - IPv6 addresses and networks exist once used: created when assigned, forgotten when
//     released; IPv4 subnets up to /20 get their addresses generated with them.
//   - A split makes 256 child subnets or IPs at most.
package network

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// Routes is the group's route table: one handler per operation, named after it.
func Routes(p *tenantos.Provider) map[string]echo.HandlerFunc {
	return map[string]echo.HandlerFunc{
		// Subnet Management
		"listSubnets":               listSubnets(p),
		"createSubnet":              createSubnet(p),
		"getSubnet":                 getSubnet(p),
		"updateSubnet":              updateSubnet(p),
		"deleteSubnet":              deleteSubnet(p),
		"runSubnetChildsMassAction": runSubnetChildsMassAction(p),
		"listFreeIps":               listFreeIps(p),
		"splitSubnet":               splitSubnet(p),
		"getSubnetWithDetails":      getSubnetWithDetails(p),
		// Server IP Assignments
		"listIpAssignments":                  listIpAssignments(p),
		"createIpAssignment":                 createIpAssignment(p),
		"updateIpAssignment":                 updateIpAssignment(p),
		"deleteIpAssignment":                 deleteIpAssignment(p),
		"setDynamicIpAssignments":            setDynamicIpAssignments(p),
		"getAssignableIpsOfSubnet":           getAssignableIpsOfSubnet(p),
		"getAssignableSubnets":               getAssignableSubnets(p),
		"getIpAssignmentRdns":                getIpAssignmentRdns(p),
		"getVirtualizationAssignableSubnets": getVirtualizationAssignableSubnets(p),
		// IP Management
		"reserveIp":       reserveIp(p),
		"unreserveIp":     unreserveIp(p),
		"setIpComment":    setIpComment(p),
		"deleteIp":        deleteIp(p),
		"runIpMassAction": runIpMassAction(p),
		// Reverse DNS
		"getRdnsRecord":                   getRdnsRecord(p),
		"setRdnsRecord":                   setRdnsRecord(p),
		"deleteRdnsRecord":                deleteRdnsRecord(p),
		"listRdnsProviders":               listRdnsProviders(p),
		"createRdnsProvider":              createRdnsProvider(p),
		"getRdnsProvider":                 getRdnsProvider(p),
		"updateRdnsProvider":              updateRdnsProvider(p),
		"deleteRdnsProvider":              deleteRdnsProvider(p),
		"testRdnsProviderConnectivity":    testRdnsProviderConnectivity(p),
		"addRdnsProviderSubnetAssignment": addRdnsProviderSubnetAssignment(p),
		"configureRdnsProvider":           configureRdnsProvider(p),
		"getSubnetRdnsAssignment":         getSubnetRdnsAssignment(p),
		"createSubnetRdnsAssignment":      createSubnetRdnsAssignment(p),
		"deleteSubnetRdnsAssignment":      deleteSubnetRdnsAssignment(p),
	}
}
