package store

import (
	bolt "go.etcd.io/bbolt"
)

// Op is one write of a batch: a Put, or a Delete when Delete is set.
type Op struct {
	Bucket, Key string
	Value       []byte
	Delete      bool
}

// Applier is implemented by stores that can apply writes to several buckets at once.
type Applier interface {
	// Apply performs ops, all or nothing.
	Apply(ops []Op) error
}

// ApplyAll performs ops through Apply when s has it, else one at a time.
func ApplyAll(s Store, ops []Op) error {
	if a, ok := s.(Applier); ok {
		return a.Apply(ops)
	}
	for _, op := range ops {
		var err error
		if op.Delete {
			err = s.Delete(op.Bucket, op.Key)
		} else {
			err = s.Put(op.Bucket, op.Key, op.Value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Apply implements Applier in one transaction (one sync).
func (b *Bolt) Apply(ops []Op) error {
	return b.db.Update(func(tx *bolt.Tx) error {
		for _, op := range ops {
			if op.Delete {
				if bk := tx.Bucket([]byte(op.Bucket)); bk != nil {
					if err := bk.Delete([]byte(op.Key)); err != nil {
						return err
					}
				}
				continue
			}
			bk, err := tx.CreateBucketIfNotExists([]byte(op.Bucket))
			if err != nil {
				return err
			}
			if err := bk.Put([]byte(op.Key), op.Value); err != nil {
				return err
			}
		}
		return nil
	})
}
