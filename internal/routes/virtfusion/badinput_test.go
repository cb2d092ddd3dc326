package virtfusion_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestBadInput: every malformed request gets a clear error in VirtFusion's shape, and none
// of them leaves anything behind.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	srv := e.server(user, pkgS, groupDefault)
	memBefore, freeBefore, countBefore := e.groupAlloc(groupDefault, "memory"), e.freeIPv4(groupDefault), e.serverCount()
	valid := fmt.Sprintf(`{"packageId":%d,"userId":%d,"hypervisorId":%d}`, pkgS, user, groupDefault)
	tests := []struct {
		name     string
		method   string
		path     string
		body     any
		hdr      []string
		status   int
		contains string // in the body
	}{
		{"malformed JSON reads as no fields", "POST", "/servers", `{"packageId": 1,`, nil, 422, "The package id field is required."},
		{"empty body", "POST", "/servers", "", nil, 422, "The user id field is required."},
		{"PHP empty array body", "POST", "/servers", "[]", nil, 422, "The hypervisor id field is required."},
		{"JSON that is not an object", "POST", "/servers", `"packageId"`, nil, 422, "The package id field is required."},
		{"word for an integer", "POST", "/servers", fmt.Sprintf(`{"packageId":"abc","userId":%d,"hypervisorId":1}`, user), nil, 422, "The package id field must be an integer."},
		{"float for an integer", "POST", "/servers", fmt.Sprintf(`{"packageId":1.5,"userId":%d,"hypervisorId":1}`, user), nil, 422, "The package id field must be an integer."},
		{"object for an integer", "POST", "/servers", fmt.Sprintf(`{"packageId":{},"userId":%d,"hypervisorId":1}`, user), nil, 422, "The package id field must be an integer."},
		{"word for a boolean", "POST", "/servers/" + fmt.Sprint(srv) + "/build", `{"operatingSystemId":1,"vnc":"maybe"}`, nil, 422, "The vnc field must be true or false."},
		{"array of words for sshKeys", "POST", "/servers/" + fmt.Sprint(srv) + "/build", `{"operatingSystemId":1,"sshKeys":["x"]}`, nil, 422, "The ssh keys.0 field must be an integer."},
		{"unknown package", "POST", "/servers", fmt.Sprintf(`{"packageId":987654,"userId":%d,"hypervisorId":1}`, user), nil, 422, "The selected package id is invalid."},
		{"disabled package", "POST", "/servers", fmt.Sprintf(`{"packageId":%d,"userId":%d,"hypervisorId":1}`, pkgDisabled, user), nil, 422, "The selected package id is invalid."},
		{"unknown user", "POST", "/servers", `{"packageId":1,"userId":987654,"hypervisorId":1}`, nil, 422, "The selected user id is invalid."},
		{"unknown group", "POST", "/servers", fmt.Sprintf(`{"packageId":1,"userId":%d,"hypervisorId":99}`, user), nil, 422, "The selected hypervisor id is invalid."},
		{"unknown firewall ruleset", "POST", "/servers", fmt.Sprintf(`{"packageId":1,"userId":%d,"hypervisorId":1,"firewallRulesets":[77]}`, user), nil, 422, "Invalid or disabled firewall ruleset"},
		{"too many resources for any hypervisor", "POST", "/servers", fmt.Sprintf(`{"packageId":1,"userId":%d,"hypervisorId":1,"memory":999999}`, user), nil, 422, "No hypervisor in the selected group"},
		{"template the package does not offer", "POST", "/servers/" + fmt.Sprint(srv) + "/build", fmt.Sprintf(`{"operatingSystemId":%d}`, tmplWindows), nil, 422, "The selected operating system id is invalid."},
		{"unknown ssh key", "POST", "/servers/" + fmt.Sprint(srv) + "/build", `{"operatingSystemId":1,"sshKeys":[5]}`, nil, 422, "The selected ssh keys.0 is invalid."},
		{"wrong content type", "POST", "/servers", valid, []string{"Content-Type", "text/plain"}, 422, "The package id field is required."},
		{"body over 1 MiB", "POST", "/servers", `{"packageId":1,"name":"` + strings.Repeat("x", 2<<20) + `"}`, nil, 413, ""},
		{"unknown server", "GET", "/servers/987654", nil, nil, 404, `{"msg":"server not found"}`},
		{"word for a server id", "GET", "/servers/abc", nil, nil, 404, `{"msg":"server not found"}`},
		{"build of an unknown server", "POST", "/servers/987654/build", `{"operatingSystemId":1}`, nil, 404, "server not found"},
		{"power of an unknown server", "POST", "/servers/987654/power/boot", nil, nil, 404, "server not found"},
		{"power of an unbuilt server", "POST", "/servers/" + fmt.Sprint(srv) + "/power/boot", nil, nil, 423, `"msg"`},
		{"unknown queue item", "GET", "/queue/987654", nil, nil, 404, "queue item not found"},
		{"unknown hypervisor", "GET", "/compute/hypervisors/987654", nil, nil, 404, "hypervisor not found"},
		{"unknown package by id", "GET", "/packages/987654", nil, nil, 404, "package not found"},
		{"results out of range", "GET", "/servers?results=500", nil, nil, 422, "The results field must not be greater than 200."},
		{"wrong type query", "GET", "/servers?type=huge", nil, nil, 422, "The selected type is invalid."},
		{"wrong method", "PATCH", "/servers/" + fmt.Sprint(srv), `{}`, nil, 405, "The PATCH method is not supported"},
		{"unknown route", "GET", "/nothing/here", nil, nil, 404, "could not be found"},
		{"missing name on rename", "PUT", "/servers/" + fmt.Sprint(srv) + "/modify/name", `{}`, nil, 422, "The name field is required."},
		{"empty name on rename", "PUT", "/servers/" + fmt.Sprint(srv) + "/modify/name", `{"name":""}`, nil, 422, "The name field is required."},
		{"user without email", "POST", "/users", `{"name":"x"}`, nil, 422, "The email field is required."},
		{"user with a bad email", "POST", "/users", `{"name":"x","email":"not-an-email"}`, nil, 422, "The email field must be a valid email address."},
		{"user with a taken email", "POST", "/users", `{"name":"x","email":"c1@example.com"}`, nil, 422, "The email has already been taken."},
		{"user with a taken ext relation id", "POST", "/users", `{"name":"x","email":"new@example.com","extRelationId":1}`, nil, 422, "The ext relation id has already been taken."},
		{"delay out of range", "DELETE", "/servers/" + fmt.Sprint(srv) + "?delay=99999", nil, nil, 422, "The delay field must not be greater than 43800."},
		{"ssh key for an unknown user", "POST", "/ssh_keys", map[string]any{"userId": 987654, "name": "k", "publicKey": keyEd25519}, nil, 422, "The selected user id is invalid."},
		{"ssh key that is not a key", "POST", "/ssh_keys", map[string]any{"userId": user, "name": "k", "publicKey": "AAAAC3NzaC1lZDI1NTE5"}, nil, 422, "The public key field must be a valid OpenSSH public key."},
		{"ssh key without fields", "POST", "/ssh_keys", "[]", nil, 422, "The public key field is required."},
		{"unknown ssh key", "GET", "/ssh_keys/987654", nil, nil, 404, `{"msg":"ssh key not found"}`},
		{"word for an ssh key id", "DELETE", "/ssh_keys/abc", nil, nil, 404, `{"msg":"ssh key not found"}`},
		{"ssh keys of an unknown user", "GET", "/ssh_keys/user/987654", nil, nil, 404, `{"msg":"user not found"}`},
		{"modify a user to a taken email", "PUT", "/users/1/byExtRelation", `{"email":"ADMIN@panelsim.test"}`, nil, 422, "The email has already been taken."},
		{"modify an unknown user", "PUT", "/users/987654/byExtRelation", `{"name":"x"}`, nil, 404, `{"msg":"ext_relation_id not found"}`},
		{"reset the password of an unknown user", "POST", "/users/987654/byExtRelation/resetPassword", nil, nil, 404, "ext_relation_id not found"},
		{"login tokens of an unknown user", "POST", "/users/987654/authenticationTokens", nil, nil, 404, "ext_relation_id not found"},
		{"login tokens for an unknown server", "POST", "/users/1/serverAuthenticationTokens/987654", nil, nil, 404, `{"msg":"server not found"}`},
		{"word for relStr", "POST", "/users/1/authenticationTokens?relStr=maybe", nil, nil, 422, "The rel str field must be true or false."},
		{"backups of an unknown server", "GET", "/backups/server/987654", nil, nil, 404, `{"msg":"server not found"}`},
		{"unknown dns service", "GET", "/dns/services/PowerDNS", nil, nil, 404, `{"msg":"dns service not found"}`},
		{"unknown iso", "GET", "/media/iso/987654", nil, nil, 404, `{"msg":"iso not found"}`},
		{"traffic block for month 26", "POST", "/servers/" + fmt.Sprint(srv) + "/traffic/blocks", `{"month":26,"amount":10}`, nil, 422, "The month field must not be greater than 25."},
		{"unknown traffic block", "DELETE", "/servers/" + fmt.Sprint(srv) + "/traffic/blocks/77", nil, nil, 404, `{"msg":"traffic block not found"}`},
		{"traffic allowance that is a word", "PUT", "/servers/" + fmt.Sprint(srv) + "/modify/traffic", `{"traffic":"unlimited"}`, nil, 422, "The traffic field must be an integer."},
		{"memory beyond the hypervisor", "PUT", "/servers/" + fmt.Sprint(srv) + "/modify/memory", `{"memory":999999}`, nil, 422, "does not have enough free memory"},
		{"cores without cores nor cpuCores", "PUT", "/servers/" + fmt.Sprint(srv) + "/modify/cpuCores", `{"vcpus":2}`, nil, 422, "The cores field is required."},
		{"package change to a disabled package", "PUT", "/servers/" + fmt.Sprint(srv) + fmt.Sprintf("/package/%d", pkgDisabled), nil, nil, 422, "The selected package id is invalid."},
		{"package change to an unknown package", "PUT", "/servers/" + fmt.Sprint(srv) + "/package/987654", nil, nil, 404, `{"msg":"package not found"}`},
		{"cpu throttle of 100", "PUT", "/servers/" + fmt.Sprint(srv) + "/modify/cpuThrottle", `{"percent":100}`, nil, 422, "The percent field must not be greater than 99."},
		{"VNC without action nor vnc", "POST", "/servers/" + fmt.Sprint(srv) + "/vnc", `{}`, nil, 422, "The action field is required."},
		{"owner unchanged", "PUT", "/servers/" + fmt.Sprint(srv) + fmt.Sprintf("/owner/%d", user), nil, nil, 422, "same as the existing owner"},
		{"owner unknown", "PUT", "/servers/" + fmt.Sprint(srv) + "/owner/987654", nil, nil, 404, `{"msg":"user not found"}`},
		{"unknown backup plan", "PUT", "/servers/" + fmt.Sprint(srv) + "/backups/plan/9", nil, nil, 404, `{"msg":"backup plan not found"}`},
		{"backup access type not in the list", "PUT", "/servers/" + fmt.Sprint(srv) + "/backupManager/access", `{"type":"all"}`, nil, 422, "The selected type is invalid."},
		{"password reset of an unbuilt server", "POST", "/servers/" + fmt.Sprint(srv) + "/resetPassword", nil, nil, 423, `"msg"`},
		{"password reset for another user", "POST", "/servers/" + fmt.Sprint(srv) + "/resetPassword", `{"user":"admin"}`, nil, 422, "The selected user is invalid."},
		{"word for credit tokens", "POST", "/selfService/credit/byUserExtRelationId/1", `{"tokens":"lots"}`, nil, 422, "The tokens field must be a number."},
		{"credit without tokens", "POST", "/selfService/credit/byUserExtRelationId/1", `[]`, nil, 422, "The tokens field is required."},
		{"credit for an unknown relation", "POST", "/selfService/credit/byUserExtRelationId/987654", `{"tokens":1}`, nil, 404, `{"msg":"ext_relation_id not found"}`},
		{"unknown credit", "DELETE", "/selfService/credit/987654", nil, nil, 404, `{"msg":"credit not found"}`},
		{"unknown resource pack", "GET", "/selfService/resourcePack/987654", nil, nil, 404, `{"msg":"resource pack not found"}`},
		{"word for a resource pack id", "POST", "/selfService/resourcePackServers/abc/suspend", nil, nil, 404, `{"msg":"resource pack not found"}`},
		{"unknown pack on offer", "POST", "/selfService/resourcePack/byUserExtRelationId/1", `{"packId":987654,"enabled":true}`, nil, 422, "The selected pack id is invalid."},
		{"server into an unknown resource pack", "POST", "/servers", fmt.Sprintf(`{"packageId":1,"userId":%d,"hypervisorId":1,"resourcePackId":987654}`, user), nil, 422, "The selected resource pack id is invalid."},
		{"unknown group profile", "POST", "/selfService/hourlyGroupProfile/byUserExtRelationId/1", `{"profileId":987654}`, nil, 422, "The selected profile id is invalid."},
		{"report period out of range", "GET", "/selfService/report/byUserExtRelationId/1?period=25", nil, nil, 422, "The period field must not be greater than 24."},
		{"usage with an impossible date", "GET", "/selfService/usage/byUserExtRelationId/1?period[]=2025-02-30", nil, nil, 422, "The period.0 field must be a valid date."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.c.Do(tt.method, tt.path, tt.body, tt.hdr...)
			if res.Status != tt.status {
				t.Fatalf("status %d, want %d: %v", res.Status, tt.status, res)
			}
			if !strings.Contains(string(res.Body), tt.contains) {
				t.Fatalf("body %s does not contain %q", res.Body, tt.contains)
			}
			if tt.status == 422 && res.Len("errors") < 1 {
				t.Fatalf("422 body is not {\"errors\":[…]}: %s", res.Body)
			}
		})
	}
	if got := e.serverCount(); got != countBefore {
		t.Errorf("servers: %d, want %d", got, countBefore)
	}
	if got := e.groupAlloc(groupDefault, "memory"); got != memBefore {
		t.Errorf("memory allocated: %d, want %d", got, memBefore)
	}
	if got := e.freeIPv4(groupDefault); got != freeBefore {
		t.Errorf("free IPv4: %d, want %d", got, freeBefore)
	}
	if got := e.getServer(srv).String("data", "state"); got != "allocated" {
		t.Errorf("server %d changed state to %s", srv, got)
	}
	if n := e.c.Do("GET", "/queue/1", nil).Status; n != 404 {
		t.Errorf("a refused build left a queue item (%d)", n)
	}
}

