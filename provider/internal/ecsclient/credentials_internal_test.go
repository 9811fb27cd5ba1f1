package ecsclient

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
)

// TestExpiredSessionIsRenewedOnce: when the service says a session expired before the time it
// announced (a skewed clock), the client takes a new session and the call succeeds.
func TestExpiredSessionIsRenewedOnce(t *testing.T) {
	t.Parallel()
	srv, err := emulator.New(emulator.Options{Listen: "127.0.0.1:0", CredentialLifetime: time.Second})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	c, err := New(Options{Region: srv.Region(), Endpoint: srv.URL(), STSEndpoint: srv.URL(),
		AccessKeyID: srv.AccessKeyID(), AccessKeySecret: srv.AccessKeySecret(),
		AssumeRole: &AssumeRole{RoleArn: srv.RoleArn(emulator.DefaultRoleName)}})
	require.NoError(t, err)
	require.NotNil(t, c.sessions)
	// The cached session believes it lasts an hour; the service ends it after a second.
	c.sessions.mu.Lock()
	c.sessions.cur.expires = time.Now().Add(time.Hour)
	c.sessions.mu.Unlock()
	time.Sleep(1100 * time.Millisecond)
	_, err = c.DescribeCommand(context.Background(), "c-none")
	assert.ErrorIs(t, err, ErrNotFound, "the call went through with a new session")
	assert.EqualValues(t, 2, srv.Stats().Actions["AssumeRole"])
}
