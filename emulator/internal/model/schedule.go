package model

import (
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/frequency"
)

// armSchedule sets the timer for the next firing of a Period invocation after the given
// time, or marks the schedule done. Callers hold c.mu.
func (c *Cloud) armSchedule(inv *Invocation, after time.Time) {
	if c.closing {
		return
	}
	next := time.Time{}
	// Parse without the limits: they were checked when the invocation was made.
	if sch, err := frequency.Parse(inv.Frequency); err == nil {
		if rs, ok := sch.(*frequency.RateSchedule); ok {
			anchored := *rs
			anchored.Start = inv.Created.Add(rs.Every) // fires stay on the same grid after a restart
			sch = &anchored
		}
		next = sch.Next(after)
	}
	if next.IsZero() {
		inv.ScheduleDone = true
		for _, t := range inv.Targets {
			c.settle(inv, t)
		}
		return
	}
	id := inv.ID
	c.timers[id] = c.cfg.Clock.AfterFunc(next.Sub(c.cfg.Now()), func() { c.fire(id, next) })
}

// fire runs a Period invocation on its instances and arms the next firing.
func (c *Cloud) fire(id string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	inv, ok := c.invocations[id]
	if !ok || inv.Stopped || c.closing {
		return
	}
	delete(c.timers, id)
	for _, t := range inv.Targets {
		if !t.Stopped {
			c.startRun(inv, t)
		}
	}
	c.armSchedule(inv, at)
	c.saveInvocation(inv)
}

// boot runs the reboot-mode invocations of an instance that has just started. Callers hold c.mu.
func (c *Cloud) boot(instanceID string) {
	for _, id := range c.invOrder {
		inv := c.invocations[id]
		if inv.Stopped || (inv.RepeatMode != RepeatNextRebootOnly && inv.RepeatMode != RepeatEveryReboot) {
			continue
		}
		t := inv.target(instanceID)
		if t == nil || t.Stopped || (inv.RepeatMode == RepeatNextRebootOnly && t.Repeats > 0) {
			continue
		}
		c.startRun(inv, t)
		c.saveInvocation(inv)
	}
}
