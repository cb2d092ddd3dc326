package servers

import (
	"fmt"
	"net"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// executeBmcCommand answers POST /api/servers/{server}/bmc/executeCommand {command}: an
// ipmitool command run against the server's BMC, answered with ipmitool's text, made from the
// server's state.
//
// Understood: chassis status, [chassis] power status|on|off|cycle|reset|soft, chassis bootdev
// <device>, mc info, mc reset cold|warm, sdr [list], sensor [list], user list [channel] and
// user summary (the BMC's user slots, as the devices group's BMC user operations keep them)
// and lan print [channel] (the address of the server's IPMI connection). The power commands act
// as the power methods do (the power changes at once, the cached status follows). Anything
// else answers ipmitool's "Invalid command" text with status 200, as the panel passes the
// tool's output on.
//
// Decisions where the documentation is silent: only servers whose power provider is IPMI have
// a BMC to talk to (422 on command otherwise); end users may not run raw BMC commands (403),
// nor may a user the server is suspended for; power commands while a provisioning run is
// running are refused with 409; each command writes an activity entry (rootType
// serverPower, "Executed BMC command <command>").
func (g *group) executeBmcCommand(c echo.Context) error {
	var in struct {
		Command string `json:"command"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	cmd := strings.Join(strings.Fields(strings.ToLower(in.Command)), " ")
	who := tenantos.CallerOf(c)
	var out string
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, who.User, serverID(c))
		if err != nil {
			return err
		}
		if who.User.RoleID == tenantos.RoleUser || suspendedFor(who, s) {
			return apierr.Forbidden("This action is unauthorized.")
		}
		if s.PowerType != "ipmi" {
			return tenantos.Invalid("command", "The server has no IPMI connection to run the command on.")
		}
		text, method, params := g.ipmitool(s, cmd)
		if t, ok, err := g.ipmitoolState(tx, s, cmd); err != nil {
			return err
		} else if ok {
			text, method, params = t, "", ""
		}
		if method != "" {
			if s.Install != nil && s.Install.Running && changesPower(method) {
				return apierr.Conflict("The server is busy with a provisioning task.")
			}
			if err := g.applyPower(tx, s, method, params); err != nil {
				return err
			}
			s.Updated = tx.Now
			if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
				return err
			}
		}
		out = text
		return logServer(c, tx, s, "serverPower", "Executed BMC command "+cmd, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// ipmitool answers a command as ipmitool would for s; method is the power method it amounts
// to ("" for a read), with its params.
func (g *group) ipmitool(s *tenantos.Server, cmd string) (text, method, params string) {
	onOff := "off"
	if s.Power == "online" {
		onOff = "on"
	}
	w := strings.Fields(cmd)
	if len(w) > 0 && w[0] == "power" { // "power x" is short for "chassis power x"
		w = append([]string{"chassis"}, w...)
	}
	arg := func(i int) string {
		if i < len(w) {
			return w[i]
		}
		return ""
	}
	switch arg(0) {
	case "chassis":
		switch arg(1) {
		case "status":
			return chassisStatus(onOff), "", ""
		case "power":
			switch arg(2) {
			case "status":
				return "Chassis Power is " + onOff, "", ""
			case "on":
				return "Chassis Power Control: Up/On", "setPowerOn", ""
			case "off":
				return "Chassis Power Control: Down/Off", "setPowerOff", ""
			case "cycle":
				return "Chassis Power Control: Cycle", "setPowerCycle", ""
			case "reset":
				return "Chassis Power Control: Reset", "setPowerReset", ""
			case "soft":
				return "Chassis Power Control: Soft", "setPowerOff", ""
			}
			return "chassis power Commands: status, on, off, cycle, reset, diag, soft", "", ""
		case "bootdev":
			if tenantos.Contains(bootTypesIPMI, arg(2)) {
				return "Set Boot Device to " + arg(2), "setBootType", arg(2)
			}
			return "bootdev <device> [clear-cmos=yes|no]\nbootdev <device> [options=help,...]\n  none  : Do not change boot device order\n  pxe   : Force PXE boot\n  disk  : Force boot from default Hard-drive\n  safe  : Force boot from default Hard-drive, request Safe Mode\n  diag  : Force boot from Diagnostic Partition\n  cdrom : Force boot from CD/DVD\n  bios  : Force boot into BIOS Setup\n  floppy: Force boot from Floppy/primary removable media", "", ""
		}
		return "Invalid chassis command: " + arg(1), "", ""
	case "mc":
		switch arg(1) {
		case "info":
			return mcInfo, "", ""
		case "reset":
			if arg(2) == "cold" || arg(2) == "warm" {
				return "Sent " + arg(2) + " reset command to MC", "setBmcReset", ""
			}
			return "MC reset command: mc reset <warm|cold>", "", ""
		}
		return "Invalid mc command: " + arg(1), "", ""
	case "sdr", "sensor":
		if arg(1) == "" || arg(1) == "list" {
			return g.sensors(s), "", ""
		}
		return "Invalid " + arg(0) + " command: " + arg(1), "", ""
	}
	return "Invalid command: " + arg(0), "", ""
}

// chassisStatus is ipmitool's chassis status, the vendor's example with the power state.
func chassisStatus(onOff string) string {
	return "System Power         : " + onOff + "\nPower Overload       : false\nPower Interlock      : inactive\nMain Power Fault     : false\n" +
		"Power Control Fault  : false\nPower Restore Policy : always-off\nLast Power Event     : \nChassis Intrusion    : inactive\n" +
		"Front-Panel Lockout  : inactive\nDrive Fault          : false\nCooling/Fan Fault    : false"
}

const mcInfo = "Device ID                 : 32\nDevice Revision           : 1\nFirmware Revision         : 1.73\n" +
	"IPMI Version              : 2.0\nManufacturer ID           : 10876\nManufacturer Name         : Supermicro\n" +
	"Product ID                : 6929 (0x1b11)\nProduct Name              : Unknown (0x1B11)\nDevice Available          : yes\n" +
	"Provides Device SDRs      : no\nAdditional Device Support :\n    Sensor Device\n    SDR Repository Device\n    SEL Device\n" +
	"    FRU Inventory Device\n    IPMB Event Receiver\n    IPMB Event Generator\n    Chassis Device"

// sensors is ipmitool's sensor list: readings seeded by the server, none while it is off
// (the BMC still answers).
func (g *group) sensors(s *tenantos.Server) string {
	fk := g.p.Faker("bmc", s.ID)
	cpu, sys, fan := fk.IntRange(38, 62), fk.IntRange(26, 36), fk.IntRange(3, 7)*1000+fk.IntRange(0, 9)*100
	watts := fk.IntRange(90, 240)
	row := func(name, value, status string) string { return fmt.Sprintf("%-17s| %-18s| %s", name, value, status) }
	if s.Power != "online" {
		return strings.Join([]string{row("CPU Temp", "no reading", "ns"), row("System Temp", fmt.Sprintf("%d degrees C", sys-4), "ok"),
			row("FAN1", "no reading", "ns"), row("PS1 Input Power", "8 Watts", "ok")}, "\n")
	}
	return strings.Join([]string{row("CPU Temp", fmt.Sprintf("%d degrees C", cpu), "ok"), row("System Temp", fmt.Sprintf("%d degrees C", sys), "ok"),
		row("FAN1", fmt.Sprintf("%d RPM", fan), "ok"), row("PS1 Input Power", fmt.Sprintf("%d Watts", watts), "ok")}, "\n")
}

// ipmitoolState answers the commands that read the BMC's records rather than the server:
// user list, user summary and lan print; ok is false for any other command.
func (g *group) ipmitoolState(tx *tenantos.Tx, s *tenantos.Server, cmd string) (text string, ok bool, err error) {
	w := strings.Fields(cmd)
	if len(w) == 0 {
		return "", false, nil
	}
	switch w[0] {
	case "user":
		b, err := tenantos.BMCs.Get(tx, s.ID)
		if err != nil {
			return "Get User Access command failed (channel 1, user 1)", true, nil
		}
		sub := ""
		if len(w) > 1 {
			sub = w[1]
		}
		switch sub {
		case "list":
			return tenantos.IpmitoolUserList(b), true, nil
		case "summary":
			return tenantos.IpmitoolUserSummary(b), true, nil
		}
		return "User Commands:\n\t\tsummary      [<channel number>]\n\t\tlist         [<channel number>]", true, nil
	case "lan":
		if len(w) < 2 || w[1] != "print" {
			return "LAN Commands:\n\t\tprint [<channel number>]", true, nil
		}
		conn, err := tenantos.IPMIConnection(tx, s.ID)
		if err != nil {
			return "", false, err
		}
		addr := ""
		if conn != nil {
			addr = conn.MetaString("ip")
		}
		return lanPrint(addr, g.p.Faker("bmc-mac", s.ID).MacAddress()), true, nil
	}
	return "", false, nil
}

// lanPrint is ipmitool's lan print of a BMC at addr (a /24 with its .1 as gateway).
func lanPrint(addr, mac string) string {
	gw := "0.0.0.0"
	if ip := net.ParseIP(addr).To4(); ip != nil {
		gw = fmt.Sprintf("%d.%d.%d.1", ip[0], ip[1], ip[2])
	} else {
		addr = "0.0.0.0"
	}
	return "Set in Progress         : Set Complete\nAuth Type Support       : NONE MD2 MD5 PASSWORD\n" +
		"IP Address Source       : Static Address\nIP Address              : " + addr + "\n" +
		"Subnet Mask             : 255.255.255.0\nMAC Address             : " + strings.ToLower(mac) + "\n" +
		"SNMP Community String   : public\nDefault Gateway IP      : " + gw + "\n" +
		"802.1q VLAN ID          : Disabled\nRMCP+ Cipher Suites     : 1,2,3,6,7,8,11,12\n" +
		"Cipher Suite Priv Max   : XaaaXXaaaXXaaXX"
}
