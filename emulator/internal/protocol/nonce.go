package protocol

import (
	"sync"
	"time"
)

// nonceCache remembers nonces until their request could no longer pass the timestamp
// check, so a replay inside the window is caught and memory stays bounded.
type nonceCache struct {
	mu        sync.Mutex
	seen      map[string]time.Time // key → expiry
	lastSweep time.Time
}

// use records key and reports whether it was fresh (not seen, or seen but expired).
func (c *nonceCache) use(key string, now time.Time, ttl time.Duration) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = make(map[string]time.Time)
	}
	if now.Sub(c.lastSweep) > ttl/4 {
		for k, exp := range c.seen {
			if !now.Before(exp) {
				delete(c.seen, k)
			}
		}
		c.lastSweep = now
	}
	if exp, ok := c.seen[key]; ok && now.Before(exp) {
		return false
	}
	c.seen[key] = now.Add(ttl)
	return true
}

func (c *nonceCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}
