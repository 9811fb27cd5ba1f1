package provider

// ScheduledScript's nextRuns: the next fire times, shown at preview. A rate(…) schedule fires
// on a grid that starts at the invocation's creation (the service's rule, and the emulator's),
// so once the Invocation exists its grid comes from the service's CreationTime: counting from
// "now" instead gave every preview new values, a diff in every pull request.

import (
	"context"
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/frequency"
)

// scheduleNextRuns computes nextRuns from the schedule and, for rate(…), from the creation
// time of the invocation invokeID names. The invokeID is awaited, not combined: while the
// Invocation is still to be created (a first preview) it is unknown, and the list then counts
// from now instead of becoming unknown itself.
func scheduleNextRuns(ctx *pulumi.Context, schedule pulumi.StringInput, invokeID pulumi.StringOutput) pulumi.StringArrayOutput {
	return schedule.ToStringOutput().ApplyTWithContext(ctx.Context(), func(c context.Context, s string) ([]string, error) {
		sch, err := frequency.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("schedule: %w", err)
		}
		if rate, ok := sch.(*frequency.RateSchedule); ok {
			if created, ok := invocationCreated(c, invokeID); ok {
				anchored := *rate
				anchored.Start = created.Add(rate.Every) // the first fire, then every Every
				sch = &anchored
			}
		}
		return nextRuns(sch, time.Now().UTC(), nextRunsCount), nil
	}).(pulumi.StringArrayOutput)
}

// invocationCreated is the service's CreationTime of the invocation, when its ID is known
// and the service answers; otherwise false, and the caller counts from now.
func invocationCreated(ctx context.Context, invokeID pulumi.StringOutput) (time.Time, bool) {
	id, err := internals.UnsafeAwaitOutput(ctx, invokeID)
	if err != nil || !id.Known {
		return time.Time{}, false
	}
	s, _ := id.Value.(string)
	if s == "" {
		return time.Time{}, false
	}
	client, err := getClient(ctx)
	if err != nil {
		return time.Time{}, false
	}
	inv, err := client.DescribeInvocation(ctx, s)
	if err != nil {
		return time.Time{}, false
	}
	created, err := time.Parse(time.RFC3339, inv.CreationTime)
	return created, err == nil
}

// nextRuns lists the next n fire times of a schedule after from, as RFC 3339 strings in the
// schedule's own time zone; empty once an at(…) has passed.
func nextRuns(sch frequency.Schedule, from time.Time, n int) []string {
	out := []string{}
	for _, t := range frequency.NextN(sch, from, n) {
		out = append(out, t.Format(time.RFC3339))
	}
	return out
}
