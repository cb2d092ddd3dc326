package vps

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// config is a plan's planconfig decoded: JSON objects, arrays, strings, float64 numbers and
// booleans, as the client sent them. Tenantos writes numbers as strings in places ("memory":
// "1024", "cores": "4"), so every number is read through num, which takes both.
type config map[string]any

// decodeConfig reads a stored planconfig; anything but an object is an empty one (PHP's []).
func decodeConfig(raw json.RawMessage) config {
	var m map[string]any
	if len(raw) > 0 && json.Unmarshal(raw, &m) == nil && m != nil {
		return m
	}
	return config{}
}

// copyConfig is a deep copy (through JSON) of a configuration.
func copyConfig(c config) config {
	raw, _ := json.Marshal(c)
	return decodeConfig(raw)
}

// get walks the configuration by keys; nil when a key is missing.
func (c config) get(path ...string) any {
	var v any = map[string]any(c)
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// num reads a number, a numeric string or a boolean (1/0).
func num(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// intOf reads a whole number (fractions are cut), def when v is not a number.
func intOf(v any, def int) int {
	if f, ok := num(v); ok {
		return int(f)
	}
	return def
}

// truthy reads a flag as PHP does: true, 1, "1", "true", "on", "yes".
func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "1", "true", "on", "yes":
			return true
		}
		return false
	}
	f, ok := num(v)
	return ok && f != 0
}

// text reads a string; numbers are written as PHP would.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		if x {
			return "1"
		}
		return ""
	case nil:
		return ""
	}
	if f, ok := num(v); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return ""
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The resources a plan gives a VM.
func (c config) memoryMB() int    { return intOf(c.get("memory"), 0) }
func (c config) memoryMinMB() int { return intOf(c.get("memory_min"), 0) }
func (c config) cores() int       { return intOf(c.get("cores"), 0) }
func (c config) ballooning() bool { return truthy(c.get("memory_ballooning")) }
func (c config) node() string     { return strings.TrimSpace(text(c.get("node"))) }

// sockets is the plan's CPU sockets, 1 when not set.
func (c config) sockets() int {
	if n := intOf(c.get("sockets"), 0); n > 0 {
		return n
	}
	return 1
}

// cpuUnits is the plan's CPU weight as the VM's configuration writes it ("" when unset).
func (c config) cpuUnits() string { return text(c.get("cpu_units")) }

// cpuLimit is the plan's CPU limit ("0": none).
func (c config) cpuLimit() string {
	for _, k := range []string{"cpulimit", "cpu_limit"} {
		if s := text(c.get(k)); s != "" {
			return s
		}
	}
	return "0"
}

// startVMID is the first VM id the plan's VMs take (Proxmox ids start at 100).
func (c config) startVMID() int64 {
	if n := intOf(c.get("startVmid"), 0); n >= 100 {
		return int64(n)
	}
	return 100
}

// planDisk is one disk of a plan.
type planDisk struct {
	Key     string // disk0
	SizeGB  int
	Storage string
	Format  string
}

// disks lists the plan's disks in key order (disk0, disk1, …, disk10).
func (c config) disks() []planDisk {
	m, _ := c.get("disks").(map[string]any)
	var out []planDisk
	for k, v := range m {
		d, _ := v.(map[string]any)
		if d == nil {
			continue
		}
		pd := planDisk{Key: k, SizeGB: intOf(d["disk_size"], 0), Storage: text(d["storage"]), Format: text(d["disk_format"])}
		if pd.Storage == "" {
			pd.Storage = "local"
		}
		if pd.Format == "" {
			pd.Format = "qcow2"
		}
		out = append(out, pd)
	}
	sort.Slice(out, func(i, j int) bool { return naturalLess(out[i].Key, out[j].Key) })
	return out
}

// naturalLess orders disk0 < disk2 < disk10.
func naturalLess(a, b string) bool {
	ta, na := splitNum(a)
	tb, nb := splitNum(b)
	if ta != tb {
		return ta < tb
	}
	return na < nb
}

func splitNum(s string) (string, int) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n, _ := strconv.Atoi(s[i:])
	return s[:i], n
}

// planIface is one network interface of a plan: the subnets its IPv4 addresses come from.
type planIface struct {
	Key        string
	Subnets    []int64
	AmountIPv4 int
}

