package emulator

import (
	"math/rand/v2"
	"sync"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// faultState holds the current Faults; it changes at runtime through SetFaults.
type faultState struct {
	mu     sync.Mutex
	f      Faults
	server int // alternates 500 and 503
}

func (fs *faultState) set(f Faults) {
	fs.mu.Lock()
	fs.f = f
	fs.mu.Unlock()
}

func (fs *faultState) get() Faults {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.f
}

// errorFor draws the fault of one call: a Throttling or server error, or none.
func (fs *faultState) errorFor(f Faults) *protocol.APIError {
	if f.ThrottleRate > 0 && rand.Float64() < f.ThrottleRate {
		return protocol.ErrThrottling()
	}
	if f.ServerErrorRate > 0 && rand.Float64() < f.ServerErrorRate {
		fs.mu.Lock()
		fs.server++
		n := fs.server
		fs.mu.Unlock()
		if n%2 == 0 {
			return protocol.ErrServiceUnavailable()
		}
		return protocol.ErrInternal("")
	}
	return nil
}

func drop(f Faults) bool { return f.DropRate > 0 && rand.Float64() < f.DropRate }
