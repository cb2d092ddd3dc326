package virtfusion_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

const bootSeconds = 10

func (e *env) remoteState(srv int64) string {
	e.t.Helper()
	return e.c.Do("GET", sp(srv, "?remoteState=true"), nil).Expect(e.t, 200).String("data", "remoteState", "state")
}

// TestSuspendPowersOff: suspending shuts a running server down at once; unsuspending boots it
// again (a queued boot) only when suspending is what stopped it. A server that was off, or not
// built, stays as it was; the same holds for a resource pack's servers.
func TestSuspendPowersOff(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	running := e.built(user)
	e.c.Do("POST", sp(running, "/suspend"), nil).Expect(t, 204)
	if st := e.remoteState(running); st != "shutoff" {
		t.Fatalf("suspended server is %s", st)
	}
	e.c.Do("POST", sp(running, "/power/boot"), nil).Expect(t, 423)
	e.c.Do("POST", sp(running, "/suspend"), nil).Expect(t, 204) // again: it stays off, and stays marked for a boot
	e.c.Do("POST", sp(running, "/unsuspend"), nil).Expect(t, 204)
	res := e.getServer(running)
	if res.Get("data", "suspended") != false || res.Get("data", "tasks", "active") != true {
		t.Fatalf("unsuspended: %v", res.Get("data", "tasks"))
	}
	q := e.c.Do("GET", fmt.Sprintf("/queue/%d", lastQueue(e, running)), nil).Expect(t, 200)
	if q.String("data", "action") != "boot_server" || q.Get("data", "finished") != nil {
		t.Fatalf("the boot after unsuspend: %v", q)
	}
	e.c.Do("POST", sp(running, "/power/shutdown"), nil).Expect(t, 423) // the boot runs
	e.advance(bootSeconds * time.Second)
	if st := e.remoteState(running); st != "running" {
		t.Fatalf("after unsuspend and boot: %s", st)
	}

	// Off before the suspension: off after it.
	e.c.Do("POST", sp(running, "/power/poweroff"), nil).Expect(t, 200)
	e.advance(5 * time.Second)
	queues := lastQueue(e, running)
	e.c.Do("POST", sp(running, "/suspend"), nil).Expect(t, 204)
	e.c.Do("POST", sp(running, "/unsuspend"), nil).Expect(t, 204)
	if st, active := e.remoteState(running), e.getServer(running).Get("data", "tasks", "active"); st != "shutoff" || active != false || lastQueue(e, running) != queues {
		t.Fatalf("a server that was off: %s, active %v", st, active)
	}

	// Not built: nothing to stop or boot.
	unbuilt := e.server(user, pkgS, groupDefault)
	e.c.Do("POST", sp(unbuilt, "/suspend"), nil).Expect(t, 204)
	e.c.Do("POST", sp(unbuilt, "/unsuspend"), nil).Expect(t, 204)
	if lastQueue(e, unbuilt) != 0 {
		t.Fatal("an unbuilt server got a queue item")
	}

	// A pack's servers: the same, together.
	pack := e.givePack(1, packThree)
	inPack := e.server(user, pkgS, groupDefault, "resourcePackId", pack)
	e.c.Do("POST", sp(inPack, "/build"), map[string]any{"operatingSystemId": tmplDebian12}).Expect(t, 200)
	e.advance(buildSeconds * time.Second)
	e.c.Do("POST", fmt.Sprintf("/selfService/resourcePackServers/%d/suspend", pack), nil).Expect(t, 204)
	if st := e.remoteState(inPack); st != "shutoff" {
		t.Fatalf("pack server suspended: %s", st)
	}
	e.c.Do("POST", fmt.Sprintf("/selfService/resourcePackServers/%d/unsuspend", pack), nil).Expect(t, 204)
	e.advance(bootSeconds * time.Second)
	if st := e.remoteState(inPack); st != "running" {
		t.Fatalf("pack server unsuspended: %s", st)
	}

	// A hypervisor in maintenance takes no boot: the server stays off.
	e.c.Do("POST", sp(inPack, "/suspend"), nil).Expect(t, 204)
	setMaintenance(t, e.s, e.getServer(inPack).Int("data", "hypervisorId"), true)
	e.c.Do("POST", sp(inPack, "/unsuspend"), nil).Expect(t, 204)
	if st, active := e.remoteState(inPack), e.getServer(inPack).Get("data", "tasks", "active"); st != "shutoff" || active != false {
		t.Fatalf("unsuspended in maintenance: %s, active %v", st, active)
	}
}