// TestLeniency: what real clients send and the real panel accepts.
func TestLeniency(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	other := e.user(2)
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		hdr    []string
		status int
	}{
		{"numeric strings", "POST", "/servers", fmt.Sprintf(`{"packageId":"%d","userId":"%d","hypervisorId":"%d","ipv4":"1"}`, pkgS, user, groupDefault), nil, 201},
		{"trailing slash", "POST", "/servers/", fmt.Sprintf(`{"packageId":1,"userId":%d,"hypervisorId":1}`, user), nil, 201},
		{"form encoded", "POST", "/servers", fmt.Sprintf(`packageId=1&userId=%d&hypervisorId=1`, user), []string{"Content-Type", "application/x-www-form-urlencoded"}, 201},
		{"JSON with charset", "POST", "/servers", fmt.Sprintf(`{"packageId":1,"userId":%d,"hypervisorId":1}`, user), []string{"Content-Type", "application/json; charset=utf-8"}, 201},
		{"string booleans in query", "GET", "/servers/1?remoteState=false", nil, nil, 200},
		{"1 for a boolean", "GET", "/servers/1?remoteState=1", nil, nil, 200},
		{"PHP empty array on GET", "GET", "/packages", "[]", nil, 200},
		{"PHP empty array on power", "POST", "/servers/1/suspend", "[]", nil, 204},
		{"empty JSON body on POST", "POST", "/servers/1/unsuspend", "", nil, 204},
		{"lower-case bearer", "GET", "/connect", nil, []string{"Authorization", "bearer " + "panelsim"}, 200},
		{"PHP array query", "GET", "/servers?hypervisorId[]=1&hypervisorId[]=2", nil, nil, 200},
		{"null optional field", "POST", "/servers", fmt.Sprintf(`{"packageId":1,"userId":%d,"hypervisorId":1,"memory":null}`, user), nil, 201},
		{"form encoded ssh key", "POST", "/ssh_keys", url.Values{"userId": {fmt.Sprint(user)}, "name": {"form"}, "publicKey": {keyP256}}.Encode(), []string{"Content-Type", "application/x-www-form-urlencoded"}, 201},
		{"trailing slash on ssh keys", "POST", "/ssh_keys/", map[string]any{"userId": user, "name": "slash", "publicKey": keyEd25519}, nil, 201},
		{"PHP empty array on an ssh key delete", "DELETE", "/ssh_keys/1", "[]", nil, 204},
		{"string boolean and null on a user change", "PUT", "/users/1/byExtRelation", `{"enabled":"1","name":null,"email":""}`, nil, 201},
		{"form encoded profiles on a user change", "PUT", "/users/1/byExtRelation", "selfServiceHourlyGroupProfiles[]=1&selfServiceHourlyGroupProfiles[]=2", []string{"Content-Type", "application/x-www-form-urlencoded"}, 201},
		{"relStr=false on a password reset", "POST", "/users/1/byExtRelation/resetPassword?relStr=false", "", nil, 201},
		{"PHP empty array on server login tokens", "POST", "/users/1/serverAuthenticationTokens/1", "[]", nil, 200},
		{"empty JSON body on login tokens", "POST", "/users/1/authenticationTokens", "", nil, 200},
		{"traffic allowance as a string (vendor schema)", "PUT", "/servers/1/modify/traffic", `{"traffic":"1000"}`, nil, 201},
		{"cpuCores instead of cores (WHMCS-EZ)", "PUT", "/servers/1/modify/cpuCores", `{"cpuCores":"1"}`, nil, 201},
		{"vnc boolean instead of action (WHMCS-EZ)", "POST", "/servers/1/vnc", `{"vnc":"1"}`, nil, 200},
		{"package change without a body", "PUT", "/servers/1/package/1", "", nil, 200},
		{"form-encoded memory", "PUT", "/servers/1/modify/memory", "memory=1024", []string{"Content-Type", "application/x-www-form-urlencoded"}, 201},
		{"traffic block as numeric strings", "POST", "/servers/1/traffic/blocks", `{"month":"1","amount":"100"}`, nil, 201},
		{"traffic block removal with the documented body", "DELETE", "/servers/1/traffic/blocks/1", `{"month":1,"amount":100}`, nil, 204},
		{"traffic statistics with a PHP empty array body", "GET", "/servers/1/traffic", "[]", nil, 200},
		{"owner change with an empty body", "PUT", fmt.Sprintf("/servers/1/owner/%d", other), "[]", nil, 201},
		{"numeric strings for credit", "POST", "/selfService/credit/byUserExtRelationId/1", `{"tokens":"10.5","reference_1":"400"}`, nil, 201},
		{"form encoded credit", "POST", "/selfService/credit/byUserExtRelationId/1", `tokens=10&reference_2=Top-up`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 201},
		{"empty reference counts as not sent", "POST", "/selfService/credit/byUserExtRelationId/1", `{"tokens":1,"reference_1":"","reference_2":null}`, nil, 201},
		{"string booleans for a pack", "POST", "/selfService/resourcePack/byUserExtRelationId/1", `{"packId":"2","enabled":"true"}`, nil, 201},
		{"empty body on pack suspend", "POST", "/selfService/resourcePackServers/1/suspend", "", nil, 204},
		{"PHP array query for usage", "GET", "/selfService/usage/byUserExtRelationId/1?period[]=2025-01-01&period[]=2025-01-08&range=w", nil, nil, 200},
		{"relStr=false as a string", "GET", "/selfService/hourlyStats/byUserExtRelationId/1?relStr=false", nil, nil, 200},
		{"trailing slash on self service", "GET", "/selfService/currencies/", nil, nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.c.Do(tt.method, tt.path, tt.body, tt.hdr...).Expect(t, tt.status)
		})
	}
}

// TestAuth: VirtFusion answers 401 with no body for a missing or unknown token.
func TestAuth(t *testing.T) {
	e := newEnv(t)
	for name, token := range map[string]string{"missing": "", "unknown": "nope"} {
		t.Run(name, func(t *testing.T) {
			res := e.s.Client("virtfusion", token).Do("GET", "/servers", nil)
			if res.Status != 401 || len(res.Body) != 0 {
				t.Fatalf("got %v, want 401 with no body", res)
			}
		})
	}
	res := e.c.Do("GET", "/connect", nil, "Authorization", "Basic cGFuZWxzaW06")
	if res.Status != 401 {
		t.Fatalf("basic auth: %v", res)
	}
}
