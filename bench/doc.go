// Package bench compares the cost of discreet's packages with the libraries
// a Go service would otherwise use. It lives in a module of its own so that
// those libraries stay out of discreet's go.mod. It holds benchmarks only:
//
//	go test -run '^$' -bench . -benchmem ./bench/
package bench
