package provider

import (
	"strings"

	"golang.org/x/crypto/ssh"
)

// SSHPublicKey is one OpenSSH public key line ("<type> <base64> [comment]"), decoded: a key
// ssh itself would accept, not just text that looks like one.
type SSHPublicKey struct {
	Key ssh.PublicKey
	// Line is the key as a panel keeps it: type, base64 (re-encoded) and the comment, if any.
	Line    string
	Comment string
}

// ParseSSHPublicKey reads content as exactly one OpenSSH public key line. It refuses what
// ssh would not take as an authorized key (an unknown type, a body that is not the key its
// type names), and also options before the key, a certificate instead of a key, and a
// second line.
func ParseSSHPublicKey(content string) (*SSHPublicKey, bool) {
	pub, comment, options, rest, err := ssh.ParseAuthorizedKey([]byte(content))
	if err != nil || len(options) > 0 || len(strings.TrimSpace(string(rest))) > 0 ||
		strings.HasSuffix(pub.Type(), "-cert-v01@openssh.com") {
		return nil, false
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
	if comment != "" {
		line += " " + comment
	}
	return &SSHPublicKey{Key: pub, Line: line, Comment: comment}, true
}

// FingerprintSHA256 is the fingerprint `ssh-keygen -l` prints: "SHA256:" and the unpadded
// base64 of the key's SHA-256.
func (k *SSHPublicKey) FingerprintSHA256() string { return ssh.FingerprintSHA256(k.Key) }

// FingerprintMD5 is the fingerprint `ssh-keygen -l -E md5` prints, without its "MD5:"
// prefix ("43:51:…", as OpenSSH printed it before 6.8 and EC2-compatible clouds still do).
func (k *SSHPublicKey) FingerprintMD5() string { return ssh.FingerprintLegacyMD5(k.Key) }
