package ecsclient

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// RetryPolicy is capped exponential backoff with full jitter: before retry n the client
// sleeps a random duration in [0, min(Max, Base·2^n)). Retries stop at MaxAttempts or when
// the ctx deadline would pass first.
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

// withRetry runs call until it succeeds, fails with a non-retryable error, runs out of
// attempts, or ctx ends. Errors come back as *APIError naming op.
func (c *Client) withRetry(ctx context.Context, op string, call func(context.Context) error) error {
	var last error
	for attempt := 0; ; attempt++ {
		err := call(ctx)
		if err == nil {
			return nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			return c.wrap(op, pickLast(last, ctxErr), attempt)
		}
		last = err
		if !Retryable(err) || attempt+1 >= c.retry.MaxAttempts {
			return c.wrap(op, err, attempt+1)
		}
		wait := c.retry.delay(attempt)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return c.wrap(op, err, attempt+1)
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return c.wrap(op, err, attempt+1)
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
