package provider

import (
	"context"
	"time"

	p "github.com/pulumi/pulumi-go-provider"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

// pollStep reads the service once: done when everything waited for has settled, progress a
// short status line ("2/3 instances finished"), shown when it changes.
type pollStep func(ctx context.Context) (done bool, progress string, err error)

// poll calls step on the schedule of pollDelay, counted from started, until it reports done
// (true), ctx ends (false) or a read fails for good (err). Reads ride out API outages until
// ctx ends, saying so on the status line (ecsclient.Patient); lastErr is the read that was
// still failing when ctx ended. Invocations (one batch or a rollout), file deliveries and
// removals wait through it.
func poll(ctx context.Context, started time.Time, step pollStep) (done bool, lastErr, err error) {
	return pollOn(ctx, &readSchedule{started: started}, step)
}

// readSchedule is when the reads of a wait fall: pollDelay's schedule, counted from started.
// A wait that starts new work part way (a rollout's next batch) restarts it, so the new
// work is read as early as the first was.
type readSchedule struct {
	started time.Time
	n       int
}

func (s *readSchedule) restart() { s.started, s.n = time.Now(), -1 }

// pollOn is poll on a schedule the step may restart.
func pollOn(ctx context.Context, s *readSchedule, step pollStep) (done bool, lastErr, err error) {
	log := p.GetLogger(ctx)
	last := ""
	reads := ecsclient.Patient(ctx, func(line string) {
		log.InfoStatus(line)
		last = "" // show the progress line again once the API answers
	})
	for ; ; s.n++ {
		if !sleepUntil(ctx, s.started.Add(cumulativeDelay(s.n))) {
			return false, nil, nil
		}
		done, progress, err := step(reads)
		switch {
		case err != nil && ctx.Err() != nil:
			return false, err, nil
		case err != nil:
			return false, nil, err
		}
		// The line follows every change and ends with the final count.
		if progress != last && progress != "" {
			log.InfoStatus(progress)
			last = progress
		}
		if done {
			return true, nil, nil
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
