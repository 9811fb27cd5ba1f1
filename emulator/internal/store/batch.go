package store

import (
	bolt "go.etcd.io/bbolt"
)

// Batcher is implemented by stores that can write many entries at once. A bbolt file syncs
// once per transaction, so seeding thousands of instances one Put at a time takes seconds;
// in one transaction it takes milliseconds.
type Batcher interface {
	// PutBatch creates or replaces every key of entries in bucket, all or nothing.
	PutBatch(bucket string, entries map[string][]byte) error
}

// PutAll writes entries through PutBatch when s has it, else one Put at a time.
func PutAll(s Store, bucket string, entries map[string][]byte) error {
	if b, ok := s.(Batcher); ok {
		return b.PutBatch(bucket, entries)
	}
	for k, v := range entries {
		if err := s.Put(bucket, k, v); err != nil {
			return err
		}
	}
	return nil
}

// PutBatch implements Batcher.
func (m *Memory) PutBatch(bucket string, entries map[string][]byte) error {
	for k, v := range entries {
		if err := m.Put(bucket, k, v); err != nil {
			return err
		}
	}
	return nil
}

// PutBatch implements Batcher in one transaction.
func (b *Bolt) PutBatch(bucket string, entries map[string][]byte) error {
	return b.db.Update(func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists([]byte(bucket))
		if err != nil {
			return err
		}
		for k, v := range entries {
			if err := bk.Put([]byte(k), v); err != nil {
				return err
			}
		}
		return nil
	})
}
