package store

import (
	"fmt"
	"os"
	"sync"
)

// Writer persists records behind its callers' backs: they hand it encoded values (under
// their own locks) and go on; one goroutine writes whatever has accumulated in a single
// transaction, the latest value of each key winning. So a periodic task's 20 runs a second
// cost one sync, not forty, and no API call waits on the disk while the model is locked.
// Get sees pending writes. A crash loses at most the last few milliseconds of writes.
type Writer struct {
	st Store

	mu       sync.Mutex
	pending  map[string]Op // bucket + "\x00" + key → latest write
	inflight map[string]Op // being written now
	wake     chan struct{}
	idle     *sync.Cond
	closed   bool
	done     chan struct{}
}

// NewWriter starts a writer on st; Close stops it.
func NewWriter(st Store) *Writer {
	w := &Writer{st: st, pending: map[string]Op{}, wake: make(chan struct{}, 1), done: make(chan struct{})}
	w.idle = sync.NewCond(&w.mu)
	go w.loop()
	return w
}

func opKey(bucket, key string) string { return bucket + "\x00" + key }

// Put stores value under key in bucket, shortly.
func (w *Writer) Put(bucket, key string, value []byte) {
	w.enqueue(Op{Bucket: bucket, Key: key, Value: value})
}

// Delete removes key from bucket, shortly.
func (w *Writer) Delete(bucket, key string) {
	w.enqueue(Op{Bucket: bucket, Key: key, Delete: true})
}

func (w *Writer) enqueue(op Op) {
	w.mu.Lock()
	w.pending[opKey(op.Bucket, op.Key)] = op
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Get reads a value, pending writes included.
func (w *Writer) Get(bucket, key string) ([]byte, bool, error) {
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

func (w *Writer) loop() {
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
		w.inflight, w.pending = w.pending, map[string]Op{}
		ops := make([]Op, 0, len(w.inflight))
		for _, op := range w.inflight {
			ops = append(ops, op)
		}
		w.mu.Unlock()
		if err := ApplyAll(w.st, ops); err != nil {
			// A failing disk must not stop the emulated world: report it and go on.
			fmt.Fprintf(os.Stderr, "emulator: saving %d records: %v\n", len(ops), err)
		}
		w.mu.Lock()
		w.inflight = nil
		w.mu.Unlock()
	}
}

// Flush waits until everything handed over so far is written.
func (w *Writer) Flush() {
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

// Close writes what is pending and stops the goroutine.
func (w *Writer) Close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
	<-w.done
}
