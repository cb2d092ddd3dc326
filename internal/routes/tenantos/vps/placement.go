package vps

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// Placement: which node of a provider a new VM goes on.
//
// A node is eligible when it is online, its name matches nodeMustMatchRegex and not
// nodeMustNotMatchRegex, it runs fewer VMs than vmMaxAmount (and than vmMaxAmountPerCore ×
// its cores), its CPU is at least cpuRequireIdlePercentage idle, it has the VM's memory free
// after keeping ramReserveFreeAmount % of its memory free, and each storage the VM's disks
// go on has their size free after keeping storageReserveFreeAmount % of it free. A VM never
// gets more vCPUs than the node has cores.
//
// Among eligible nodes the best score wins (ties: the first node). The score weighs, by the
// plan's priorities, four figures between 0 and 1: the CPU's idle share, the share of memory
// left free after the VM, the share of its storage left free after the VM (the tightest of
// the storages it uses) and 1/(1 + VMs on the node).
//
// A plan pinned to a node (planconfig.node) goes there when the VM fits in what the node has
// free, without reserves, regexes or VM limits.

// neutralBalancer is used when the panel has no balancer plan at all.
var neutralBalancer = tenantos.BalancerPlan{Name: "default", CPUPriority: 1, StoragePriority: 1, RAMPriority: 1, VMCountPriority: 1}

// nodeEval is how one node fares for a VM: testBalancerConfiguration's nodes[] entry.
type nodeEval struct {
	Node              string           `json:"node"`
	Eligible          bool             `json:"eligible"`
	Reasons           []string         `json:"reasons"`
	Score             *float64         `json:"score"`
	CPUIdlePercentage float64          `json:"cpuIdlePercentage"`
	FreeMemoryMB      int64            `json:"freeMemoryMb"`
	FreeStorageGB     map[string]int64 `json:"freeStorageGb"`
	VMs               int              `json:"vms"`
}

// phpRegex compiles a PHP (PCRE) pattern with its delimiters ("/^node[0-9]+$/i"); a pattern
// without delimiters is taken as is. "" is no pattern.
func phpRegex(s string) (*regexp.Regexp, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	d := s[0]
	if len(s) >= 2 && !(d >= 'a' && d <= 'z' || d >= 'A' && d <= 'Z' || d >= '0' && d <= '9' || d == '\\' || d == ' ') {
		closing := d
		switch d {
		case '(':
			closing = ')'
		case '{':
			closing = '}'
		case '[':
			closing = ']'
		case '<':
			closing = '>'
		}
		end := strings.LastIndexByte(s, closing)
		if end <= 0 {
			return nil, fmt.Errorf("no ending delimiter %q", closing)
		}
		pattern, flags := s[1:end], s[end+1:]
		prefix := ""
		for _, f := range flags {
			switch f {
			case 'i', 'm', 's', 'U':
				prefix += string(f)
			case 'u', 'D', 'x', 'A', 'S', 'X', 'J', 'n':
				// Go's RE2 is always UTF-8 aware; the others change nothing it can tell.
			default:
				return nil, fmt.Errorf("unknown modifier %q", f)
			}
		}
		if prefix != "" {
			pattern = "(?" + prefix + ")" + pattern
		}
		return regexp.Compile(pattern)
	}
	return regexp.Compile(s)
}

// checkRegex refuses a pattern that does not compile, naming the field.
func checkRegex(field string, s *string) error {
	if s == nil {
		return nil
	}
	if _, err := phpRegex(*s); err != nil {
		return tenantos.Invalidf(field, "The %s field must be a valid regular expression (%v).", field, err)
	}
	return nil
}

func pctOf(total int64, pct float64) int64 { return int64(math.Ceil(float64(total) * pct / 100)) }

