package provider

// The agent wait of RunScript and ScheduledScript: a fresh instance's Cloud Assistant agent
// takes a while to come online, and an invocation sent before then fails on that instance.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/poll"
)

// defaultAgentTimeout bounds the agent wait when the program says nothing.
const defaultAgentTimeout = 5 * time.Minute

// waitForAgents polls until every instance's agent is online, or fails after timeout with an
// error naming each instance that never came online and why. report, when set, hears the
// progress ("2/3 Cloud Assistant agents online").
func waitForAgents(ctx context.Context, client *ecsclient.Client, ids []string, timeout time.Duration,
	report func(string),
) error {
	if len(ids) == 0 {
		return nil
	}
	if timeout <= 0 {
		timeout = defaultAgentTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	last := ""
	var offline []AgentStatus
	for n := 0; ; n++ {
		statuses, err := agentStatuses(ecsclient.Patient(ctx, report), client, ids)
		switch {
		case err == nil:
			offline = offline[:0]
			for _, s := range statuses {
				if !s.Online {
					offline = append(offline, s)
				}
			}
			if len(offline) == 0 {
				return nil
			}
			if line := fmt.Sprintf("%d/%d Cloud Assistant agents online", len(ids)-len(offline), len(ids)); report != nil && line != last {
				report(line)
				last = line
			}
		case ctx.Err() == nil:
			return fmt.Errorf("waiting for the Cloud Assistant agent: %w", err)
		}
		if !poll.SleepUntil(ctx, time.Now().Add(poll.Agents.Delay(n, 0))) {
			if offline == nil {
				return fmt.Errorf("waiting for the Cloud Assistant agent on %d instance%s: no status within %s",
					len(ids), pluralS(len(ids)), timeout)
			}
			return agentTimeoutError(offline, len(ids), timeout)
		}
	}
}

func agentTimeoutError(offline []AgentStatus, total int, timeout time.Duration) error {
	var b strings.Builder
	fmt.Fprintf(&b, "the Cloud Assistant agent did not come online within %s on %d of %d instance%s:",
		timeout, len(offline), total, pluralS(total))
	for _, s := range offline {
		fmt.Fprintf(&b, "\n  %s: %s", s.InstanceID, agentState(s))
	}
	b.WriteString("\nInstall or start the Cloud Assistant agent on these instances (and make sure they are " +
		"running), raise agentTimeout, or set waitForAgent to false.")
	return fmt.Errorf("%s", b.String())
}

func agentState(s AgentStatus) string {
	switch {
	case !s.Installed && s.Version == "" && s.LastHeartbeatTime == "" && s.OSType == "":
		return "agent not installed, or the instance is unknown"
	case !s.Installed:
		return "agent not installed"
	case s.LastHeartbeatTime != "":
		return fmt.Sprintf("agent %s installed but offline (last heartbeat %s)", s.Version, s.LastHeartbeatTime)
	}
	return fmt.Sprintf("agent %s installed but offline", s.Version)
}

// agentReadyIDs passes the instance IDs on to the Invocation (and the Files), in an update
// only once every instance's agent is online (unless waitForAgent is false), with the wait's
// verdict for their Check (component_causes.go): "" once the agents are online, else why not.
// In preview nothing is called.
func agentReadyIDs(ctx *pulumi.Context, comp pulumi.Resource, ids pulumi.StringArrayInput,
	wait pulumi.BoolPtrInput, timeout pulumi.IntPtrInput,
) (pulumi.StringArrayOutput, pulumi.StringOutput) {
	if ctx.DryRun() {
		return ids.ToStringArrayOutput(), pulumi.String("").ToStringOutput()
	}
	if wait == nil {
		wait = pulumi.BoolPtr(true)
	}
	if timeout == nil {
		timeout = pulumi.IntPtr(0) // 0: the default
	}
	// The typed outputs normalize what Construct decoded (a plain Int or Bool) to pointers.
	all := pulumi.All(ids.ToStringArrayOutput(), wait.ToBoolPtrOutput(), timeout.ToIntPtrOutput())
	verdict := all.ApplyTWithContext(ctx.Context(), func(c context.Context, xs []any) string {
		list, _ := xs[0].([]string)
		if w, _ := xs[1].(*bool); w != nil && !*w {
			return ""
		}
		limit := defaultAgentTimeout
		if t, _ := xs[2].(*int); t != nil && *t > 0 {
			limit = time.Duration(*t) * time.Second
		}
		client, err := getClient(c)
		if err != nil {
			return err.Error()
		}
		report := func(line string) {
			_ = ctx.Log.Info(line, &pulumi.LogArgs{Resource: comp, Ephemeral: true})
		}
		if err := waitForAgents(c, client, list, limit, report); err != nil {
			return err.Error()
		}
		return ""
	}).(pulumi.StringOutput)
	// The IDs wait for the verdict, so nothing reaches an instance before its agent is online.
	ready := pulumi.All(ids.ToStringArrayOutput(), verdict).ApplyT(func(xs []any) []string {
		list, _ := xs[0].([]string)
		return list
	}).(pulumi.StringArrayOutput)
	return ready, verdict
}
