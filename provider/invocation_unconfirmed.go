package provider

import (
	"context"

	"github.com/pulumi/pulumi-go-provider/infer"
)

// A batch whose InvokeCommand answer was lost (the client gave up retrying, or the up was
// cancelled mid-call) may have started on the service. Its ClientToken and instances are
// recorded, and the next up sends exactly that request again: the service answers a
// repeated token with the invocation it already started, so the batch never runs twice.
// Tokens derived again on the next up could not promise that: a resumed rollout counts
// its batches from the recorded ones, a converge derives from other inputs, and the
// batch's size depends on how many instances were running when it was cut.

// UnconfirmedBatch is a batch sent without a known outcome.
type UnconfirmedBatch struct {
	ClientToken string   `pulumi:"clientToken"`
	InstanceIDs []string `pulumi:"instanceIds"`
}

// Annotate documents the batch.
func (b *UnconfirmedBatch) Annotate(a infer.Annotator) {
	a.Describe(&b.ClientToken, "The ClientToken the batch was sent with; the next `pulumi up` sends it again.")
	a.Describe(&b.InstanceIDs, "The instances of the batch.")
}

// resendLost sends the recorded unconfirmed batch again, with its own token and instances,
// before any new batch starts.
func (r *rollout) resendLost(ctx context.Context) error {
	if r.lost == nil {
		return nil
	}
	ids := r.lost.InstanceIDs
	r.queue = append(append([]string(nil), ids...), setDiff(r.queue, ids)...)
	return r.startBatch(ctx, len(ids))
}

// notStarted is the queue less the unconfirmed batch, which may be running.
func (r *rollout) notStarted() []string {
	var lost []string
	if r.lost != nil {
		lost = r.lost.InstanceIDs
	}
	return append([]string{}, setDiff(r.queue, lost)...) // [] rather than nil: a list output
}
