package protocol

import (
	"sync"
	"time"
)

// nonceCache remembers nonces until their request could no longer pass the timestamp
// check, so a replay inside the window is caught and memory stays bounded. The hooks, when
// set, let the owner persist it, so that a restart does not open the window again.
type nonceCache struct {
	mu        sync.Mutex
	seen      map[string]time.Time // key → expiry
	lastSweep time.Time

	saved   func(key string, until time.Time)
	expired func(key string)
}

// use records key and reports whether it was fresh (not seen, or seen but expired).
func (c *nonceCache) use(key string, now time.Time, ttl time.Duration) bool {
	c.mu.Lock()
	if c.seen == nil {
		c.seen = make(map[string]time.Time)
	}
	var gone []string
	if now.Sub(c.lastSweep) > ttl/4 {
		for k, exp := range c.seen {
			if !now.Before(exp) {
				delete(c.seen, k)
				gone = append(gone, k)
			}
		}
		c.lastSweep = now
	}
	exp, seen := c.seen[key]
	fresh := !seen || !now.Before(exp)
	until := now.Add(ttl)
	if fresh {
		c.seen[key] = until
	}
	saved, expired := c.saved, c.expired
	c.mu.Unlock()
	if expired != nil {
		for _, k := range gone {
			expired(k)
		}
	}
	if fresh && saved != nil {
		saved(key, until)
	}
	return fresh
}

// remember restores a nonce seen before a restart.
func (c *nonceCache) remember(key string, until time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = make(map[string]time.Time)
	}
	c.seen[key] = until
}

func (c *nonceCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}
