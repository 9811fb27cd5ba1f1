package emulator

import (
	"fmt"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/store"
)

// With a data directory the signature nonces accepted in the last half hour are kept in the
// store (bucket "nonces", key → the time until which the nonce is refused), so a request
// captured before a restart cannot be replayed after it. The writes go through a store
// Writer: a call never waits on the disk for its nonce.
const bucketNonces = "nonces"

// persistNonces restores the remembered nonces and hooks the verifier to the store.
func (s *Server) persistNonces() error {
	if s.opts.DataDir == "" {
		return nil
	}
	var expired []string
	err := s.store.ForEach(bucketNonces, func(key string, v []byte) error {
		until, err := time.Parse(time.RFC3339Nano, string(v))
		if err != nil || !time.Now().Before(until) {
			expired = append(expired, key)
			return nil
		}
		s.verifier.RememberNonce(key, until)
		return nil
	})
	if err != nil {
		return fmt.Errorf("loading the signature nonces: %w", err)
	}
	for _, key := range expired {
		if err := s.store.Delete(bucketNonces, key); err != nil {
			return err
		}
	}
	s.nonces = store.NewWriter(s.store)
	s.verifier.PersistNonces(
		func(key string, until time.Time) {
			s.nonces.Put(bucketNonces, key, []byte(until.UTC().Format(time.RFC3339Nano)))
		},
		func(key string) { s.nonces.Delete(bucketNonces, key) },
	)
	return nil
}
