//go:build ignore

// netipcheck reads one candidate per line on stdin and prints "ok" or "no"
// per line: whether net/netip.ParseAddr accepts it (zones allowed).
// Used by candidates.py:  go run netipcheck.go < list
package main

import (
	"bufio"
	"fmt"
	"net/netip"
	"os"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for sc.Scan() {
		if _, err := netip.ParseAddr(sc.Text()); err == nil {
			fmt.Fprintln(w, "ok")
		} else {
			fmt.Fprintln(w, "no")
		}
	}
}
