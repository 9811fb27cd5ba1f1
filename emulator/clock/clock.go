// Package clock is the time source of the emulator's model: the schedules' timers, the
// delivery window, the latency fault and every recorded time. Real is the default; tests use
// a Fake and advance it instead of sleeping.
package clock

import (
	"sort"
	"sync"
	"time"
)

// Clock tells the time and runs functions later.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has passed.
	AfterFunc(d time.Duration, f func()) Timer
	// After delivers the time on the channel once d has passed.
	After(d time.Duration) <-chan time.Time
}

// Timer is a pending AfterFunc.
type Timer interface {
	// Stop prevents the call; it reports false when the call already happened or was stopped.
	Stop() bool
}

// Real is the system clock.
func Real() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time                            { return time.Now() }
func (realClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
func (realClock) After(d time.Duration) <-chan time.Time    { return time.After(d) }

// Fake is a clock that moves only when told to. Its timers fire during Advance, in time
// order, each in the goroutine that calls Advance: when Advance returns, every function due
// by then has returned too (so a test sees the model after the firing).
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	timers  []*fakeTimer
	waiters sync.Cond
}

type fakeTimer struct {
	at      time.Time
	f       func()
	stopped bool
	fired   bool
	clock   *Fake
}

// NewFake starts a fake clock at start.
func NewFake(start time.Time) *Fake {
	f := &Fake{now: start}
	f.waiters.L = &f.mu
	return f
}

// Now implements Clock.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// AfterFunc implements Clock; a d of zero or less fires at the next Advance.
func (f *Fake) AfterFunc(d time.Duration, fn func()) Timer {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := &fakeTimer{at: f.now.Add(d), f: fn, clock: f}
	f.timers = append(f.timers, t)
	f.waiters.Broadcast()
	return t
}

// After implements Clock.
func (f *Fake) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	f.AfterFunc(d, func() { ch <- f.Now() })
	return ch
}

// Stop implements Timer.
func (t *fakeTimer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	if t.stopped || t.fired {
		return false
	}
	t.stopped = true
	return true
}

// Advance moves the clock forward by d, firing the timers that fall due on the way (a timer
// set by a firing function fires too when it is due by the end).
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	end := f.now.Add(d)
	f.mu.Unlock()
	for {
		f.mu.Lock()
		next := f.nextDue(end)
		if next == nil {
			f.now = end
			f.mu.Unlock()
			return
		}
		if next.at.After(f.now) {
			f.now = next.at
		}
		next.fired = true
		f.mu.Unlock()
		next.f()
	}
}

// nextDue removes and returns the earliest live timer due by end. Callers hold f.mu.
func (f *Fake) nextDue(end time.Time) *fakeTimer {
	live := f.timers[:0]
	for _, t := range f.timers {
		if !t.stopped && !t.fired {
			live = append(live, t)
		}
	}
	f.timers = live
	sort.SliceStable(f.timers, func(i, j int) bool { return f.timers[i].at.Before(f.timers[j].at) })
	if len(f.timers) == 0 || f.timers[0].at.After(end) {
		return nil
	}
	t := f.timers[0]
	f.timers = f.timers[1:]
	return t
}

// Pending counts the timers set and neither fired nor stopped.
func (f *Fake) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pendingLocked()
}

// WaitForTimers blocks until at least n timers are pending: a test's way to know that the
// code under test has reached its wait (a schedule armed, a latency begun) without sleeping.
func (f *Fake) WaitForTimers(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for f.pendingLocked() < n {
		f.waiters.Wait()
	}
}

func (f *Fake) pendingLocked() int {
	n := 0
	for _, t := range f.timers {
		if !t.stopped && !t.fired {
			n++
		}
	}
	return n
}