// TestRebuildClearsPendingActions: a rebuild takes the pending actions over (the list is empty
// in its answer and after), carries them out as steps of its queue item; a failed build leaves
// them pending.
func TestRebuildClearsPendingActions(t *testing.T) {
	e := newEnv(t)
	srv := e.built(e.user(1))
	e.c.Do("PUT", sp(srv, "/modify/memory"), map[string]any{"memory": 2048}).Expect(t, 201)
	e.c.Do("PUT", sp(srv, "/modify/cpuCores"), map[string]any{"cores": 2}).Expect(t, 201)
	if n := e.getServer(srv).Len("data", "tasks", "actions", "pending"); n != 2 {
		t.Fatalf("%d pending actions before the rebuild", n)
	}
	res := e.c.Do("POST", sp(srv, "/build"), map[string]any{"operatingSystemId": tmplDebian12}).Expect(t, 200)
	if n := res.Len("data", "tasks", "actions", "pending"); n != 0 {
		t.Fatalf("the rebuild answer lists %d pending actions", n)
	}
	if n := e.getServer(srv).Len("data", "tasks", "actions", "pending"); n != 0 {
		t.Fatalf("%d pending actions during the rebuild", n)
	}
	e.advance(buildSeconds * time.Second)
	res = e.getServer(srv)
	if res.Len("data", "tasks", "actions", "pending") != 0 || res.Int("data", "settings", "resources", "memory") != 2048 || res.Int("data", "cpu", "cores") != 2 {
		t.Fatalf("after the rebuild: %v", res.Get("data", "tasks"))
	}
	q := e.c.Do("GET", fmt.Sprintf("/queue/%d", lastQueue(e, srv)), nil).Expect(t, 200)
	var done []string
	for i := 0; i < q.Len("data", "primaryActions"); i++ {
		if q.String("data", "primaryActions", i, "type") == "server.pending.action" {
			done = append(done, q.String("data", "primaryActions", i, "data", "action"))
		}
	}
	if strings.Join(done, ",") != "Memory Update,CPU Cores Update" {
		t.Fatalf("the rebuild carried out %v", done)
	}

	// A build that fails does not carry them out: they are pending again.
	e.c.Do("PUT", sp(srv, "/modify/memory"), map[string]any{"memory": 1024}).Expect(t, 201)
	e.c.Activate(t, "virtfusion/build-fails")
	e.c.Do("POST", sp(srv, "/build"), map[string]any{"operatingSystemId": tmplDebian12}).Expect(t, 200)
	e.advance(buildSeconds * time.Second)
	res = e.getServer(srv)
	if res.String("data", "state") != "failed" || res.String("data", "tasks", "actions", "pending", 0, "action") != "Memory Update" {
		t.Fatalf("after a failed rebuild: %s, %v", res.String("data", "state"), res.Get("data", "tasks"))
	}
}

