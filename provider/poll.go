package provider

import (
	"context"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
)

// pollStep reads the service once: done when everything waited for has settled, progress a
// short status line ("2/3 instances finished"), shown when it changes.
type pollStep func(ctx context.Context) (done bool, progress string, err error)

// poll calls step on the schedule of pollDelay, counted from started, until it reports done
// (true), ctx ends (false, nil) or a read fails (an error; one made by ctx ending counts as
// ctx ending). Invocations and file deliveries wait through it.
func poll(ctx context.Context, started time.Time, step pollStep) (bool, error) {
	log := p.GetLogger(ctx)
	last := ""
	for n := 0; ; n++ {
		if !sleepUntil(ctx, started.Add(cumulativeDelay(n))) {
			return false, nil
		}
		done, progress, err := step(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			return false, nil
		case err != nil:
			return false, err
		case done:
			return true, nil
		}
		if progress != last && progress != "" {
			log.InfoStatus(progress)
			last = progress
		}
	}
}

// boundedWait bounds a wait: by the engine's deadline (customTimeouts) when there is one,
// else by the operation's own timeout in seconds (def when 0) plus delivery time. The
// duration is that budget, or 0 under the engine's deadline.
func boundedWait(ctx context.Context, started time.Time, timeout, def int) (context.Context, context.CancelFunc, time.Duration) {
	if _, ok := ctx.Deadline(); ok {
		c, cancel := context.WithCancel(ctx)
		return c, cancel, 0
	}
	if timeout <= 0 {
		timeout = def
	}
	budget := time.Duration(timeout)*time.Second + deliveryAllowance
	c, cancel := context.WithDeadline(ctx, started.Add(budget))
	return c, cancel, budget
}