// evalNode weighs one node for a VM that needs nd; hard leaves out the balancer's rules
// (reserves, regexes, limits, CPU idle): a node a plan is pinned to.
func evalNode(n *tenantos.Node, bp *tenantos.BalancerPlan, nd need, hard bool, must, mustNot *regexp.Regexp) nodeEval {
	e := nodeEval{Node: n.Name, Reasons: []string{}, VMs: n.VMs, FreeStorageGB: map[string]int64{},
		CPUIdlePercentage: round((1-cpuUtil(n))*100, 2), FreeMemoryMB: freeMemMB(n)}
	no := func(format string, a ...any) { e.Reasons = append(e.Reasons, fmt.Sprintf(format, a...)) }
	for i := range n.Storages {
		st := &n.Storages[i]
		e.FreeStorageGB[st.Name] = max(0, st.TotalGB-st.UsedGB)
	}
	if n.Status != "online" {
		no("the node is %s", n.Status)
	}
	if nd.Cores > n.CPUCores {
		no("the VM's %d vCPUs are more than the node's %d CPU cores", nd.Cores, n.CPUCores)
	}
	if !hard {
		if must != nil && !must.MatchString(n.Name) {
			no("the name does not match nodeMustMatchRegex %s", deref(bp.NodeMustMatchRegex))
		}
		if mustNot != nil && mustNot.MatchString(n.Name) {
			no("the name matches nodeMustNotMatchRegex %s", deref(bp.NodeMustNotMatchRegex))
		}
		if bp.VMMaxAmount != nil && int64(n.VMs) >= *bp.VMMaxAmount {
			no("the node runs %d VMs, vmMaxAmount is %d", n.VMs, *bp.VMMaxAmount)
		}
		if bp.VMMaxAmountPerCore != nil && float64(n.VMs) >= *bp.VMMaxAmountPerCore*float64(n.CPUCores) {
			no("the node runs %d VMs, vmMaxAmountPerCore %g allows %g on %d cores", n.VMs, *bp.VMMaxAmountPerCore,
				*bp.VMMaxAmountPerCore*float64(n.CPUCores), n.CPUCores)
		}
		if e.CPUIdlePercentage < bp.CPURequireIdlePercentage {
			no("the CPU is %.2f %% idle, cpuRequireIdlePercentage is %g %%", e.CPUIdlePercentage, bp.CPURequireIdlePercentage)
		}
	}
	ramPct, stoPct := bp.RAMReserveFreeAmount, bp.StorageReserveFreeAmount
	if hard {
		ramPct, stoPct = 0, 0
	}
	memLeft := e.FreeMemoryMB - pctOf(n.MemoryMB, ramPct) - nd.MemoryMB
	if memLeft < 0 {
		no("not enough free memory: %d MB free%s, %d MB needed", e.FreeMemoryMB, reserveText(pctOf(n.MemoryMB, ramPct), ramPct, "MB"), nd.MemoryMB)
	}
	stoScore, scored := 1.0, false
	names := make([]string, 0, len(nd.Disks))
	for name := range nd.Disks {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		gb := nd.Disks[name]
		var st *tenantos.Storage
		if name == "" { // any storage: the one with the most room
			for i := range n.Storages {
				c := &n.Storages[i]
				if st == nil || c.TotalGB-c.UsedGB-pctOf(c.TotalGB, stoPct) > st.TotalGB-st.UsedGB-pctOf(st.TotalGB, stoPct) {
					st = c
				}
			}
		} else {
			st = storageOf(n, name)
		}
		if st == nil {
			if name == "" {
				no("the node has no storage")
			} else {
				no("the node has no storage %s", name)
			}
			continue
		}
		free, reserve := max(0, st.TotalGB-st.UsedGB), pctOf(st.TotalGB, stoPct)
		left := free - reserve - gb
		if left < 0 {
			no("not enough free space on storage %s: %d GB free%s, %d GB needed", st.Name, free, reserveText(reserve, stoPct, "GB"), gb)
			continue
		}
		if st.TotalGB > 0 {
			stoScore, scored = math.Min(stoScore, float64(left)/float64(st.TotalGB)), true
		}
	}
	if !scored {
		stoScore = 0
		for i := range n.Storages {
			if st := &n.Storages[i]; st.TotalGB > 0 {
				stoScore = math.Max(stoScore, float64(st.TotalGB-st.UsedGB)/float64(st.TotalGB))
			}
		}
	}
	if len(e.Reasons) > 0 {
		return e
	}
	e.Eligible = true
	ram := 0.0
	if n.MemoryMB > 0 {
		ram = float64(memLeft) / float64(n.MemoryMB)
	}
	terms := []struct{ prio, val float64 }{
		{bp.CPUPriority, e.CPUIdlePercentage / 100}, {bp.RAMPriority, ram}, {bp.StoragePriority, stoScore},
		{bp.VMCountPriority, 1 / float64(1+n.VMs)},
	}
	var sum, weights float64
	for _, t := range terms {
		sum += t.prio * t.val
		weights += t.prio
	}
	score := 0.0
	if weights > 0 {
		score = round(sum/weights, 6)
	}
	e.Score = &score
	return e
}

