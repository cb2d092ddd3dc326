//go:build unix

package sim

import "syscall"

// defaultMaxConns is half the process's descriptor limit (Go raises the soft limit to the
// hard one at start), between 64 and 4096: the rest stays for the store and the host.
func defaultMaxConns() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur == 0 {
		return 512
	}
	return int(min(max(lim.Cur/2, 64), 4096))
}
