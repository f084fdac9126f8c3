package auth

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"
)

// loopbackListeners listens on the loopback address of host and, on the
// same port, on the other address family's loopback (RFC 8252 §7.3), so
// that no other local program can take that port and receive the code
// when "localhost" resolves to it. It returns the listeners and the
// host:port of the redirect URI.
func loopbackListeners(host string, port int, logf func(string, ...any)) ([]net.Listener, string, error) {
	var primary, secondary, redirectHost string
	switch host {
	case "", "127.0.0.1":
		primary, secondary, redirectHost = "127.0.0.1", "::1", "127.0.0.1"
	case "localhost":
		primary, secondary, redirectHost = "127.0.0.1", "::1", "localhost"
	case "[::1]", "::1":
		primary, secondary, redirectHost = "::1", "127.0.0.1", "[::1]"
	default:
		return nil, "", fmt.Errorf("--redirect-host must be localhost, 127.0.0.1 or [::1], not %q", host)
	}
	// With an ephemeral port, the port the first family got may be taken in
	// the other family; try a few ports before giving up on dual-stack.
	const attempts = 8
	for i := 0; ; i++ {
		l1, err := net.Listen(tcpNet(primary), net.JoinHostPort(primary, strconv.Itoa(port)))
		if err != nil {
			return nil, "", fmt.Errorf("listening for the login callback on %s port %d: %w", primary, port, err)
		}
		p := l1.Addr().(*net.TCPAddr).Port
		hostPort := net.JoinHostPort(trimBrackets(redirectHost), strconv.Itoa(p))
		l2, err := net.Listen(tcpNet(secondary), net.JoinHostPort(secondary, strconv.Itoa(p)))
		if err == nil {
			return []net.Listener{l1, l2}, hostPort, nil
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			// No such address family here (an IPv4-only container): nobody
			// can listen on it either, so single-stack is safe.
			logf("listening on %s only: %s is not available (%v)", primary, secondary, err)
			return []net.Listener{l1}, hostPort, nil
		}
		l1.Close()
		if port != 0 || i == attempts-1 {
			if redirectHost == "localhost" {
				return nil, "", fmt.Errorf("port %d is taken on %s by another program, which could receive the login code sent to localhost; choose another --redirect-port or --redirect-host 127.0.0.1", p, secondary)
			}
			// The redirect names a literal address, which the taken port
			// cannot intercept; proceed single-stack.
			l1, err = net.Listen(tcpNet(primary), net.JoinHostPort(primary, strconv.Itoa(p)))
			if err != nil {
				return nil, "", fmt.Errorf("listening for the login callback: %w", err)
			}
			logf("port %d is taken on %s by another program; listening on %s only", p, secondary, primary)
			return []net.Listener{l1}, hostPort, nil
		}
	}
}

func tcpNet(ip string) string {
	if ip == "::1" {
		return "tcp6"
	}
	return "tcp4"
}

func trimBrackets(h string) string {
	if len(h) > 1 && h[0] == '[' && h[len(h)-1] == ']' {
		return h[1 : len(h)-1]
	}
	return h
}
