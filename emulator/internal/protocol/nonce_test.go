package protocol

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestNonceCacheExpiry(t *testing.T) {
	t.Parallel()
	var c nonceCache
	now := testNow
	assert.True(t, c.use("a", now, time.Minute))
	assert.False(t, c.use("a", now.Add(59*time.Second), time.Minute))
	assert.True(t, c.use("a", now.Add(61*time.Second), time.Minute), "expired nonces may come back")
	assert.True(t, c.use("b", now, time.Minute))
	c.use("c", now.Add(10*time.Minute), time.Minute) // sweeps a and b
	assert.Equal(t, 1, c.len())
}

func TestNonceCacheConcurrent(t *testing.T) {
	t.Parallel()
	var c nonceCache
	var wg sync.WaitGroup
	var mu sync.Mutex
	fresh := 0
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				if c.use(fmt.Sprint(i), testNow, time.Minute) {
					mu.Lock()
					fresh++
					mu.Unlock()
				}
			}
			_ = g
		})
	}
	wg.Wait()
	assert.Equal(t, 200, fresh, "each nonce is fresh exactly once")
}