// TestPackageBackupPlanAndDiskLimits: packages carry a backup plan and disk I/O limits, as the
// vendor's package shows them; a new server takes them, a package change takes them when asked.
func TestPackageBackupPlanAndDiskLimits(t *testing.T) {
	e := newEnv(t)
	pk := e.c.Do("GET", fmt.Sprintf("/packages/%d", pkgL), nil).Expect(t, 200)
	if pk.Int("data", "backupPlanId") != 1 || pk.Int("data", "primaryStorageReadIopsSec") != 5000 || pk.Int("data", "primaryStorageWriteIopsSec") != 2500 ||
		pk.Get("data", "primaryStorageReadBytesSec") != nil || pk.Get("data", "primaryStorageWriteBytesSec") != nil {
		t.Fatalf("package L: %v", pk)
	}
	if pk := e.c.Do("GET", fmt.Sprintf("/packages/%d", pkgS), nil); pk.Int("data", "backupPlanId") != 0 || pk.Get("data", "primaryStorageReadIopsSec") != nil {
		t.Fatalf("package S: %v", pk)
	}
	user := e.user(1)
	srv := e.server(user, pkgL, groupDefault)
	check := func(plan any, iops, bytes string) {
		t.Helper()
		res := e.getServer(srv)
		got := fmt.Sprint(res.Get("data", "settings", "backupPlan"), " ", res.Get("data", "storage", 0, "iops"), " ", res.Get("data", "storage", 0, "bytes"))
		if want := fmt.Sprint(plan, " ", iops, " ", bytes); got != want {
			t.Fatalf("plan, iops, bytes: %s, want %s", got, want)
		}
	}
	check(1, "map[read:5000 write:2500]", "map[read:<nil> write:<nil>]")
	if name := e.getServer(srv).String("data", "backupPlan", "name"); name != "Daily (7 days)" {
		t.Fatalf("backup plan %q", name)
	}

	// To the Windows package: its plan and its byte limits, all flags by default.
	res := e.c.Do("PUT", sp(srv, fmt.Sprintf("/package/%d", pkgWindows)), nil).Expect(t, 200)
	for _, w := range []string{"backup plan", "IOPS", "bytes/sec"} {
		if strings.Contains(string(res.Body), w) {
			t.Fatalf("%s reported unchanged: %s", w, res.Body)
		}
	}
	check(2, "map[read:<nil> write:<nil>]", "map[read:524288000 write:262144000]")

	// Back to L, keeping the plan and the read limits.
	e.c.Do("PUT", sp(srv, fmt.Sprintf("/package/%d", pkgL)), map[string]any{"cpu": false, "memory": false, "backupPlan": false,
		"primaryDiskReadIOPS": false, "primaryDiskReadThroughput": false}).Expect(t, 200)
	check(2, "map[read:<nil> write:2500]", "map[read:524288000 write:<nil>]")
	// L with every flag: what already matches says so, the rest changes.
	res = e.c.Do("PUT", sp(srv, fmt.Sprintf("/package/%d", pkgL)), map[string]any{"cpu": false, "memory": false}).Expect(t, 200)
	for w, matched := range map[string]bool{"backup plan": false, "read IOPS": false, "write IOPS": true, "read bytes/sec": false, "write bytes/sec": true} {
		if strings.Contains(string(res.Body), w+" not updated. It matches the current value") != matched {
			t.Fatalf("%s matched %v? %s", w, !matched, res.Body)
		}
	}
	check(1, "map[read:5000 write:2500]", "map[read:<nil> write:<nil>]")
	res = e.c.Do("PUT", sp(srv, fmt.Sprintf("/package/%d", pkgL)), map[string]any{"cpu": false, "memory": false}).Expect(t, 200)
	for _, w := range []string{"backup plan", "read IOPS", "write IOPS", "read bytes/sec", "write bytes/sec"} {
		if !strings.Contains(string(res.Body), w+" not updated. It matches the current value") {
			t.Fatalf("%s not reported as matching: %s", w, res.Body)
		}
	}
}

