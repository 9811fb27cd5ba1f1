package emulator

import (
	"net"
	"net/http"
	"strings"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// The emulator runs shell commands for whoever calls it, so a web page open in the user's
// browser must not be able to call it: neither directly (the browser marks such a request
// with Origin or Sec-Fetch-Site) nor through DNS rebinding (a page on evil.example whose name
// now resolves to 127.0.0.1 sends Host: evil.example). SDKs and command-line clients send
// neither header and name the address they dial. Options.AllowRemote turns this off, since a
// remote client names the machine as it knows it.

// refuseBrowser returns the 403 answer for a request a browser made on a page's behalf, or
// whose Host is not this server; nil when the request may proceed.
func (s *Server) refuseBrowser(r *http.Request) *protocol.APIError {
	if s.opts.AllowRemote {
		return nil
	}
	if _, ok := r.Header["Origin"]; ok {
		return errForbiddenBrowser("a request with an Origin header comes from a web page")
	}
	switch strings.ToLower(r.Header.Get("Sec-Fetch-Site")) {
	case "cross-site", "same-site":
		return errForbiddenBrowser("a request with Sec-Fetch-Site: " + r.Header.Get("Sec-Fetch-Site") + " comes from a web page")
	}
	if !s.hostAllowed(r.Host) && !metadataHostAllowed(r) {
		return errForbiddenBrowser("the Host " + quoteHost(r.Host) + " is neither the listen address nor a loopback name (DNS rebinding)")
	}
	return nil
}

// hostAllowed accepts the listen address, a loopback IP or the name localhost, any port.
func (s *Server) hostAllowed(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if host == "" {
		return false // HTTP/1.1 requires Host; net/http refuses its absence before we see it
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
	}
	if listenHost, _, err := net.SplitHostPort(s.opts.Listen); err == nil && strings.EqualFold(host, listenHost) {
		return true
	}
	return false
}

func errForbiddenBrowser(why string) *protocol.APIError {
	return &protocol.APIError{HTTPStatus: http.StatusForbidden, Code: "Forbidden.BrowserRequest",
		Message:   "The emulator refuses this request: " + why + ".",
		Recommend: "Call the emulator from an SDK or a command-line client, at 127.0.0.1 or localhost; start it with --allow-remote to accept other Host names."}
}

func quoteHost(h string) string {
	if len(h) > 100 {
		h = h[:100] + "…"
	}
	return "\"" + h + "\""
}
