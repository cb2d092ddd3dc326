package virtfusion

import (
	"encoding/json"
	"fmt"
	"net"
	"path"
	"strings"
	"time"

	"github.com/panelsim/panelsim/internal/state"
)

// What each action of a queue item reports in primaryActions[].data, shaped as the vendor's
// example of a build (GET /queue/{id}): the hypervisor's status and set options, the commands
// it ran (virsh, qemu-img, cloud-localds, ufw) with their exit codes, the template's download
// and conversion, and the cloud-init documents. The values come from the server, its template,
// hypervisor and addresses; process ids and timings are derived from the queue item, so that
// nothing is random. Each action's data is made when the action runs and stored with the item.

// panelVersion is the version the hypervisor agent reports (the vendor's example hides it).
const panelVersion = "7.0.0"

const shellPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// actionInputs are the facts of a server, its hypervisor and its network that the actions of
// a job report. A build keeps them once, when its first action runs (collQueueInputs), and
// GET /queue/{id} makes each of its actions' data from them and the action's own time and
// position: the same bytes as when the action ran, without writing them at every step.
type actionInputs struct {
	ServerID   int64   `json:"serverId"`
	UUID       string  `json:"uuid"`
	Name       string  `json:"name"`
	Hostname   *string `json:"hostname,omitempty"`
	Timezone   string  `json:"timezone"`
	TemplateID int64   `json:"templateId"`
	Storage    int     `json:"storage"`
	CustomXML  bool    `json:"customXml,omitempty"`
	VNCPort    int     `json:"vncPort"`
	Tag        int64   `json:"tag"`
	MAC        string  `json:"mac"`
	// Image is the template's cloud image ("" when the template names none).
	Image string `json:"image,omitempty"`
	// The hypervisor's.
	DataDir            string `json:"dataDir"`
	HypervisorIP       string `json:"hypervisorIp"`
	HypervisorTimezone string `json:"hypervisorTimezone"`
	// The cloud-init drive's (builds only): addresses with their prefix, the first block's
	// gateway and resolvers, the owner's chosen public keys.
	Addresses []string `json:"addresses,omitempty"`
	Gateway   string   `json:"gateway,omitempty"`
	Resolvers []string `json:"resolvers,omitempty"`
	Keys      []string `json:"keys,omitempty"`
}

// collQueueInputs holds the actionInputs of builds, keyed by queue item.
const collQueueInputs = "queueInputs"

// actionInputsOf reads the inputs of a job of server s; network adds what its cloud-init
// drive needs.
func actionInputsOf(tx *state.Tx, s *Server, image string, network bool) (*actionInputs, error) {
	var h Hypervisor
	if err := peek(tx, collHypervisors, s.HypervisorID, &h, errHypervisorNotFound); err != nil { // only read
		return nil, err
	}
	in := &actionInputs{ServerID: s.ID, UUID: s.UUID, Name: s.Name, Hostname: s.Hostname, Timezone: s.Timezone,
		TemplateID: s.OSTemplateID, Storage: s.Resources.Storage, CustomXML: s.CustomXML.anyEnabled(), VNCPort: s.VNCPort,
		Tag: s.Tag, MAC: s.MAC, Image: image, DataDir: h.DataDir, HypervisorIP: h.IP, HypervisorTimezone: h.Timezone}
	if !network {
		return in, nil
	}
	for i, v4 := range s.IPv4 {
		var b IPBlock
		if err := peek(tx, collIPBlocks, v4.BlockID, &b, errIPBlockNotFound); err != nil {
			return nil, err
		}
		if i == 0 {
			in.Gateway, in.Resolvers = b.Gateway, nonEmpty(b.resolver(0), b.resolver(1))
		}
		in.Addresses = append(in.Addresses, fmt.Sprintf("%s/%d", v4.Address, maskBits(b.Netmask)))
	}
	for _, id := range s.SSHKeys {
		var k SSHKey
		if err := tx.Coll(Name, collSSHKeys).Peek(state.ID(uint64(id)), &k); err == nil {
			in.Keys = append(in.Keys, k.Public)
		}
	}
	return in, nil
}

