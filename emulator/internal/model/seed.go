package model

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/store"
)

// seedInstances adds the configured instances the store does not know yet, in one store
// write. Fleets of thousands of instances must start in about a second: one transaction
// instead of one per instance, and no directories (an instance's sandbox is made when a
// script first runs there, by prepare).
func (c *Cloud) seedInstances(list []Instance, now time.Time) error {
	fresh := map[string][]byte{}
	for i := range list {
		in := list[i]
		if _, ok := c.instances[in.ID]; ok || c.released[in.ID] {
			continue
		}
		if in.Created.IsZero() {
			in.Created = now
		}
		in.LastBoot = now
		b, err := json.Marshal(&in)
		if err != nil {
			return err
		}
		c.instances[in.ID] = &in
		fresh[in.ID] = b
	}
	if len(fresh) > 0 {
		if err := store.PutAll(c.cfg.Store, bucketInstances, fresh); err != nil {
			return fmt.Errorf("saving instances: %w", err)
		}
	}
	return nil
}
