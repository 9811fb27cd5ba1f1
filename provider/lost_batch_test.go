package provider_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/callproxy"
)

// lostAnswers is a proxy in front of the emulator that, while on, lets the service apply
// every call of one action and then closes the connection without its answer: a network
// path that fails after the server committed, for that action only (the emulator's
// DropRate fault would cut the status reads too).
type lostAnswers struct {
	action string
	on     atomic.Bool
}

func (l *lostAnswers) proxy(t *testing.T, target string) string {
	return callproxy.Start(t, target, func(params url.Values, w http.ResponseWriter, r *http.Request, forward http.Handler) {
		if params.Get("Action") != l.action || !l.on.Load() {
			forward.ServeHTTP(w, r)
			return
		}
		forward.ServeHTTP(httptest.NewRecorder(), r) // applied, and the answer thrown away
		panic(http.ErrAbortHandler)                  // the connection closes without an answer
	})
}

// A batch whose InvokeCommand answers are all lost (applied by the service, never answered)
// fails the up; the next up sends that batch again with the same ClientToken, so the service
// answers with the run it already started and every instance runs exactly once.
func TestFleetLostBatchResendsItsToken(t *testing.T) {
	t.Parallel()
	drop := &lostAnswers{action: "InvokeCommand"}
	h := newFleetHarnessVia(t, 150, func(url string) string { return drop.proxy(t, url) })
	all := h.srv.InstanceIDs()
	// Each instance has a disk of its own: the test releases the scripts by writing on each.
	const release = "/tmp/release"
	cmdID, _ := h.command("held", "while [ ! -f "+release+" ]; do sleep 0.02; done; echo done")
	// maxConcurrency 100: the second batch (50) waits for the first, so the answers can be
	// cut between the two.
	in := props("commandId", str(cmdID), "instanceIds", strs(all...), "maxConcurrency", str("100"))
	go func() {
		// The first is the Create's adoption look-up; the second reads the first batch.
		for h.srv.Stats().Actions["DescribeInvocations"] < 2 { // the first batch's answer is in
			time.Sleep(5 * time.Millisecond)
		}
		drop.on.Store(true)
		for _, id := range all {
			_ = os.WriteFile(h.srv.InstancePath(id, release), nil, 0o600)
		}
	}()
	resp, err := h.tryInvoke("lost", in, 0)
	drop.on.Store(false)
	require.Error(t, err)
	require.NotNil(t, resp.PartialState, "the started batch is recorded: %v", err)
	assert.Contains(t, err.Error()+strings.Join(resp.PartialState.Reasons, ""), "sends it again with the same ClientToken")
	out := resp.Properties
	require.Len(t, arrayStrings(out.Get("invokeIds")), 1)
	// The second batch is cut by the free concurrency when it starts: all 50, or fewer.
	lost := arrayStrings(out.Get("unconfirmedBatch").AsMap().Get("instanceIds"))
	require.NotEmpty(t, lost)
	assert.Equal(t, all[100:100+len(lost)], lost)
	assert.ElementsMatch(t, all[100+len(lost):], arrayStrings(out.Get("notStartedInstanceIds")),
		"the lost batch may be running: not 'never started'")
	assert.Equal(t, 2, h.srv.Stats().Invocations, "the service did start the lost batch")

	// The next up (Update of the recorded, unfinished invocation) resends it and waits.
	up, err := h.s.Update(p.UpdateRequest{ID: resp.ID, Urn: urn(invocationToken, "lost"), State: out,
		Inputs: h.check(invocationToken, "lost", out, in)})
	require.NoError(t, err)
	assert.Equal(t, "Success", up.Properties.Get("status").AsString())
	assert.False(t, up.Properties.Get("unconfirmedBatch").IsMap(), "nothing unconfirmed is left")
	st := h.srv.StatsPerInstance()
	assert.Equal(t, len(arrayStrings(up.Properties.Get("invokeIds"))), st.Invocations,
		"the resent batch is the one already started: no invocation beyond the recorded batches")
	for _, id := range all {
		assert.Equal(t, int64(1), st.ExecutionsByInstance[id], id)
	}
}
