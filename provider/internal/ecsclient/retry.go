package ecsclient

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
)

// RetryPolicy is capped exponential backoff with full jitter: before retry n the client
// sleeps a random duration in [0, min(Max, Base·2^n)). Retries stop at MaxAttempts or when
// the ctx deadline would pass first — except for status reads inside a patient wait
// (see Patient), which retry until the wait's deadline.
type RetryPolicy struct {
	Base        time.Duration
	Max         time.Duration
	MaxAttempts int
}

// DefaultRetry suits ECS: throttling usually clears within seconds.
var DefaultRetry = RetryPolicy{Base: 200 * time.Millisecond, Max: 5 * time.Second, MaxAttempts: 8}

func (p RetryPolicy) delay(retry int) time.Duration {
	ceiling := p.Base << min(retry, 20)
	if ceiling > p.Max || ceiling <= 0 {
		ceiling = p.Max
	}
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling)
}

// callKind says how hard a call may be retried.
type callKind int

const (
	// mutating calls (create, invoke, stop, delete, modify) keep bounded retries: each is
	// idempotent (ClientToken, adoption, not-found-is-done), but a bound keeps a broken
	// request from hammering the service.
	mutating callKind = iota
	// reading calls may retry until the deadline when the ctx is patient.
	reading
)

// withRetry runs call until it succeeds, fails with a non-retryable error, runs out of
// attempts, or ctx ends. Errors come back as *APIError naming op, scrubbed of the secrets of
// the client and of req (nil when there is none to scrub).
func (c *Client) withRetry(ctx context.Context, op string, kind callKind, req requests.AcsRequest,
	call func(context.Context) error,
) error {
	c.firstTry.CompareAndSwap(0, time.Now().UnixNano())
	patient := kind == reading && patienceOf(ctx) != nil
	// Read the request's secrets now: after a ctx ends, an abandoned exchange may still be
	// signing req (the SDK writes its parameter maps) while the error is being scrubbed.
	secrets := requestSecrets(req)
	ticket, nested := ticketOf(ctx)
	if !nested {
		// A call made inside an attempt (CreateCommand's look-up) is part of this call: it
		// shares the ticket, so it never waits at a gate its own call holds.
		ctx = withTicket(ctx, ticket)
		defer c.throttle.release(ticket)
	}
	var last error
	renewed := false
	for attempt := 0; ; attempt++ {
		if err := c.throttle.wait(ctx, ticket); err != nil {
			return c.wrap(op, pickLast(last, err), attempt, secrets)
		}
		err := call(ctx)
		c.throttle.answered(ticket, err)
		if err == nil {
			c.reached.Store(true)
			return nil
		}
		if answered(err) {
			c.reached.Store(true)
		}
		if ctxErr := ctx.Err(); ctxErr != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			return c.wrap(op, pickLast(last, ctxErr), attempt, secrets)
		}
		last = err
		if c.sessions != nil && !renewed && Code(err) == codeExpiredToken {
			// The session ended before the time it announced: take a new one, once.
			renewed = true
			c.sessions.expire()
			attempt--
			continue
		}
		if !Retryable(err) {
			return c.wrap(op, err, attempt+1, secrets)
		}
		if !c.reached.Load() && !answered(err) && time.Since(time.Unix(0, c.firstTry.Load())) >= c.unreachableAfter {
			return c.unreachable(op, err, attempt+1, secrets)
		}
		if !patient && attempt+1 >= c.retry.MaxAttempts {
			if !c.reached.Load() && !answered(err) {
				return c.unreachable(op, err, attempt+1, secrets)
			}
			return c.wrap(op, err, attempt+1, secrets)
		}
		wait := c.retry.delay(attempt)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return c.wrap(op, err, attempt+1, secrets)
		}
		if patient {
			patienceOf(ctx).notify(err, ctx)
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return c.wrap(op, err, attempt+1, secrets)
		}
	}
}

// pickLast prefers the last API error over a bare ctx error: it says more.
func pickLast(last, ctxErr error) error {
	if last != nil {
		return last
	}
	return ctxErr
}

// patience marks a ctx whose status reads retry through outages until its deadline.
type patience struct {
	report func(status string)
}

type patienceKey struct{}

// Patient returns a ctx under which status reads (Describe*) keep retrying transport
// errors, 5xx and throttling until ctx's deadline instead of giving up after
// RetryPolicy.MaxAttempts. report (may be nil) receives a status line before each retry,
// such as "API unreachable, retrying for 1m52s: connection refused". Mutating calls are
// unaffected. Without a deadline, reads retry until ctx is cancelled.
func Patient(ctx context.Context, report func(status string)) context.Context {
	return context.WithValue(ctx, patienceKey{}, &patience{report: report})
}

func patienceOf(ctx context.Context) *patience {
	p, _ := ctx.Value(patienceKey{}).(*patience)
	return p
}

func (p *patience) notify(err error, ctx context.Context) {
	if p.report == nil {
		return
	}
	what := "API unreachable"
	if code := Code(err); code != "" {
		what = "API unavailable (" + code + ")"
	}
	left := "until cancelled"
	if dl, ok := ctx.Deadline(); ok {
		left = "for " + time.Until(dl).Round(time.Second).String()
	}
	p.report(fmt.Sprintf("%s, retrying %s", what, left))
}