// actionContext is what one action of a job knows: the job's inputs, the queue item, when it
// runs and its position among the item's actions.
type actionContext struct {
	in   *actionInputs
	q    *QueueItem
	now  time.Time
	step int
}

// pid is a process id for the n-th command of the action.
func (a *actionContext) pid(n int) int64 { return 380000 + a.q.ID*137 + int64(a.step)*11 + int64(n) }

// started is a command's start time, as PHP's microtime(true).
func (a *actionContext) started(n int) float64 {
	return float64(a.now.UnixMicro())/1e6 + float64(n)*0.025
}

func (a *actionContext) serverDir() string { return a.in.DataDir + "/server/" + a.in.UUID }

func (a *actionContext) diskPath() string { return a.in.DataDir + "/disk/" + a.in.UUID + "_1.img" }

// image is the template's cloud image: where it comes from, where the hypervisor keeps it and
// its size.
func (a *actionContext) image() (url, local string, size int64) {
	url = "https://images.panelsim.test/template-" + fmt.Sprint(a.in.TemplateID) + ".qcow2"
	id := a.in.TemplateID
	if a.in.Image != "" {
		url = a.in.Image
	}
	base := strings.TrimSuffix(strings.TrimSuffix(path.Base(url), ".img"), ".qcow2")
	local = a.in.DataDir + "/os/template/" + base + ".qcow2"
	return url, local, 350_000_000 + id*41_943_040
}

// command is a command the agent ran, as its process runner reports it.
func (a *actionContext) command(n int, cmd string, exitOnZero bool, timeout, exit int, output, errText string) map[string]any {
	return map[string]any{"success": true, "exitOnZero": exitOnZero, "command": cmd, "exit_code": exit, "pid": a.pid(n),
		"started": a.started(n), "env": map[string]any{"PATH": shellPath}, "timeout": timeout, "output": output, "error": errText}
}

// shell is a plain shell command and its result.
func shell(cmd string, exit int, output string) map[string]any {
	return map[string]any{"command": cmd, "exit_code": exit, "output": output, "error": ""}
}

func quoteArgs(args ...string) string {
	out := make([]string, len(args))
	for i, s := range args {
		out[i] = "'" + s + "'"
	}
	return strings.Join(out, " ")
}

// system is the {"system":{…}} envelope of the agent's command actions.
func system(commandline []any, data any, withErrors bool) map[string]any {
	sys := map[string]any{"success": true}
	if withErrors {
		sys["errors"] = []any{}
	}
	sys["commandline"], sys["data"] = commandline, data
	return map[string]any{"system": sys}
}

// phpJSON encodes v as PHP's json_encode(…, JSON_PRETTY_PRINT) does: four spaces, slashes
// escaped.
func phpJSON(v any) string {
	raw, _ := json.MarshalIndent(v, "", "    ")
	return strings.ReplaceAll(string(raw), "/", `\/`)
}

// convertProcess and resizeProcess are the qemu-img commands that make the server's disk from
// the template's image.
func (a *actionContext) convertProcess() []any {
	_, local, _ := a.image()
	return []any{"qemu-img", "convert", "-f", "qcow2", "-O", "qcow2", local, a.diskPath()}
}

func (a *actionContext) resizeProcess() []any {
	return []any{"qemu-img", "resize", "-f", "qcow2", a.diskPath(), fmt.Sprintf("%dG", a.in.Storage)}
}

