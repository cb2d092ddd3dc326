// Package bench holds panelsim's benchmarks: reading a VirtFusion server through the whole
// pipeline against an echo route that answers the same bytes statically, and server
// create+build throughput with concurrent clients. Run them with `make bench`; the figures
// and the machine they came from are in BENCHMARKS.md.
package bench