// ifaces lists the plan's interfaces in key order.
func (c config) ifaces() []planIface {
	m, _ := c.get("ifaces").(map[string]any)
	var out []planIface
	for k, v := range m {
		d, _ := v.(map[string]any)
		if d == nil {
			continue
		}
		pi := planIface{Key: k, AmountIPv4: intOf(d["amount_ipv4"], 0)}
		switch subs := d["subnets"].(type) {
		case []any:
			for _, s := range subs {
				if n := intOf(s, 0); n > 0 {
					pi.Subnets = append(pi.Subnets, int64(n))
				}
			}
		default:
			if n := intOf(subs, 0); n > 0 {
				pi.Subnets = append(pi.Subnets, int64(n))
			}
		}
		out = append(out, pi)
	}
	sort.Slice(out, func(i, j int) bool { return naturalLess(out[i].Key, out[j].Key) })
	return out
}

// need is what a VM takes of a node: memory, CPU cores and disk space per storage.
type need struct {
	MemoryMB int64
	Cores    int
	Disks    map[string]int64 // storage name → GB
}

func (n need) diskGB() int64 {
	var t int64
	for _, gb := range n.Disks {
		t += gb
	}
	return t
}

// needOf is what a VM made from a configuration takes.
func needOf(c config) need {
	n := need{MemoryMB: int64(c.memoryMB()), Cores: c.cores() * c.sockets(), Disks: map[string]int64{}}
	for _, d := range c.disks() {
		n.Disks[d.Storage] += int64(d.SizeGB)
	}
	return n
}

// checkResources refuses a configuration a VM cannot be made from; field names the request
// field the refusal is reported on.
func checkResources(c config, field string) error {
	switch {
	case c.memoryMB() <= 0:
		return tenantos.Invalidf(field, "The %s needs a memory size in MB (planconfig.memory).", what(field))
	case c.cores() <= 0:
		return tenantos.Invalidf(field, "The %s needs a number of CPU cores (planconfig.cores).", what(field))
	}
	disks := c.disks()
	if len(disks) == 0 {
		return tenantos.Invalidf(field, "The %s needs at least one disk (planconfig.disks).", what(field))
	}
	for _, d := range disks {
		if d.SizeGB <= 0 {
			return tenantos.Invalidf(field, "The %s's disk %s needs a size in GB (disk_size).", what(field), d.Key)
		}
	}
	return nil
}

func what(field string) string {
	if field == "planconfig" {
		return "plan"
	}
	return "VPS plan"
}

// applyOverrides returns the configuration with a VM's overrideVpsResources applied: keys are
// dotted paths into planconfig ("cores", "disks.disk0.disk_size", optionally prefixed
// "vps." as WHMCS' configurable options write them), or nested objects merged in.
func applyOverrides(c config, overrides map[string]any) config {
	out := copyConfig(c)
	for k, v := range overrides {
		path := strings.Split(strings.TrimPrefix(k, "vps."), ".")
		setPath(out, path, v)
	}
	return out
}

