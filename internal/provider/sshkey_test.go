package provider

import "testing"

// TestParseSSHPublicKey: real keys are read and fingerprinted as ssh-keygen -l prints them
// (the expected values are ssh-keygen's); anything else is refused.
func TestParseSSHPublicKey(t *testing.T) {
	keys := []struct{ line, sha256, md5 string }{
		{"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE0vJ3sB5mjXH7nOQzpRtYzY0k0aQ3cmoP8oLQJH2Fz6 me@laptop",
			"SHA256:tPbbxUL8Dn8Xn61SalCCtgY8CypFLe/sLEoZIH3+SW8", ""},
		{"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBHHOmJ0vDcq9ttbMgMLYV/cKMh86PS9bL55SOlgKV/h/Jnss4VFcnPyfA/Vh2JHeY6zY1bzvtRZ1E/JdLap2iqU= ops@ci",
			"SHA256:Aud2nHdg/+YsfRqitEGxq+nabp2ZPTT90rkIZAuVuFg", "12:e9:0a:02:93:9c:9b:d0:d4:5f:8f:56:de:f1:f7:b0"},
		{"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCoNhvJli98ltcAA27k6+AwU5cbZWlQ5IUizBWqwmolqhyLb+LWvu9h9xhg9QwWO8ackuoSarc1Bfg8vDUzwWEPaBK2aKv2IMqApyfXts/EJ1axbBKt1E6H4GMfc6bNIc7WwpuaJlDvzW+gc/a/cwcS0s3y4Q+MKgB/N8FTV6VwQIz63+CyKU0onyhYL7WxQOGnhGUxs4Qrgfjg9nd5jYVNg9Fww+F7XGX36KLTX3lrGxI1CyBSxLuY8pB6GLDnIwZgkYiZMxMfq2VmxoHS/imEIgoZbl2sikuXKV3HIrk1MrhbMgmdjhVUo6Ql4AZ37UKkUPgavjWJZ0uYNdoxZEVl user@host",
			"SHA256:8Sx11TaeJ18eD+hgUKRv4Cs5Q1sqdDa/b0hbtt9Lkyw", "9e:bc:df:0c:5f:3b:c5:af:ba:33:9f:f0:3e:1e:57:d2"},
	}
	for _, k := range keys {
		got, ok := ParseSSHPublicKey("  " + k.line + "\n")
		if !ok {
			t.Fatalf("refused %s", k.line)
		}
		if got.Line != k.line || got.FingerprintSHA256() != k.sha256 || (k.md5 != "" && got.FingerprintMD5() != k.md5) {
			t.Fatalf("%s: line %q, fingerprints %s %s", k.line, got.Line, got.FingerprintSHA256(), got.FingerprintMD5())
		}
	}
	for _, bad := range []string{
		"", "hello", "ssh-rsa ...key1...= user@host", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDx",
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE0vJ3sB5mjXH7nOQzpRtYzY0k0aQ3cmoP8oLQJH2F", // cut short
		`command="ls" ` + keys[0].line, // options
		keys[0].line + "\n" + keys[1].line,
	} {
		if _, ok := ParseSSHPublicKey(bad); ok {
			t.Errorf("accepted %q", bad)
		}
	}
}