// TestBuildQueueActions: the build's queue actions report what the hypervisor did, from the
// server's own records: its template's image, its addresses, its owner's key, its disk.
func TestBuildQueueActions(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	key := e.addKey(user, "laptop", keyEd25519)
	srv := e.server(user, pkgS, groupDefault, "ipv4", 2)
	e.c.Do("POST", sp(srv, "/build"), map[string]any{"operatingSystemId": tmplDebian12, "name": "Web One", "hostname": "web1.example.com",
		"sshKeys": []int64{key}}).Expect(t, 200)
	e.advance(buildSeconds * time.Second)
	s := e.getServer(srv)
	q := e.c.Do("GET", "/queue/1", nil).Expect(t, 200)
	action := func(i int, path ...any) any {
		return q.Get(append([]any{"data", "primaryActions", i, "data"}, path...)...)
	}
	image := "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2"
	uuid := s.String("data", "uuid")
	checks := []struct {
		name string
		got  any
		want string
	}{
		{"status version", action(0, "version"), "7.0.0"},
		{"image checked", action(2, "remote", "info", "url"), image},
		{"image checked from the hypervisor", action(2, "remote", "info", "local_ip"), s.String("data", "hypervisor", "ip")},
		{"image downloaded", action(3, "system", "data", 0, "destinationPath"), "/home/vf-data/os/template/debian-12-genericcloud-amd64.qcow2"},
		{"download check is PHP's JSON text", strings.Contains(fmt.Sprint(action(4, "remote")), `"sourceUrl": "https:\/\/cloud.debian.org`), "true"},
		{"addresses", fmt.Sprint(action(5, "network", "ethernets", "eth0", "addresses")), "[198.51.100.10/24 198.51.100.11/24]"},
		{"gateway", action(5, "network", "ethernets", "eth0", "gateway4"), "198.51.100.1"},
		{"resolvers", fmt.Sprint(action(5, "network", "ethernets", "eth0", "nameservers", "addresses")), "[1.1.1.1 8.8.8.8]"},
		{"mac", action(5, "network", "ethernets", "eth0", "match", "macaddress"), strings.ToLower(s.String("data", "network", "interfaces", 0, "mac"))},
		{"key", action(5, "user", "users", 0, "ssh-authorized-keys", 0), keyEd25519},
		{"no password login with a key", fmt.Sprint(action(5, "user", "ssh_pwauth")), "false"},
		{"instance id", action(5, "meta", "instance-id"), uuid},
		{"hostname", action(5, "meta", "local-hostname"), "web1.example.com"},
		{"disk resized to the package", fmt.Sprint(action(6, "system", "data", "forkData", "output", 0, "resizeProcess")),
			"[qemu-img resize -f qcow2 /home/vf-data/disk/" + uuid + "_1.img 25G]"},
		{"disk made", action(7, "remote", "resizeProcessOutput"), "Image resized.\n"},
		{"vnc closed", action(8, "system", "commandline", 0, "command"), fmt.Sprintf("'/usr/sbin/ufw' 'deny' '%d'", s.Int("data", "vnc", "port"))},
		{"domain created", action(9, "system", "commandline", 1, "command"), "'virsh' 'create' '/home/vf-data/server/" + uuid + "/server.xml'"},
		{"statistics", fmt.Sprint(action(10)), "[]"},
	}
	for _, c := range checks {
		if fmt.Sprint(c.got) != c.want {
			t.Errorf("%s: %v, want %s", c.name, c.got, c.want)
		}
	}

	// Without a key, root logs in with the password, of which cloud-init gets a hash.
	bare := e.server(user, pkgS, groupDefault)
	e.c.Do("POST", sp(bare, "/build"), map[string]any{"operatingSystemId": 3}).Expect(t, 200)
	e.advance(buildSeconds * time.Second)
	q = e.c.Do("GET", fmt.Sprintf("/queue/%d", lastQueue(e, bare)), nil).Expect(t, 200)
	if q.Get("data", "primaryActions", 5, "data", "user", "ssh_pwauth") != true ||
		!strings.HasPrefix(q.String("data", "primaryActions", 5, "data", "user", "users", 0, "hashed_passwd"), "$6$") ||
		q.String("data", "primaryActions", 2, "data", "remote", "info", "url") != "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img" {
		t.Fatalf("build without a key: %s", q.Body)
	}

	// A power action reports its virsh command.
	qid := e.c.Do("POST", sp(srv, "/power/shutdown"), nil).Expect(t, 200).Int("data", "queueId")
	e.advance(30 * time.Second)
	q = e.c.Do("GET", fmt.Sprintf("/queue/%d", qid), nil).Expect(t, 200)
	if q.String("data", "primaryActions", 0, "data", "system", "commandline", 0, "command") != "'virsh' 'shutdown' '"+uuid+"'" {
		t.Fatalf("shutdown: %s", q.Body)
	}
}

// TestBuildAnswerCloudInit: a new server's settings.config is [] (nothing installed); the build
// answer and the server from then on carry the cloud-init configuration, with every section
// the vendor's example has.
func TestBuildAnswerCloudInit(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	res := e.c.Do("POST", "/servers", map[string]any{"packageId": pkgS, "userId": user, "hypervisorId": groupDefault}).Expect(t, 201)
	if fmt.Sprint(res.Get("data", "settings", "config")) != "[]" {
		t.Fatalf("a new server's config: %v", res.Get("data", "settings", "config"))
	}
	srv := res.Int("data", "id")
	for _, res := range []*simtestResponse{
		e.c.Do("POST", sp(srv, "/build"), map[string]any{"operatingSystemId": tmplDebian12}).Expect(t, 200),
		e.getServer(srv),
	} {
		for _, section := range []string{"on.all", "on.password", "on.sshkey", "on.allpre", "on.allpost", "on.network", "on.network.libvirtrouted"} {
			if res.Get("data", "settings", "config", "cloud.init", section) == nil {
				t.Fatalf("settings.config.cloud.init has no %s: %v", section, res.Get("data", "settings", "config"))
			}
		}
	}
	ipFilter := e.getServer(srv).Get("data", "network", "interfaces", 0)
	if m := ipFilter.(map[string]any); m["ipFilter"] != true || m["ipFilterType"] != "4" {
		t.Fatalf("ip filter of an IPv4-only server: %v %v", m["ipFilter"], m["ipFilterType"])
	}
}
