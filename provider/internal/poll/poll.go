// Package poll is how every wait of the provider reads the service: when the reads fall
// (Plan, Schedule), how long a wait may last (Bound) and how it ended (Outcome).
package poll

import (
	"context"
	"errors"
	"fmt"
	"time"

	p "github.com/pulumi/pulumi-go-provider"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

// Plan is a read schedule: the fixed waits before the first reads, then either a tenth of
// the time already waited (Proportional) or Max, never more than Max.
type Plan struct {
	Start        []time.Duration
	Max          time.Duration
	Proportional bool
}

// Runs is the schedule of a run's status reads (an Invocation, a file delivery, a removal):
// fast at first, because most scripts finish within a second, then doubling to a cap,
// because long scripts need no fast polling. Reads at 50, 125, 400 and 1100 ms: a script that
// finishes within a second costs at most four reads, and one that needs up to 100 ms is seen
// within 1.25× of a 50 ms loop. After the fixed start, the next read comes a tenth of the
// elapsed time later (capped), so a script is seen at most about 10% after it ends, at a
// logarithmic number of reads.
var Runs = Plan{
	Start:        []time.Duration{50 * time.Millisecond, 75 * time.Millisecond, 275 * time.Millisecond, 700 * time.Millisecond},
	Max:          2500 * time.Millisecond,
	Proportional: true,
}

// Agents is the schedule of the agent wait's reads after the first: fast at first, because
// the agent is usually online already, then every few seconds.
var Agents = Plan{
	Start: []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second},
	Max:   5 * time.Second,
}

// Delay is the wait before read n, given the time d already waited.
func (pl Plan) Delay(n int, d time.Duration) time.Duration {
	if n < len(pl.Start) {
		return pl.Start[n]
	}
	if pl.Proportional {
		return min(max(d/10, pl.Start[0]), pl.Max)
	}
	return pl.Max
}

// cumulative is when read n falls, counted from the start of the wait.
func (pl Plan) cumulative(n int) time.Duration {
	var d time.Duration
	for i := 0; i <= n; i++ {
		d += pl.Delay(i, d)
	}
	return d
}

// Schedule is when the reads of one wait fall: Runs, counted from started. A wait that
// starts new work part way (a rollout's next batch) restarts it, so the new work is read as
// early as the first was.
type Schedule struct {
	started time.Time
	n       int
}

// NewSchedule is a schedule counted from started.
func NewSchedule(started time.Time) *Schedule { return &Schedule{started: started} }

// Restart counts the schedule again from now.
func (s *Schedule) Restart() { s.started, s.n = time.Now(), -1 }

// SleepUntil waits for t, or reports false when ctx ends first.
func SleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Step reads the service once: done when everything waited for has settled, progress a
// short status line ("2/3 instances finished"), shown when it changes.
type Step func(ctx context.Context) (done bool, progress string, err error)

// Until calls step on the Runs schedule, counted from started, until it reports done, ctx
// ends or a read fails for good. Invocations (one batch or a rollout), file deliveries and
// removals wait through it.
func Until(ctx context.Context, started time.Time, step Step) Outcome {
	return NewSchedule(started).Until(ctx, step)
}

// Until is the package's Until on a schedule the step may restart. Reads ride out API
// outages until ctx ends, saying so on the status line (ecsclient.Patient).
func (s *Schedule) Until(ctx context.Context, step Step) Outcome {
	log := p.GetLogger(ctx)
	last := ""
	reads := ecsclient.Patient(ctx, func(line string) {
		log.InfoStatus(line)
		last = "" // show the progress line again once the API answers
	})
	for ; ; s.n++ {
		if !SleepUntil(ctx, s.started.Add(Runs.cumulative(s.n))) {
			return Outcome{}
		}
		done, progress, err := step(reads)
		switch {
		case err != nil && ctx.Err() != nil:
			return Outcome{LastErr: err}
		case err != nil:
			return Outcome{Err: err}
		}
		// The line follows every change and ends with the final count.
		if progress != last && progress != "" {
			log.InfoStatus(progress)
			last = progress
		}
		if done {
			return Outcome{Done: true}
		}
	}
}

const (
	// DeliveryAllowance covers delivery to the instance (the service aborts after a minute)
	// and the service's own bookkeeping, on top of the script's timeout.
	DeliveryAllowance = 2 * time.Minute
	// DefaultCommandTimeout is the service's default, in seconds, when neither the command
	// nor the run says otherwise.
	DefaultCommandTimeout = 60
)

// Bound bounds a wait: by the engine's deadline (customTimeouts) when there is one, else by
// the operation's own timeout in seconds (def when 0) plus delivery time, counted from
// started. The duration is that budget, or 0 under the engine's deadline.
func Bound(ctx context.Context, started time.Time, timeout, def int) (context.Context, context.CancelFunc, time.Duration) {
	if _, ok := ctx.Deadline(); ok {
		c, cancel := context.WithCancel(ctx)
		return c, cancel, 0
	}
	if timeout <= 0 {
		timeout = def
	}
	budget := time.Duration(timeout)*time.Second + DeliveryAllowance
	c, cancel := context.WithDeadline(ctx, started.Add(budget))
	return c, cancel, budget
}

// Waited is how long a wait that timed out waited: its whole budget when Bound gave it one,
// else the time since started.
func Waited(ctx context.Context, started time.Time, budget time.Duration) time.Duration {
	if _, ok := ctx.Deadline(); !ok && budget > 0 {
		return budget
	}
	return time.Since(started)
}

// Outcome is how a wait ended: Done when everything settled; else Err when a read failed
// for good, or neither when ctx ended first (LastErr: a read still failing then).
type Outcome struct {
	Done    bool
	LastErr error
	Err     error
}

// Texts are what a wait's owner says when it did not finish. Every reason ends with Resume,
// what the next `pulumi up` does about the run.
type Texts struct {
	Doing     string        // "waiting for invocation t-1": leads the reason of a failed read
	Cancelled string        // the reason when the program was cancelled (Ctrl-C)
	Timeout   func() string // the reason when the wait's deadline came
	Resume    string
}

// Unfinished is why the wait did not finish, or "" when it did. ctx is the caller's own
// context, not the bounded one: only its cancellation is a cancel.
func (o Outcome) Unfinished(ctx context.Context, t Texts) string {
	switch {
	case o.Err != nil:
		return fmt.Sprintf("%s: %v.%s", t.Doing, o.Err, t.Resume)
	case !o.Done && errors.Is(ctx.Err(), context.Canceled):
		return t.Cancelled + t.Resume
	case !o.Done:
		msg := t.Timeout()
		if o.LastErr != nil {
			msg += " The API was still failing when the wait ended: " + o.LastErr.Error() + "."
		}
		return msg + t.Resume
	}
	return ""
}
