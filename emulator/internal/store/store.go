// Package store keeps the emulator's records, as opaque values in named buckets, either in
// memory or in a bbolt file, so persistence is a choice of backend and not a branch in the model.
package store

// Store is a small bucketed key-value store. Implementations are safe for concurrent use.
type Store interface {
	// Put creates or replaces the value under key in bucket.
	Put(bucket, key string, value []byte) error
	// Get returns the value under key in bucket; ok is false when there is none.
	Get(bucket, key string) (value []byte, ok bool, err error)
	// Delete removes key from bucket; a missing key is not an error.
	Delete(bucket, key string) error
	// ForEach calls fn for every entry of bucket, in key order.
	ForEach(bucket string, fn func(key string, value []byte) error) error
	// Close releases the store.
	Close() error
}