func reserveText(reserve int64, pct float64, unit string) string {
	if reserve <= 0 {
		return ""
	}
	return fmt.Sprintf(" (%d %s of them kept free by the %s %% reserve)", reserve, unit, strconv.FormatFloat(pct, 'f', -1, 64))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// place weighs every node of a provider for a VM; it returns the evaluations and the index
// of the chosen node (-1: none fits). pinned, when not "", is the only node considered.
func place(ep *tenantos.ExternalProvider, bp *tenantos.BalancerPlan, nd need, pinned string) ([]nodeEval, int) {
	evals := []nodeEval{}
	if pinned != "" {
		n := nodeOf(ep, pinned)
		if n == nil {
			return []nodeEval{{Node: pinned, Reasons: []string{"the provider has no such node"}, FreeStorageGB: map[string]int64{}}}, -1
		}
		e := evalNode(n, bp, nd, true, nil, nil)
		if e.Eligible {
			return []nodeEval{e}, 0
		}
		return []nodeEval{e}, -1
	}
	must, _ := phpRegex(deref(bp.NodeMustMatchRegex))
	mustNot, _ := phpRegex(deref(bp.NodeMustNotMatchRegex))
	best := -1
	for i := range ep.Nodes {
		e := evalNode(&ep.Nodes[i], bp, nd, false, must, mustNot)
		evals = append(evals, e)
		if e.Eligible && (best < 0 || *e.Score > *evals[best].Score) {
			best = i
		}
	}
	return evals, best
}

// balancerRef reads a planconfig.node that names a balancer plan: "balancer_3",
// "balancer:3", "balancerplan_3".
var balancerRefRE = regexp.MustCompile(`(?i)^balancer(?:plan)?[_:\-]?(\d+)$`)

func balancerRef(node string) (int64, bool) {
	m := balancerRefRE.FindStringSubmatch(strings.TrimSpace(node))
	if m == nil {
		return 0, false
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	return id, err == nil
}

// planPlacement says how a plan's VMs are placed: the balancer plan and, when the plan is
// pinned to a node, that node.
func planPlacement(tx *tenantos.Tx, plan *tenantos.VpsPlan, pc config) (*tenantos.BalancerPlan, string, error) {
	node := pc.node()
	if id, ok := balancerRef(node); ok {
		bp, err := tenantos.BalancerPlans.Get(tx, id)
		if err != nil {
			return nil, "", tenantos.Invalidf("vpsplan", "The plan's balancer plan %d does not exist.", id)
		}
		return bp, "", nil
	}
	if node != "" {
		return &neutralBalancer, node, nil
	}
	if plan.BalancerPlanID != nil {
		if bp, err := tenantos.BalancerPlans.Get(tx, *plan.BalancerPlanID); err == nil {
			return bp, "", nil
		}
	}
	var first *tenantos.BalancerPlan
	err := tenantos.BalancerPlans.Each(tx, func(bp *tenantos.BalancerPlan) error {
		if first == nil {
			first = bp
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	if first != nil {
		return first, "", nil
	}
	return &neutralBalancer, "", nil
}

// refusal words why no node takes a VM.
func refusal(ep *tenantos.ExternalProvider, plan string, evals []nodeEval) error {
	if len(evals) == 0 {
		return tenantos.Invalidf("vpsplan", "No node of the provider %s has room for the plan %s: the provider has no nodes.", ep.Name, plan)
	}
	parts := make([]string, 0, len(evals))
	for _, e := range evals {
		parts = append(parts, e.Node+": "+strings.Join(e.Reasons, ", "))
	}
	return tenantos.Invalidf("vpsplan", "No node of the provider %s has room for the plan %s (%s).", ep.Name, plan, strings.Join(parts, "; "))
}
