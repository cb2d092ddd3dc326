//go:build !unix

package sim

// defaultMaxConns is a fixed bound where the descriptor limit cannot be read.
func defaultMaxConns() int { return 512 }
