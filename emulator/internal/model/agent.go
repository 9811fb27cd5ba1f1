package model

import (
	"fmt"
	"os"
	"time"
)

// maxInstallInstances bounds the instance ids of one InstallCloudAssistant call (the current
// reference: "You can specify up to 50 instance IDs in a single request").
const maxInstallInstances = 50

// InstallCloudAssistant installs the Cloud Assistant client on instances that lack it. The
// client comes online AgentInstallDelay later (the real service asks for a reboot; a
// RebootInstance or StartInstance completes the installation at once). Instances that have
// the client are left alone. Every id is checked before any is changed.
func (c *Cloud) InstallCloudAssistant(ids []string) error {
	// The codes, statuses and messages of the current InstallCloudAssistant table.
	switch {
	case len(ids) == 0:
		return errMissingInstanceID
	case len(ids) > maxInstallInstances:
		return errInstanceCount
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		if _, ok := c.instances[id]; !ok {
			return errInstallInstance
		}
	}
	at := c.cfg.Now().UTC().Add(c.cfg.AgentInstallDelay)
	for _, id := range ids {
		in := c.instances[id]
		if in.AgentInstalled || !in.AgentInstallAt.IsZero() {
			continue
		}
		in.AgentInstallAt = at
		if err := c.save(bucketInstances, in.ID, in); err != nil {
			return err
		}
		c.armAgentInstall(in)
	}
	return nil
}

// armAgentInstall finishes a pending installation at its time. Callers hold c.mu.
func (c *Cloud) armAgentInstall(in *Instance) {
	id := in.ID
	key := "install/" + id
	c.timers[key] = c.cfg.Clock.AfterFunc(in.AgentInstallAt.Sub(c.cfg.Now()), func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.timers, key)
		if in, ok := c.instances[id]; ok && !c.closing {
			c.finishAgentInstall(in)
		}
	})
}

// finishAgentInstall marks the client installed and online. Callers hold c.mu.
func (c *Cloud) finishAgentInstall(in *Instance) {
	if in.AgentInstallAt.IsZero() {
		return
	}
	in.AgentInstalled, in.AgentOffline, in.AgentInstallAt = true, false, time.Time{}
	if err := c.save(bucketInstances, in.ID, in); err != nil {
		fmt.Fprintf(os.Stderr, "emulator: saving instance %s: %v\n", in.ID, err)
	}
}