// buildActionData is the data of one action of a build (buildSteps), ready to store.
func (p *Provider) buildActionData(a *actionContext, kind string) any {
	url, local, size := a.image()
	unix := a.now.Unix()
	switch kind {
	case "server.get.status":
		return map[string]any{
			"success": true, "version": panelVersion,
			"setOpts": map[string]any{"failOnVersionCheck": true, "failOnDisasterRecovery": true, "createDirStructure": true,
				"writeXMLConfiguration": false, "failOnCustomXML": false, "failOnPriorityXML": false, "failOnElevateXML": true},
			"actions": map[string]any{"createDirStructure": map[string]any{"requested": true,
				"output": "server directory structure set. No action required", "msg": nil, "success": true}},
			"statusTree": map[string]any{"disasterRecoveryActive": false, "customXML": a.in.CustomXML,
				"priorityXML": false, "elevateXML": false},
		}
	case "server.config.dhcp":
		return system([]any{}, []any{}, false)
	case "server.os.template.exists":
		// The hypervisor asks the image's server for its size before it downloads it.
		f := p.Faker("image-host", a.in.TemplateID)
		total := 0.05 + float64(a.q.ID%20)/1000
		return map[string]any{"success": false, "remote": map[string]any{
			"info": map[string]any{
				"url": url, "content_type": "application/octet-stream", "http_code": 200, "header_size": 255, "request_size": 176,
				"filetime": -1, "ssl_verify_result": 20, "redirect_count": 0, "total_time": total, "namelookup_time": total / 4,
				"connect_time": total / 2, "pretransfer_time": total * 3 / 4, "size_upload": 0, "size_download": 0,
				"speed_download": 0, "speed_upload": 0, "download_content_length": size, "upload_content_length": 0,
				"starttransfer_time": total, "redirect_time": 0, "redirect_url": "", "primary_ip": f.IPv4Address(),
				"certinfo": []any{}, "primary_port": 443, "local_ip": a.in.HypervisorIP, "local_port": 30000 + a.q.ID%30000,
				"http_version": 2, "protocol": 2, "ssl_verifyresult": 0, "scheme": "HTTPS",
				"appconnect_time_us": int64(total * 3 / 4 * 1e6), "connect_time_us": int64(total / 2 * 1e6),
				"namelookup_time_us": int64(total / 4 * 1e6), "pretransfer_time_us": int64(total * 3 / 4 * 1e6),
				"redirect_time_us": 0, "starttransfer_time_us": int64(total * 1e6), "total_time_us": int64(total * 1e6),
				"effective_method": "HEAD",
			},
			"exitCode": 0, "error": nil, "completed": true,
		}}
	case "server.os.template.download":
		return system([]any{}, []any{map[string]any{
			"sourceUrl": url, "sourceDecompress": "", "destinationPath": local, "exitCode": nil, "pid": nil, "finished": false,
			"error": nil, "errorOutput": nil, "success": 0, "updated": unix,
		}}, true)
	case "server.os.template.download.check":
		remote := map[string]any{"sourceUrl": url, "sourceDecompress": "", "destinationPath": local, "exitCode": 0,
			"pid": a.pid(0), "finished": true, "error": nil, "errorOutput": nil, "success": true, "updated": unix,
			"decompressOutput": nil}
		return map[string]any{"success": true, "filesize": size, "remote": phpJSON(orderedJSON(remote,
			"sourceUrl", "sourceDecompress", "destinationPath", "exitCode", "pid", "finished", "error", "errorOutput",
			"success", "updated", "decompressOutput"))}
	case "server.create.ci":
		return p.cloudInitDocuments(a)
	case "server.disk.create.os":
		dir := a.serverDir()
		return system([]any{
			map[string]any{"result": a.command(0, quoteArgs("virsh", "destroy", a.in.UUID), false, 180, 1, "",
				"error: failed to get domain '"+a.in.UUID+"'")},
			shell(`qemu-img info '`+local+`' | grep -v grep | grep -w "file format:" | awk '{ print $3 }'`, 0, "qcow2"),
			shell(quoteArgs("cloud-localds", dir+"/cloud-drive.img", "--network-config="+dir+"/network-config-v2.yaml",
				dir+"/user-data.yaml", dir+"/meta-data.yaml"), 0, ""),
		}, map[string]any{
			"success": true,
			"forkData": map[string]any{"status": true, "errors": []any{}, "commandline": []any{}, "output": []any{map[string]any{
				"sourcePath": local, "destinationPath": a.diskPath(), "convertProcess": a.convertProcess(),
				"resizeProcess": a.resizeProcess(), "resizeProcessPid": nil, "convertProcessPid": nil, "finished": false,
				"convertProcessOutput": nil, "resizeProcessOutput": nil, "convertProcessExitCode": nil,
				"resizeProcessExitCode": nil, "convertProcessError": nil, "resizeProcessError": nil, "error": nil,
				"success": false, "updated": unix,
			}}},
			"abort": false, "error": nil, "errorException": nil,
		}, false)
	case "server.os.install.check":
		return map[string]any{"success": true, "sourceFilesize": size, "destinationFilesize": size*3 + int64(a.in.Storage)<<20,
			"remote": map[string]any{
				"sourcePath": local, "destinationPath": a.diskPath(), "convertProcess": a.convertProcess(),
				"resizeProcess": a.resizeProcess(), "resizeProcessPid": a.pid(2), "convertProcessPid": a.pid(1), "finished": true,
				"convertProcessOutput": "", "resizeProcessOutput": "Image resized.\n", "convertProcessExitCode": 0,
				"resizeProcessExitCode": 0, "convertProcessError": nil, "resizeProcessError": nil, "error": nil,
				"success": true, "updated": unix,
			}}
	case "server.vnc.disable", "server.vnc.enable":
		rule, out := "deny", "Skipping adding existing rule\nSkipping adding existing rule (v6)"
		if kind == "server.vnc.enable" {
			rule, out = "allow", "Rule added\nRule added (v6)"
		}
		return system([]any{shell(quoteArgs("/usr/sbin/ufw", rule, fmt.Sprint(a.in.VNCPort)), 0, out)}, []any{}, false)
	case "server.boot":
		return a.bootData(true)
	case "server.config.statistics":
		return []any{}
	}
	return map[string]any{"success": true}
}

