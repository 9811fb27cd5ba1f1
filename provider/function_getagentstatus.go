package provider

import (
	"context"
	_ "embed"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

//go:embed function_getagentstatus.md
var getAgentStatusDoc string

// GetAgentStatus reports whether the Cloud Assistant agent of each instance is installed and
// online: the question to ask before running anything on a fresh instance.
type GetAgentStatus struct{}

// GetAgentStatusArgs are the inputs of getAgentStatus.
type GetAgentStatusArgs struct {
	InstanceIDs []string `pulumi:"instanceIds"`
}

// GetAgentStatusResult is what getAgentStatus returns.
type GetAgentStatusResult struct {
	Instances          []AgentStatus `pulumi:"instances"`
	AllOnline          bool          `pulumi:"allOnline"`
	OfflineInstanceIDs []string      `pulumi:"offlineInstanceIds"`
}

// AgentStatus is the Cloud Assistant agent of one instance.
type AgentStatus struct {
	InstanceID        string `pulumi:"instanceId"`
	Installed         bool   `pulumi:"installed"`
	Online            bool   `pulumi:"online"`
	Version           string `pulumi:"version"`
	OSType            string `pulumi:"osType"`
	LastHeartbeatTime string `pulumi:"lastHeartbeatTime"`
}

var (
	_ = (infer.Fn[GetAgentStatusArgs, GetAgentStatusResult])((*GetAgentStatus)(nil))
	_ = (infer.Annotated)((*GetAgentStatus)(nil))
)

// Annotate documents the function.
func (g *GetAgentStatus) Annotate(a infer.Annotator) {
	a.Describe(g, getAgentStatusDoc)
}

// Annotate documents the inputs.
func (a *GetAgentStatusArgs) Annotate(an infer.Annotator) {
	an.Describe(&a.InstanceIDs, "The instances to report on.")
}

// Annotate documents the result.
func (r *GetAgentStatusResult) Annotate(a infer.Annotator) {
	a.Describe(&r.Instances, "One entry per requested instance, in the order given.")
	a.Describe(&r.AllOnline, "True when the agent of every requested instance is online.")
	a.Describe(&r.OfflineInstanceIDs, "The requested instances whose agent is not online (not installed, "+
		"stopped, or the instance is unknown or not running), in the order given.")
}

// Annotate documents one instance's agent.
func (s *AgentStatus) Annotate(a infer.Annotator) {
	a.Describe(&s.InstanceID, "The instance ID.")
	a.Describe(&s.Installed, "Whether the Cloud Assistant agent is installed on the instance.")
	a.Describe(&s.Online, "Whether the agent is running and reachable, so commands can run now.")
	a.Describe(&s.Version, "The agent's version; empty when it is not installed.")
	a.Describe(&s.OSType, "The instance's operating system family as the service reports it, such as `Linux` or `Windows`.")
	a.Describe(&s.LastHeartbeatTime, "When the agent last reported in (UTC, ISO 8601); empty when never.")
}

// Invoke reads the agents' status.
func (*GetAgentStatus) Invoke(ctx context.Context, req infer.FunctionRequest[GetAgentStatusArgs]) (
	infer.FunctionResponse[GetAgentStatusResult], error,
) {
	client, err := getClient(ctx)
	if err != nil {
		return infer.FunctionResponse[GetAgentStatusResult]{}, err
	}
	statuses, err := agentStatuses(ctx, client, req.Input.InstanceIDs)
	if err != nil {
		return infer.FunctionResponse[GetAgentStatusResult]{}, err
	}
	out := GetAgentStatusResult{Instances: statuses, AllOnline: true, OfflineInstanceIDs: []string{}}
	for _, s := range statuses {
		if !s.Online {
			out.AllOnline = false
			out.OfflineInstanceIDs = append(out.OfflineInstanceIDs, s.InstanceID)
		}
	}
	return infer.FunctionResponse[GetAgentStatusResult]{Output: out}, nil
}

// agentStatuses returns one AgentStatus per requested ID, in order; an instance the service
// does not report is neither installed nor online.
func agentStatuses(ctx context.Context, client *ecsclient.Client, ids []string) ([]AgentStatus, error) {
	raw, err := client.DescribeCloudAssistantStatus(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]ecs.InstanceCloudAssistantStatus, len(raw))
	for _, r := range raw {
		byID[r.InstanceId] = r
	}
	out := make([]AgentStatus, 0, len(ids))
	for _, id := range ids {
		r, ok := byID[id]
		if !ok {
			out = append(out, AgentStatus{InstanceID: id})
			continue
		}
		online := strings.EqualFold(r.CloudAssistantStatus, "true")
		out = append(out, AgentStatus{
			InstanceID:        id,
			Installed:         online || r.CloudAssistantVersion != "",
			Online:            online,
			Version:           r.CloudAssistantVersion,
			OSType:            r.OSType,
			LastHeartbeatTime: r.LastHeartbeatTime,
		})
	}
	return out, nil
}
