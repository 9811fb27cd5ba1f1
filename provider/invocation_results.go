package provider

// Reading what the service reports about an invocation into the resource's results.

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

func refreshResults(ctx context.Context, client *ecsclient.Client, state *InvocationState) error {
	raw, err := client.DescribeInvocationResults(ctx, state.InvokeID)
	if err != nil {
		return err
	}
	state.Results = convertResults(raw)
	state.Status = string(overallStatus(state.Results, deref(state.RepeatMode)))
	return nil
}

func convertResults(raw []ecs.InvocationResult) []InvocationResult {
	out := make([]InvocationResult, 0, len(raw))
	for _, r := range raw {
		status := r.InvocationStatus
		if status == "" {
			status = r.InvokeRecordStatus
		}
		out = append(out, InvocationResult{
			InstanceID:   r.InstanceId,
			Status:       status,
			ExitCode:     int(r.ExitCode),
			Output:       decodeOutput(r.Output),
			Dropped:      r.Dropped,
			ErrorCode:    r.ErrorCode,
			ErrorInfo:    r.ErrorInfo,
			StartTime:    r.StartTime,
			FinishedTime: r.FinishedTime,
			Repeats:      r.Repeats,
		})
	}
	return out
}

// decodeOutput turns the service's Base64 output into text. Output is always text: bytes
// that are not UTF-8 (a Latin-1 byte, a character cut where the service dropped the middle
// of a long output) become U+FFFD, never a Base64 blob. A value that is not Base64 is
// already text (a service that answered in PlainText).
func decodeOutput(s string) string {
	if s == "" {
		return ""
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		raw = []byte(s)
	}
	return strings.ToValidUTF8(string(raw), "\uFFFD")
}
