// Package callproxy is an HTTP proxy for tests that stands in front of an ECS endpoint (the
// emulator) and shows each API call's parameters to the test before the call goes on: a call
// log as the service sees it, or a fault for one action only.
package callproxy

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"
)

// Handler sees one call: params holds its query and form parameters together (the SDKs send
// them in either); forward passes the call on to the target and writes its answer to w.
type Handler func(params url.Values, w http.ResponseWriter, r *http.Request, forward http.Handler)

// Start serves handle in front of target (an http:// URL) until the test ends, and returns the
// proxy's URL.
func Start(t testing.TB, target string, handle Handler) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatalf("callproxy: target %q: %v", target, err)
	}
	forward := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		params, _ := url.ParseQuery(string(body))
		for k, v := range r.URL.Query() {
			params[k] = append(params[k], v...)
		}
		handle(params, w, r, forward)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