func setPath(m map[string]any, path []string, v any) {
	for i, k := range path {
		if i == len(path)-1 {
			if sub, ok := v.(map[string]any); ok {
				if cur, ok := m[k].(map[string]any); ok {
					for sk, sv := range sub {
						setPath(cur, []string{sk}, sv)
					}
					return
				}
			}
			m[k] = v
			return
		}
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
}

// The shapes a plan's configuration is shown in. The contract (specs/tenantos.yaml) closes
// planconfig and types each known key; the stored configuration keeps what the client sent,
// and the view writes each documented key in its documented type ("cores": 4 as "4",
// "cpu_units": "1024" as 1024) and leaves out keys the contract does not know.
type kind int

const (
	kStr kind = iota
	kInt
	kBool
	kStrs
	kOpen
)

type shape map[string]any // key → kind or shape

var (
	backupShape   = shape{"enabled": kInt, "availableBackupStorages": kStrs, "defaultBackupStorage": kOpen, "defaultBackupMode": kOpen, "defaultBackupCompression": kOpen, "maxBackups": kStr}
	snapshotShape = shape{"enabled": kBool, "maxSnapshots": kOpen}
	configShape   = shape{
		"bios": kStr, "display": kStr, "machine": kStr, "scsi_controller": kStr, "qemu_version": kStr, "os_type": kStr,
		"ifaces": kOpen, "disks": kOpen, "cpu_type": kStr, "cpu_flags": kStrs, "cpu_units": kInt, "memory_ballooning": kInt,
		"features": shape{"enable_console_access": kInt, "enable_power_control": kInt, "auto_sync_hw": kInt},
		"firewall": shape{"policy_in": kStr, "policy_out": kStr},
		"agent":    shape{"pxeAgent": kInt, "pxe_iface": kStr, "dhcpAgent": kInt},
		"sockets":  kStr, "cores": kStr, "memory": kStr, "memory_min": kStr, "node": kStr, "startVmid": kStr,
		"additionalHardware": kOpen, "backup": backupShape, "snapshot": snapshotShape,
	}
)

// conform writes v in the shape s wants; false when it cannot be (the key is left out).
func conform(v any, s any) (any, bool) {
	if v == nil {
		return nil, s == kOpen
	}
	switch k := s.(type) {
	case shape:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		out := map[string]any{}
		for key, sub := range k {
			if x, present := m[key]; present {
				if c, ok := conform(x, sub); ok {
					out[key] = c
				}
			}
		}
		return out, true
	case kind:
		switch k {
		case kOpen:
			return v, true
		case kStr:
			switch v.(type) {
			case map[string]any, []any:
				return nil, false
			}
			return text(v), true
		case kInt:
			f, ok := num(v)
			return int64(f), ok
		case kBool:
			switch x := v.(type) {
			case bool:
				return x, true
			case string, float64:
				return truthy(x), true
			}
			return nil, false
		case kStrs:
			arr, ok := v.([]any)
			if !ok {
				return nil, false
			}
			out := make([]string, 0, len(arr))
			for _, e := range arr {
				if c, ok := conform(e, kStr); ok {
					out = append(out, c.(string))
				}
			}
			return out, true
		}
	}
	return nil, false
}

// conformRaw is conform for a stored JSON block; nil when it is absent or does not fit.
func conformRaw(raw json.RawMessage, s shape) any {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	if c, ok := conform(v, s); ok {
		return c
	}
	return nil
}

// rawOpen is a stored free-form block as is; nil when absent.
func rawOpen(raw json.RawMessage) any {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return raw
}

// settings is what a plan's backup and snapshot blocks say: planconfig.backup (or
// .snapshot) when the plan has one, else the plan's own top-level block. A limit that is
// missing, empty or 0 while the feature is enabled means no limit.
type settings struct {
	Enabled                  bool
	Max                      int
	Unlimited                bool
	Storages                 []string
	DefaultStorage           string
	DefaultMode, Compression string
}

func block(p *tenantos.VpsPlan, key string, top json.RawMessage) map[string]any {
	if m, ok := decodeConfig(p.Config).get(key).(map[string]any); ok {
		return m
	}
	var m map[string]any
	if len(top) > 0 {
		_ = json.Unmarshal(top, &m)
	}
	return m
}

// backupSettings reads a plan's backup block.
func backupSettings(p *tenantos.VpsPlan) settings {
	if p == nil {
		return settings{}
	}
	b := block(p, "backup", p.Backup)
	s := settings{Enabled: truthy(b["enabled"]), Max: intOf(b["maxBackups"], 0), DefaultMode: text(b["defaultBackupMode"]),
		Compression: text(b["defaultBackupCompression"]), DefaultStorage: text(b["defaultBackupStorage"])}
	if arr, ok := b["availableBackupStorages"].([]any); ok {
		for _, e := range arr {
			if st := text(e); st != "" && !tenantos.Contains(s.Storages, st) {
				s.Storages = append(s.Storages, st)
			}
		}
	}
	if len(s.Storages) == 0 {
		s.Storages = []string{"local"}
	}
	if s.DefaultStorage == "" || !tenantos.Contains(s.Storages, s.DefaultStorage) {
		s.DefaultStorage = s.Storages[0]
	}
	if !tenantos.Contains(backupModes, s.DefaultMode) {
		s.DefaultMode = backupModes[0]
	}
	if !tenantos.Contains(backupCompressions, s.Compression) {
		s.Compression = backupCompressions[0]
	}
	s.Unlimited = s.Enabled && s.Max <= 0
	if s.Max < 0 {
		s.Max = 0
	}
	return s
}

// snapshotSettings reads a plan's snapshot block.
func snapshotSettings(p *tenantos.VpsPlan) settings {
	if p == nil {
		return settings{}
	}
	b := block(p, "snapshot", p.Snapshot)
	s := settings{Enabled: truthy(b["enabled"]), Max: intOf(b["maxSnapshots"], 0)}
	s.Unlimited = s.Enabled && s.Max <= 0
	if s.Max < 0 {
		s.Max = 0
	}
	return s
}
