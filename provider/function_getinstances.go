package provider

import (
	"context"
	_ "embed"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

//go:embed function_getinstances.md
var getInstancesDoc string

// GetInstances lists the instances matching tags, status and a name prefix: how a program
// names a fleet explicitly, so previews show who is added.
type GetInstances struct{}

// GetInstancesArgs are the filters of getInstances.
type GetInstancesArgs struct {
	Tags       map[string]string `pulumi:"tags,optional"`
	Status     *string           `pulumi:"status,optional"`
	NamePrefix *string           `pulumi:"namePrefix,optional"`
}

// GetInstancesResult is what getInstances returns.
type GetInstancesResult struct {
	InstanceIDs []string       `pulumi:"instanceIds"`
	Instances   []InstanceInfo `pulumi:"instances"`
}

// InstanceInfo describes one matching instance.
type InstanceInfo struct {
	InstanceID string            `pulumi:"instanceId"`
	Name       string            `pulumi:"name"`
	Status     string            `pulumi:"status"`
	OSType     string            `pulumi:"osType"`
	Tags       map[string]string `pulumi:"tags"`
}

var (
	_ = (infer.Fn[GetInstancesArgs, GetInstancesResult])((*GetInstances)(nil))
	_ = (infer.Annotated)((*GetInstances)(nil))
)

// instanceStatuses are the DescribeInstances statuses a filter may name.
var instanceStatuses = []string{"Pending", "Running", "Starting", "Stopping", "Stopped"}

// Annotate documents the function.
func (g *GetInstances) Annotate(a infer.Annotator) { a.Describe(g, getInstancesDoc) }

// Annotate documents the filters.
func (a *GetInstancesArgs) Annotate(an infer.Annotator) {
	an.Describe(&a.Tags, "Tags every listed instance carries (at most 20); an empty value matches any value of the key.")
	an.Describe(&a.Status, "Only instances in this status: `Pending`, `Running`, `Starting`, `Stopping` or `Stopped`.")
	an.Describe(&a.NamePrefix, "Only instances whose name starts with this text.")
}

// Annotate documents the result.
func (r *GetInstancesResult) Annotate(a infer.Annotator) {
	a.Describe(&r.InstanceIDs, "The IDs of the matching instances, sorted.")
	a.Describe(&r.Instances, "The matching instances, sorted by ID.")
}

// Annotate documents one instance.
func (i *InstanceInfo) Annotate(a infer.Annotator) {
	a.Describe(&i.InstanceID, "The instance ID.")
	a.Describe(&i.Name, "The instance name.")
	a.Describe(&i.Status, "The instance status, such as `Running` or `Stopped`.")
	a.Describe(&i.OSType, "The operating system family: `linux` or `windows`.")
	a.Describe(&i.Tags, "The instance's tags.")
}

// Invoke lists the instances.
func (*GetInstances) Invoke(ctx context.Context, req infer.FunctionRequest[GetInstancesArgs]) (
	infer.FunctionResponse[GetInstancesResult], error,
) {
	in := req.Input
	var f failures
	f.tags("tags", in.Tags)
	if s := deref(in.Status); s != "" && !slices.Contains(instanceStatuses, s) {
		f.add("status", "is %q; it must be one of %v", s, instanceStatuses)
	}
	if len(f) > 0 {
		return infer.FunctionResponse[GetInstancesResult]{}, fmt.Errorf("getInstances: %s: %s", f[0].Property, f[0].Reason)
	}
	client, err := getClient(ctx)
	if err != nil {
		return infer.FunctionResponse[GetInstancesResult]{}, err
	}
	list, err := findInstances(ctx, client, ecsclient.InstanceFilter{
		Tags: in.Tags, Status: deref(in.Status), NamePrefix: deref(in.NamePrefix),
	})
	if err != nil {
		return infer.FunctionResponse[GetInstancesResult]{}, err
	}
	out := GetInstancesResult{InstanceIDs: make([]string, 0, len(list)), Instances: list}
	for _, i := range list {
		out.InstanceIDs = append(out.InstanceIDs, i.InstanceID)
	}
	return infer.FunctionResponse[GetInstancesResult]{Output: out}, nil
}

// findInstances lists the instances matching f, sorted by ID.
func findInstances(ctx context.Context, client *ecsclient.Client, f ecsclient.InstanceFilter) ([]InstanceInfo, error) {
	raw, err := client.DescribeInstances(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]InstanceInfo, 0, len(raw))
	for _, r := range raw {
		tags := map[string]string{}
		for _, t := range r.Tags.Tag {
			tags[t.TagKey] = t.TagValue
		}
		out = append(out, InstanceInfo{InstanceID: r.InstanceId, Name: r.InstanceName, Status: r.Status,
			OSType: r.OSType, Tags: tags})
	}
	return out, nil
}
