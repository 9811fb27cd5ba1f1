package emulator

import (
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestModifyInvocationLimits: the limits of ModifyInvocationAttribute's reference: at most
// 100 instances in the task after the change, and new content of at most 18 KB after Base64
// when the task's command is kept, 24 KB when it is not (RunCommand without KeepCommand).
func TestModifyInvocationLimits(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{InstanceCount: 101})
	c := client(t, srv)
	ids := srv.InstanceIDs()
	cmd := mkCommand(t, c, "true", nil)
	kept := mkInvoke(t, c, cmd, ids[:100], func(r *ecs.InvokeCommandRequest) { r.Frequency = "rate(1h)" })

	modify := func(invokeID string, mod func(*ecs.ModifyInvocationAttributeRequest)) error {
		req := ecs.CreateModifyInvocationAttributeRequest()
		req.InvokeId = invokeID
		mod(req)
		_, err := c.ModifyInvocationAttribute(req)
		return err
	}
	err := modify(kept, func(r *ecs.ModifyInvocationAttributeRequest) { r.InstanceId = &[]string{ids[100]} })
	requireCode(t, err, "InvalidInstanceId.CountLimitExceeded", 403)
	assert.Equal(t, "The count of the parameter InstanceId exceeds the limit of 100.", serverError(t, err).Message())
	require.NoError(t, modify(kept, func(r *ecs.ModifyInvocationAttributeRequest) { r.InstanceId = &[]string{ids[0]} }),
		"an instance the task has already does not count twice")

	// 19 KB of content is 25.3 KB after Base64: over both limits; 14 KB (18.7 KB) is over the
	// kept command's 18 KB only.
	over18 := strings.Repeat("x", 14*1024)
	err = modify(kept, func(r *ecs.ModifyInvocationAttributeRequest) { r.CommandContent = over18 })
	requireCode(t, err, "InvalidCommandContent.LengthLimitExceeded", 403)
	assert.Equal(t, "The length of the parameter CommandContent exceeds the limit of 18 KB characters.", serverError(t, err).Message())

	run := ecs.CreateRunCommandRequest()
	run.Type, run.CommandContent, run.InstanceId, run.Frequency = "RunShellScript", "true", &[]string{ids[0]}, "rate(1h)"
	resp, err := c.RunCommand(run)
	require.NoError(t, err)
	require.NoError(t, modify(resp.InvokeId, func(r *ecs.ModifyInvocationAttributeRequest) { r.CommandContent = over18 }),
		"a task whose command is not kept takes 24 KB")
	err = modify(resp.InvokeId, func(r *ecs.ModifyInvocationAttributeRequest) { r.CommandContent = strings.Repeat("x", 19*1024) })
	requireCode(t, err, "InvalidCommandContent.LengthLimitExceeded", 403)
	assert.Equal(t, "The length of the parameter CommandContent exceeds the limit of 24 KB characters.", serverError(t, err).Message())
}
