package emulator

import (
	"math/rand/v2"
	"sync"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// faultState holds the current Faults; it changes at runtime through SetFaults.
type faultState struct {
	mu       sync.Mutex
	f        Faults
	throttle int // alternates Throttling and Throttling.User
	server   int // rotates InternalError, InternalError.Dispatch and ServiceUnavailable
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

// errorFor draws the fault of one call: a throttling or server error, or none. The variants
// of each kind take turns, so a few faulted calls show them all.
func (fs *faultState) errorFor(f Faults) *protocol.APIError {
	if f.ThrottleRate > 0 && rand.Float64() < f.ThrottleRate {
		fs.mu.Lock()
		fs.throttle++
		n := fs.throttle
		fs.mu.Unlock()
		if n%2 == 0 {
			return protocol.ErrThrottlingUser()
		}
		return protocol.ErrThrottling()
	}
	if f.ServerErrorRate > 0 && rand.Float64() < f.ServerErrorRate {
		fs.mu.Lock()
		fs.server++
		n := fs.server
		fs.mu.Unlock()
		switch n % 3 {
		case 1:
			return protocol.ErrInternal("")
		case 2:
			return protocol.ErrInternalDispatch()
		default:
			return protocol.ErrServiceUnavailable()
		}
	}
	return nil
}

func drop(f Faults) bool { return f.DropRate > 0 && rand.Float64() < f.DropRate }
