package model

import (
	"fmt"
	"os"
	"sync"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/store"
)

// writer persists the hot records (invocations, their runs, running processes) behind the
// model's back: callers hand it encoded values under c.mu and go on; one goroutine writes
// whatever has accumulated in a single transaction, the latest value of each key winning.
// So a periodic task's 20 runs a second cost one sync, not forty, and no call waits on the
// disk while holding the model's lock. Reads see pending writes first.
type writer struct {
	st store.Store

	mu       sync.Mutex
	pending  map[string]store.Op // bucket + "\x00" + key → latest write
	inflight map[string]store.Op // being written now
	wake     chan struct{}
	idle     *sync.Cond
	closed   bool
	done     chan struct{}
}

func newWriter(st store.Store) *writer {
	w := &writer{st: st, pending: map[string]store.Op{}, wake: make(chan struct{}, 1), done: make(chan struct{})}
	w.idle = sync.NewCond(&w.mu)
	go w.loop()
	return w
}

func opKey(bucket, key string) string { return bucket + "\x00" + key }

func (w *writer) put(bucket, key string, value []byte) {
	w.enqueue(store.Op{Bucket: bucket, Key: key, Value: value})
}

func (w *writer) del(bucket, key string) {
	w.enqueue(store.Op{Bucket: bucket, Key: key, Delete: true})
}

func (w *writer) enqueue(op store.Op) {
	w.mu.Lock()
	w.pending[opKey(op.Bucket, op.Key)] = op
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// get reads a value, pending writes included.
func (w *writer) get(bucket, key string) ([]byte, bool, error) {
	k := opKey(bucket, key)
	w.mu.Lock()
	op, ok := w.pending[k]
	if !ok {
		op, ok = w.inflight[k]
	}
	w.mu.Unlock()
	if ok {
		return op.Value, !op.Delete, nil
	}
	return w.st.Get(bucket, key)
}

func (w *writer) loop() {
	defer close(w.done)
	for {
		w.mu.Lock()
		for len(w.pending) == 0 && !w.closed {
			w.idle.Broadcast()
			w.mu.Unlock()
			<-w.wake
			w.mu.Lock()
		}
		if len(w.pending) == 0 && w.closed {
			w.idle.Broadcast()
			w.mu.Unlock()
			return
		}
		w.inflight, w.pending = w.pending, map[string]store.Op{}
		ops := make([]store.Op, 0, len(w.inflight))
		for _, op := range w.inflight {
			ops = append(ops, op)
		}
		w.mu.Unlock()
		if err := store.ApplyAll(w.st, ops); err != nil {
			// A failing disk must not stop the emulated world: report it and go on.
			fmt.Fprintf(os.Stderr, "emulator: saving %d records: %v\n", len(ops), err)
		}
		w.mu.Lock()
		w.inflight = nil
		w.mu.Unlock()
	}
}

// flush waits until everything enqueued so far is written.
func (w *writer) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.pending) > 0 || w.inflight != nil {
		select {
		case w.wake <- struct{}{}:
		default:
		}
		w.idle.Wait()
	}
}

// close writes what is pending and stops the goroutine.
func (w *writer) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
	<-w.done
}