// bootData is what booting the domain reports: the domain is looked up (absent), created from
// its XML, the cloud-init drive attached on a build, and the IP filters applied.
func (a *actionContext) bootData(cloudDrive bool) map[string]any {
	dir := a.serverDir()
	cmds := []any{
		a.command(0, quoteArgs("virsh", "-q", "domstate", a.in.UUID), false, 60, 1, "", "error: failed to get domain '"+a.in.UUID+"'"),
		a.command(1, quoteArgs("virsh", "create", dir+"/server.xml"), true, 360, 0,
			"Domain '"+a.in.UUID+"' created from "+dir+"/server.xml", ""),
	}
	if cloudDrive {
		cmds = append(cmds, map[string]any{"result": a.command(2, quoteArgs("virsh", "attach-disk", a.in.UUID, dir+"/cloud-drive.img",
			"sdx", "--mode", "readonly"), true, 60, 0, "Disk attached successfully", "")})
	}
	filter := fmt.Sprintf("%s/networkFilter-%d.xml", dir, a.in.Tag)
	sum := fmt.Sprintf("%040x", uint64(a.in.Tag)*2654435761+uint64(a.in.ServerID))
	return system(cmds, []any{[]any{map[string]any{
		"filter_list": nil, "filter_apply": nil, "filter_apply_success": true, "filter_apply_error": false,
		"filter_apply_error_trace": false, "filter_apply_cli": nil, "filter_apply_code": nil,
		"tmp_filter_1": filter, "tmp_filter_2": filter + "-tmp", "sha1": sum, "sha1_last": sum,
		// The primary interface filters its addresses; there is no secondary interface.
		"native": map[string]any{"primary": map[string]any{"sha1": sum, "sha1_last": sum}, "secondary": []any{}},
	}}}, true)
}

