package ecsclient

import (
	"context"
	"strings"
	"sync"
)

// throttleGate shares throttling among every call of one Client.
//
// The service throttles per account and API in a region, not per call site: when it
// throttles one batch's status read, the other batches of the rollout, and the other
// resources of the same `pulumi up` (they share this provider's one Client), would only be
// throttled too. So a Throttling answer closes the gate: the throttled call alone retries
// after its backoff (the probe), and every other call waits at the gate before sending,
// until the probe is answered without throttling. That is what an operator expects of a
// provider under a rate limit: it slows down as a whole, and the calls it keeps making
// are the ones that find out whether the limit has passed. Transport errors and 5xx do
// not close it: those are outages, which Patient reads ride out on their own.
type throttleGate struct {
	mu     sync.Mutex
	probe  *probeTicket  // the call probing while the gate is closed; nil when it is open
	opened chan struct{} // closed when the gate opens again
}

// probeTicket identifies one call of withRetry, so that only the probe passes a closed gate.
// It has a field because pointers to distinct zero-size values may compare equal.
type probeTicket struct{ _ byte }

type ticketKey struct{}

// ticketOf returns the ticket of the call ctx belongs to (nested true), or a new one.
func ticketOf(ctx context.Context) (t *probeTicket, nested bool) {
	if t, ok := ctx.Value(ticketKey{}).(*probeTicket); ok {
		return t, true
	}
	return &probeTicket{}, false
}

func withTicket(ctx context.Context, t *probeTicket) context.Context {
	return context.WithValue(ctx, ticketKey{}, t)
}

// wait blocks until the gate is open or t holds the probe, or ctx ends (its error).
func (g *throttleGate) wait(ctx context.Context, t *probeTicket) error {
	for {
		g.mu.Lock()
		if g.probe == nil || g.probe == t {
			g.mu.Unlock()
			return nil
		}
		opened := g.opened
		g.mu.Unlock()
		select {
		case <-opened:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// answered records the outcome of t's attempt: a Throttling answer closes the gate with t
// as the probe (unless another call already probes); any other outcome of the probe opens it.
func (g *throttleGate) answered(t *probeTicket, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if throttlingCode(Code(err)) { // Throttling, Throttling.User, Throttling.Api…
		if g.probe == nil {
			g.probe = t
			g.opened = make(chan struct{})
		}
		return
	}
	if g.probe == t {
		g.open()
	}
}

// release opens the gate when t gives up probing (out of attempts, ctx ended), so the
// waiting calls try for themselves instead of waiting on a call that no longer runs.
func (g *throttleGate) release(t *probeTicket) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.probe == t {
		g.open()
	}
}

func (g *throttleGate) open() {
	g.probe = nil
	close(g.opened)
}

// throttlingCode is the one test of a throttling code, so that the gate closes on exactly
// the answers Retryable retries as throttling.
func throttlingCode(code string) bool { return strings.HasPrefix(code, "Throttling") }
