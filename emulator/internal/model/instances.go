package model

import (
	"fmt"
	"os"
	"sort"
	"time"
)

// Instances lists the instances, sorted by ID.
func (c *Cloud) Instances() []Instance {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Instance, 0, len(c.instances))
	for _, in := range c.instances {
		out = append(out, *in)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// InstanceFilter selects instances; empty fields match everything.
type InstanceFilter struct {
	// IDs, when not nil, lists the instances wanted.
	IDs []string
	// Status is the exact instance status (Running, Stopped).
	Status string
	// Name matches the instance name exactly, or by prefix with a trailing *.
	Name string
	// Tags must all be on the instance; a tag with an empty value matches any value.
	Tags []Tag
}

func (f InstanceFilter) matches(in *Instance) bool {
	if f.IDs != nil && !contains(f.IDs, in.ID) {
		return false
	}
	return (f.Status == "" || in.Status == f.Status) && matchName(in.Name, f.Name) && hasTags(in.Tags, f.Tags)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// FindInstances lists the instances that match f, sorted by ID.
func (c *Cloud) FindInstances(f InstanceFilter) []Instance {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Instance
	for _, in := range c.instances {
		if f.matches(in) {
			out = append(out, *in)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Activity is what DescribeCloudAssistantStatus reports about the tasks of one instance.
type Activity struct {
	// Invocations counts the invocations that target the instance; Active the ones still
	// pending, scheduled or running there.
	Invocations, Active int
	// LastInvoked is when a run last started on the instance; zero when none has.
	LastInvoked time.Time
}

// InstanceActivity reports the activity of an instance.
func (c *Cloud) InstanceActivity(instanceID string) Activity {
	c.mu.Lock()
	defer c.mu.Unlock()
	var a Activity
	for _, inv := range c.invocations {
		t := inv.target(instanceID)
		if t == nil {
			continue
		}
		a.Invocations++
		if isActive(t.Status) {
			a.Active++
		}
		if r := t.LastRun(); r != nil && r.Start.After(a.LastInvoked) {
			a.LastInvoked = r.Start
		}
	}
	return a
}

func (c *Cloud) instance(id string) (*Instance, error) {
	in, ok := c.instances[id]
	if !ok {
		return nil, notFound("InvalidInstanceId.NotFound", "The instance %s does not exist.", id)
	}
	return in, nil
}

func (c *Cloud) setStatus(in *Instance, status string) error {
	prev := *in
	in.Status = status
	if status == InstanceRunning {
		in.LastBoot = c.cfg.Now().UTC()
	}
	if err := c.save(bucketInstances, in.ID, in); err != nil {
		*in = prev
		return err
	}
	return nil
}

// instanceIn returns the instance when it is in the status an action needs, or the
// documented IncorrectInstanceStatus error. The caller holds c.mu.
func (c *Cloud) instanceIn(id, want string) (*Instance, error) {
	in, err := c.instance(id)
	if err != nil {
		return nil, err
	}
	if in.Status != want {
		return nil, forbidden("IncorrectInstanceStatus", "The instance %s is %s; it must be %s.", id, in.Status, want)
	}
	return in, nil
}

// powerOn marks the instance Running and boots it: an install the agent was waiting on
// finishes, and reboot-mode invocations run. The caller holds c.mu.
func (c *Cloud) powerOn(in *Instance) error {
	if err := c.setStatus(in, InstanceRunning); err != nil {
		return err
	}
	c.finishAgentInstall(in)
	c.boot(in.ID)
	return nil
}

// StartInstance starts a stopped instance; reboot-mode invocations run, as on any boot.
func (c *Cloud) StartInstance(id string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	in, err := c.instanceIn(id, InstanceStopped)
	if err != nil {
		return err
	}
	return c.powerOn(in)
}

// StopInstance stops a running instance; its running scripts are interrupted.
func (c *Cloud) StopInstance(id string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	in, err := c.instanceIn(id, InstanceRunning)
	if err != nil {
		return err
	}
	c.interrupt(id, reasonPowerOff)
	return c.setStatus(in, InstanceStopped)
}

// RebootInstance restarts a running instance: running scripts are interrupted, then the
// NextRebootOnly and EveryReboot invocations run.
func (c *Cloud) RebootInstance(id string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	in, err := c.instanceIn(id, InstanceRunning)
	if err != nil {
		return err
	}
	c.interrupt(id, reasonReboot)
	return c.powerOn(in)
}

// ReleaseInstance deletes an instance. Its running scripts are killed and its pending runs
// end; both are recorded Invalid with ErrorCode InstanceNotExists, as are later firings of
// its schedules. New invocations naming it get InvalidInstance.NotFound. The release is
// persisted: a restart does not create the instance again from the configuration.
func (c *Cloud) ReleaseInstance(id string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.instance(id); err != nil {
		return err
	}
	if err := c.save(bucketInstances, id, &Instance{ID: id, Released: true}); err != nil {
		return err
	}
	delete(c.instances, id)
	c.released[id] = true
	ended := c.interrupt(id, reasonRelease)
	c.wg.Add(1)
	go func() { // the disk goes once nothing of the instance runs any more
		defer c.wg.Done()
		for _, ch := range ended {
			<-ch
		}
		if err := c.removeDisk(id); err != nil {
			fmt.Fprintf(os.Stderr, "emulator: removing the disk of released instance %s: %v\n", id, err)
		}
	}()
	now := c.cfg.Now().UTC()
	for _, iid := range c.invOrder {
		inv := c.invocations[iid]
		t := inv.target(id)
		if t == nil {
			continue
		}
		if r := t.LastRun(); r != nil && r.Status == StatusPending {
			r.Status, r.ErrorCode, r.ErrorInfo, r.Finish = StatusInvalid, codeInstanceNotExists, infoInstanceNotExists, now
			t.Updated = now
			c.settle(inv, t)
			c.saveInvocation(inv)
		}
	}
	return nil
}

// Now is the model's clock.
func (c *Cloud) Now() time.Time { return c.cfg.Now() }
