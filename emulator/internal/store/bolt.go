package store

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Bolt is a Store in a single bbolt file, so state survives a restart.
type Bolt struct {
	db *bolt.DB
}

// OpenBolt opens (creating if needed) the store file state.db in dir, syncing every write.
func OpenBolt(dir string) (*Bolt, error) { return openBolt(dir, false) }

// OpenScratch opens a store file in dir, a temporary directory that dies with the process:
// it keeps large records (run outputs) out of memory, and skips the fsync of every write
// since nothing has to survive a crash.
func OpenScratch(dir string) (*Bolt, error) { return openBolt(dir, true) }

func openBolt(dir string, noSync bool) (*Bolt, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating data directory %s: %w", dir, err)
	}
	path := filepath.Join(dir, "state.db")
	// The timeout turns a second emulator on the same directory into an error, not a hang.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, NoSync: noSync, NoFreelistSync: noSync})
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	return &Bolt{db: db}, nil
}

// Put implements Store.
func (b *Bolt) Put(bucket, key string, value []byte) error {
	return b.db.Update(func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists([]byte(bucket))
		if err != nil {
			return err
		}
		return bk.Put([]byte(key), value)
	})
}

// Get implements Store.
func (b *Bolt) Get(bucket, key string) ([]byte, bool, error) {
	var out []byte
	var ok bool
	err := b.db.View(func(tx *bolt.Tx) error {
		if bk := tx.Bucket([]byte(bucket)); bk != nil {
			if v := bk.Get([]byte(key)); v != nil {
				out, ok = append([]byte(nil), v...), true
			}
		}
		return nil
	})
	return out, ok, err
}

// Delete implements Store.
func (b *Bolt) Delete(bucket, key string) error {
	return b.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte(bucket))
		if bk == nil {
			return nil
		}
		return bk.Delete([]byte(key))
	})
}

// ForEach implements Store.
func (b *Bolt) ForEach(bucket string, fn func(key string, value []byte) error) error {
	return b.db.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte(bucket))
		if bk == nil {
			return nil
		}
		return bk.ForEach(func(k, v []byte) error {
			return fn(string(k), append([]byte(nil), v...))
		})
	})
}

// Close implements Store.
func (b *Bolt) Close() error { return b.db.Close() }
