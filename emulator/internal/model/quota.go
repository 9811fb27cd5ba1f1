package model

import (
	"encoding/json"
	"fmt"
)

// The daily InvokeCommand quota (5,000 calls per region per day in the current reference;
// Config.DailyInvokeQuota). The count is stored (bucket "quota") like every record of the
// model, so with a data directory a restart does not hand out a fresh day's quota, just as
// the nonce cache survives a restart so that a captured request cannot be replayed.
const (
	bucketQuota = "quota"
	keyQuota    = "daily"
)

// quotaRecord is the stored count: the UTC day it counts and the calls taken on that day.
type quotaRecord struct {
	Day  string `json:"day"`
	Used int    `json:"used"`
}

// loadQuota restores the count the previous process left. A count of another day is
// simply replaced at the next call (takeQuota starts a new day).
func (c *Cloud) loadQuota() error {
	b, ok, err := c.cfg.Store.Get(bucketQuota, keyQuota)
	if err != nil || !ok {
		return err
	}
	var rec quotaRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return fmt.Errorf("loading the daily invocation quota: %w", err)
	}
	c.quotaDay, c.quotaUsed = rec.Day, rec.Used
	return nil
}

// takeQuota counts one invocation against the region's daily quota (UTC days) and refuses
// it with Invocation.ExceedQuota when the day's quota is spent. The new count goes through
// the writer, as the invocation it pays for does. Callers hold c.mu.
func (c *Cloud) takeQuota() error {
	day := c.cfg.Now().UTC().Format("2006-01-02")
	if c.quotaDay != day {
		c.quotaDay, c.quotaUsed = day, 0
	}
	if c.quotaUsed >= c.cfg.DailyInvokeQuota {
		return errInvokeQuota
	}
	c.quotaUsed++
	return c.saveLater(bucketQuota, keyQuota, quotaRecord{Day: c.quotaDay, Used: c.quotaUsed})
}
