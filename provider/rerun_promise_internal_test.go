package provider

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A failure message promises a re-run only when a re-run may succeed: a cron that never
// fires again, a released instance or a missing user fail the same way next time.
func TestFailureMessagePromisesNoRerunThatCannotSucceed(t *testing.T) {
	t.Parallel()
	policy := FailIfAny
	st := &InvocationState{InvocationArgs: InvocationArgs{CommandID: "c-1", InstanceIDs: []string{"i-1", "i-2"},
		FailurePolicy: &policy}, InvokeID: "t-1"}
	flaky := []InvocationResult{{InstanceID: "i-1", Status: "Failed", ExitCode: 1, ErrorCode: "ExitCodeNonzero"}}
	assert.Contains(t, failureMessage(st, flaky, false),
		"The invocation is recorded; the next `pulumi up` replaces it and runs the command again.")

	cases := []struct {
		code, change string
	}{
		{"BadCronExpression", "change frequency first"},
		{"InstanceNotExists", "change instanceIds first"},
		{"AccountNotExists", "change username first"},
		{"DirectoryNotExists", "change workingDir first"},
	}
	for _, c := range cases {
		failed := []InvocationResult{{InstanceID: "i-1", Status: "Invalid", ErrorCode: c.code}, flaky[0]}
		msg := failureMessage(st, failed, false)
		assert.NotContains(t, msg, "runs the command again", c.code)
		assert.Contains(t, msg, "running it again unchanged fails the same way ("+c.code+"): "+c.change, c.code)
	}

	fst := &FileState{FileArgs: FileArgs{Name: "a.conf", TargetDir: "/etc", InstanceIDs: []string{"i-1"},
		FailurePolicy: &policy}}
	gone := []InvocationResult{{InstanceID: "i-1", Status: "Invalid", ErrorCode: "InstanceNotExists"}}
	msg := fileFailureMessage(fst, gone)
	assert.NotContains(t, msg, "sends the file again")
	assert.Contains(t, msg, "The file tasks are recorded; running it again unchanged fails the same way "+
		"(InstanceNotExists): change instanceIds first.")
}
