package provider

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestOverallStatus(t *testing.T) {
	t.Parallel()
	rs := func(statuses ...string) []InvocationResult {
		out := make([]InvocationResult, len(statuses))
		for i, s := range statuses {
			out[i] = InvocationResult{Status: s}
		}
		return out
	}
	cases := []struct {
		mode     RepeatMode
		statuses []string
		want     string
	}{
		{RepeatOnce, nil, "Pending"},
		{RepeatOnce, []string{"Success", "Running"}, "Running"},
		{RepeatOnce, []string{"Success", "Pending"}, "Pending"},
		{RepeatOnce, []string{"Success", "Success"}, "Success"},
		{RepeatOnce, []string{"Success", "Cancelled"}, "Success"},
		{RepeatOnce, []string{"Cancelled", "Terminated"}, "Stopped"},
		{RepeatOnce, []string{"Failed", "Timeout"}, "Failed"},
		{RepeatOnce, []string{"Failed", "Cancelled"}, "Failed"},
		{RepeatOnce, []string{"Success", "Aborted"}, "PartialFailed"},
		{RepeatPeriod, []string{"Scheduled", "Scheduled"}, "Scheduled"},
		{RepeatPeriod, []string{"Scheduled", "Invalid"}, "PartialFailed"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, string(overallStatus(rs(c.statuses...), c.mode)), "%s %v", c.mode, c.statuses)
	}
}

func TestPolicy(t *testing.T) {
	t.Parallel()
	partial := []InvocationResult{{Status: "Success"}, {Status: "Failed"}}
	all := []InvocationResult{{Status: "Failed"}, {Status: "Error"}}
	assert.True(t, violates(FailIfAny, partial, RepeatOnce, 2))
	assert.False(t, violates(FailIfAll, partial, RepeatOnce, 2))
	assert.True(t, violates(FailIfAll, all, RepeatOnce, 2))
	assert.False(t, violates(NeverFail, all, RepeatOnce, 2))
	assert.False(t, violates(FailIfAny, []InvocationResult{{Status: "Scheduled"}}, RepeatPeriod, 1))
}

func TestFailureMessageMasksParametersAndHidesSecretOutput(t *testing.T) {
	t.Parallel()
	policy := FailIfAny
	st := &InvocationState{InvocationArgs: InvocationArgs{CommandID: "c-1", InstanceIDs: []string{"i-1", "i-2"},
		Parameters: map[string]string{"pw": "swordfish"}, FailurePolicy: &policy}, InvokeID: "t-1"}
	failed := []InvocationResult{{InstanceID: "i-1", Status: "Failed", ExitCode: 2, ErrorCode: "ExitCodeNonzero",
		Output: "1\n2\n3\nlogin with swordfish failed\n"}}
	msg := failureMessage(st, failed, false)
	assert.Contains(t, msg, "invocation t-1 of command c-1 failed on 1 of 2 instances (failurePolicy FailIfAny)")
	assert.True(t, strings.HasPrefix(msg, "i-1: Failed, exit code 2, error ExitCodeNonzero"),
		"the message leads with the failed instance's status and exit code: %s", msg)
	assert.Contains(t, msg, "login with [secret] failed")
	assert.NotContains(t, msg, "swordfish")
	hidden := failureMessage(st, failed, true)
	assert.Contains(t, hidden, "output hidden")
	assert.NotContains(t, hidden, "login")
}

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
	gone := []FileResult{{InstanceID: "i-1", Status: "Invalid", ErrorCode: "InstanceNotExists"}}
	msg := fileFailureMessage(fst, gone)
	assert.NotContains(t, msg, "sends the file again")
	assert.Contains(t, msg, "The file tasks are recorded; running it again unchanged fails the same way "+
		"(InstanceNotExists): change instanceIds first.")
}
