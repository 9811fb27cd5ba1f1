package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	p "github.com/pulumi/pulumi-go-provider"
)

// Adopting an Invocation's batches that an interrupted update started (adopt.go says how
// they are found): a Create, a converge (instances added) and a resumed rollout look them up
// before starting anything, wait for them, and start only the instances none of them has.

// invocationAttempt is what defines an Invocation's work: what runs, how, as whom. The
// instances are not part of it (a batch adopted is a batch that ran, whatever the list says
// now), nor the settings that only change how the provider waits and judges.
func invocationAttempt(a InvocationArgs) any {
	return struct {
		Command, Mode, Frequency, Username, WindowsPassword, Container, ContainerName, Termination, Launcher string
		Timeout                                                                                              *int
		Parameters                                                                                           map[string]string
		TargetTags                                                                                           map[string]string
		Triggers                                                                                             []any
	}{
		a.CommandID, string(effectiveMode(a)), deref(a.Frequency), deref(a.Username), deref(a.WindowsPasswordName),
		deref(a.ContainerID), deref(a.ContainerName), string(deref(a.TerminationMode)), deref(a.Launcher),
		a.Timeout, a.Parameters, a.TargetTags, a.Triggers,
	}
}

// tagInvoke adds the adoption tags to an InvokeCommand request.
func tagInvoke(r *ecs.InvokeCommandRequest, tags map[string]string) {
	if len(tags) == 0 {
		return
	}
	var list []ecs.InvokeCommandTag
	if r.Tag != nil {
		list = *r.Tag
	}
	for _, k := range sortedKeys(tags) {
		list = append(list, ecs.InvokeCommandTag{Key: k, Value: tags[k]})
	}
	r.Tag = &list
}

// adoptInterrupted looks up the batches tagged for this resource and attempt that no state
// records (recordedIDs: the state being updated; plus what Diff saw) and makes them the
// rollout's own: waited for, their instances taken off the queue. One call when there are
// none. It warns what it adopted.
func (r *rollout) adoptInterrupted(ctx context.Context, recordedIDs []string) error {
	if r.tags == nil {
		return nil
	}
	found, err := r.client.FindInvocationsByTags(ctx, r.tags)
	if err != nil {
		return fmt.Errorf("looking for batches an interrupted update started: %w", err)
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].CreationTime < found[j].CreationTime })
	urn := resourceURN(ctx)
	var adopted []string
	had := 0
	for _, inv := range found {
		if slices.Contains(recordedIDs, inv.InvokeId) || isRecorded(urn, inv.InvokeId) || r.hasBatch(inv.InvokeId) {
			continue
		}
		b := &batchRun{invokeID: inv.InvokeId, results: map[string]InvocationResult{}}
		for _, ii := range inv.InvokeInstances.InvokeInstance {
			b.ids = append(b.ids, ii.InstanceId)
			b.results[ii.InstanceId] = resultFromStatus(ii, inv.InvokeId)
		}
		r.batches = append(r.batches, b)
		r.queue = setDiff(r.queue, b.ids)
		if r.lost != nil && len(setDiff(r.lost.InstanceIDs, b.ids)) == 0 {
			r.lost = nil // the batch whose answer was lost did start: this is it
		}
		adopted = append(adopted, inv.InvokeId)
		had += len(b.ids)
	}
	r.adopted = len(adopted)
	if len(adopted) > 0 {
		p.GetLogger(ctx).Warning(adoptedMessage(batchesWord(len(adopted)), len(adopted), had, len(r.queue), adopted))
	}
	return nil
}

func (r *rollout) hasBatch(invokeID string) bool {
	for _, b := range r.batches {
		if b.invokeID == invokeID {
			return true
		}
	}
	return false
}
