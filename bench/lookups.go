package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/provider"
)

// lookupCounter stands in front of the emulator and counts and times the provider's adoption
// look-ups: the DescribeInvocations calls filtered by the adoption tags (docs/interruptions.md),
// which the emulator's per-action counters cannot tell from status reads.
type lookupCounter struct {
	srv *httptest.Server

	mu    sync.Mutex
	calls int64
	took  time.Duration
}

func startLookupCounter(target string) (*lookupCounter, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	forward := httputil.NewSingleHostReverseProxy(u)
	l := &lookupCounter{}
	l.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		params, _ := url.ParseQuery(string(body))
		for k, v := range r.URL.Query() {
			params[k] = append(params[k], v...)
		}
		if params.Get("Action") != statusAction || !strings.HasPrefix(params.Get("Tag.1.Key"), provider.AdoptionTagPrefix) {
			forward.ServeHTTP(w, r)
			return
		}
		began := time.Now()
		forward.ServeHTTP(w, r)
		l.mu.Lock()
		l.calls++
		l.took += time.Since(began)
		l.mu.Unlock()
	}))
	return l, nil
}

func (l *lookupCounter) URL() string { return l.srv.URL }

func (l *lookupCounter) Close() { l.srv.Close() }

// snapshot returns the look-ups so far and the time they took, as the proxy saw them.
func (l *lookupCounter) snapshot() (int64, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.calls, l.took
}