// powerActionData is what a power action reports: the virsh command it ran.
func (a *actionContext) powerActionData(action string) map[string]any {
	switch action {
	case "boot":
		return a.bootData(false)
	case "restart":
		return system([]any{a.command(0, quoteArgs("virsh", "reboot", a.in.UUID), true, 60, 0,
			"Domain '"+a.in.UUID+"' is being rebooted", "")}, []any{}, true)
	case "shutdown":
		return system([]any{a.command(0, quoteArgs("virsh", "shutdown", a.in.UUID), true, 60, 0,
			"Domain '"+a.in.UUID+"' is being shutdown", "")}, []any{}, true)
	default: // poweroff
		return system([]any{a.command(0, quoteArgs("virsh", "destroy", a.in.UUID), true, 60, 0,
			"Domain '"+a.in.UUID+"' destroyed", "")}, []any{}, true)
	}
}

// cloudInitDocuments are the network, user and meta documents of the server's cloud-init
// drive: its addresses, its owner's chosen SSH keys (or the root password), the commands of
// the cloud-init configuration.
func (p *Provider) cloudInitDocuments(a *actionContext) any {
	in := a.in
	eth := map[string]any{"match": map[string]any{"macaddress": strings.ToLower(in.MAC)}, "addresses": nonNil(in.Addresses),
		"gateway4": in.Gateway, "nameservers": map[string]any{"addresses": nonNil(in.Resolvers)},
		"routes": []any{map[string]any{"to": in.Gateway, "via": "0.0.0.0", "scope": "link"}}}
	root := map[string]any{"name": "root", "ssh-authorized-keys": nonNil(in.Keys), "hashed_passwd": "", "lock_passwd": true}
	if len(in.Keys) == 0 {
		// No key: root logs in with the build's password, of which cloud-init gets a hash.
		f := p.Faker("root-hash", a.q.ID)
		root["hashed_passwd"] = "$6$" + f.LetterN(16) + "$" + f.Password(true, true, true, false, false, 86)
		root["lock_passwd"] = false
	}
	host := in.Name
	if in.Hostname != nil && *in.Hostname != "" {
		host = *in.Hostname
	}
	timezone := in.Timezone
	if timezone == "" || timezone == "_default" {
		timezone = in.HypervisorTimezone
	}
	return map[string]any{
		"network": map[string]any{"version": 2, "ethernets": map[string]any{"eth0": eth}},
		"user": map[string]any{"timezone": timezone, "ssh_pwauth": len(in.Keys) == 0, "users": []any{root},
			"runcmd": cloudInitCommands},
		"meta": map[string]any{"instance-id": in.UUID, "local-hostname": strings.ToLower(strings.ReplaceAll(host, " ", "-"))},
	}
}

// cloudInitCommands are the commands every build runs once the guest is up (the cloud-init
// configuration's on.all).
var cloudInitCommands = []any{
	"DEBIAN_FRONTEND=noninteractive /usr/bin/apt-get --option=Dpkg::Options::=--force-confold --option=Dpkg::options::=--force-unsafe-io --assume-yes --quiet update",
	"DEBIAN_FRONTEND=noninteractive /usr/bin/apt-get --option=Dpkg::Options::=--force-confold --option=Dpkg::options::=--force-unsafe-io --assume-yes --quiet install qemu-guest-agent",
	"/usr/bin/systemctl enable qemu-guest-agent",
	"/usr/bin/systemctl start qemu-guest-agent",
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

// maskBits is the prefix length of a dotted netmask.
func maskBits(mask string) int {
	ip := net.ParseIP(mask).To4()
	if ip == nil {
		return 32
	}
	n, _ := net.IPMask(ip).Size()
	return n
}

// orderedJSON keeps the keys of m in the given order when encoded.
func orderedJSON(m map[string]any, keys ...string) json.Marshaler { return ordered{m, keys} }

type ordered struct {
	m    map[string]any
	keys []string
}

func (o ordered) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(o.m[k])
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}
