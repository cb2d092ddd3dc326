package virtfusion_test

import (
	"fmt"
	"reflect"
	"testing"
)

// The answers of create and build are rendered from the server the write saved: they show what
// a GET of the server shows right after (the build answer has no remoteState key and carries
// the root password in settings).
func TestCreateAndBuildAnswerAsStored(t *testing.T) {
	e := newEnv(t)
	user := e.user(4101)
	created := e.c.Do("POST", "/servers", map[string]any{"packageId": pkgM, "userId": user, "hypervisorId": groupDefault, "ipv4": 2}).Expect(t, 201)
	id := created.Int("data", "id")
	got := e.getServer(id).Expect(t, 200)
	if !reflect.DeepEqual(created.Get("data"), got.Get("data")) {
		t.Errorf("create answered\n%v\nGET shows\n%v", created.Get("data"), got.Get("data"))
	}
	built := e.c.Do("POST", fmt.Sprintf("/servers/%d/build", id), map[string]any{"operatingSystemId": tmplDebian12, "name": "db"}).Expect(t, 200)
	after := e.getServer(id).Expect(t, 200)
	b, a := built.Get("data").(map[string]any), after.Get("data").(map[string]any)
	if b["name"] != "db" || a["name"] != "db" {
		t.Errorf("name: build answered %v, GET shows %v", b["name"], a["name"])
	}
	if _, ok := b["remoteState"]; ok {
		t.Errorf("build answered remoteState %v", b["remoteState"])
	}
	bs, as := b["settings"].(map[string]any), a["settings"].(map[string]any)
	if pw, _ := bs["decryptedPassword"].(string); len(pw) < 12 || as["decryptedPassword"] != nil {
		t.Errorf("decryptedPassword: build answered %q, GET shows %v", pw, as["decryptedPassword"])
	}
	delete(bs, "decryptedPassword")
	delete(as, "decryptedPassword")
	delete(a, "remoteState")
	for k, v := range a {
		if !reflect.DeepEqual(b[k], v) {
			t.Errorf("build answer field %q = %v, GET shows %v", k, b[k], v)
		}
	}
}
