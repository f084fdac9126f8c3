// Package safehttptest has test servers that misbehave on purpose: they
// accept connections and then stall, for the tests of request timeouts.
package safehttptest

import (
	"net"
	"testing"
)

// StallServer listens on loopback and runs stall on each connection it
// accepts, then holds the connection open until the test ends. It returns
// the listener's host:port.
func StallServer(t testing.TB, stall func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				stall(c)
				<-done
			}()
		}
	}()
	return ln.Addr().String()
}
