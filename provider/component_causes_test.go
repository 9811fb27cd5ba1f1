package provider

import (
	"testing"
	"time"

	presource "github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
)

// A component takes the failures of its own children only: same stack, its type as the
// parent, its name (or its Files' `<name>-file-…`).
func TestTakeChildFailureMatchesOwnChildrenOnly(t *testing.T) {
	comp := presource.URN("urn:pulumi:dev::proj::cloudassistant:index:RunScript::app")
	child := func(typ, name string) presource.URN {
		return presource.URN("urn:pulumi:dev::proj::cloudassistant:index:RunScript$cloudassistant:index:" + typ + "::" + name)
	}
	noteChildFailure(child("Invocation", "app"), "i-1: Failed, exit code 3")
	noteChildFailure(child("File", "app-file-etc/app.conf"), "file failed")
	noteChildFailure(child("Invocation", "other"), "not mine")
	noteChildFailure(presource.URN("urn:pulumi:prod::proj::cloudassistant:index:RunScript$cloudassistant:index:Invocation::app"), "other stack")
	noteChildFailure(presource.URN("urn:pulumi:dev::proj::cloudassistant:index:Invocation::app"), "not a child at all")

	got := takeChildFailure(comp, time.Time{})
	assert.Contains(t, got, "i-1: Failed, exit code 3")
	assert.Contains(t, got, "file failed")
	assert.NotContains(t, got, "not mine")
	assert.NotContains(t, got, "other stack")
	assert.NotContains(t, got, "not a child")
	assert.Empty(t, takeChildFailure(comp, time.Time{}), "a failure is reported once")
	assert.Equal(t, "not mine", takeChildFailure(presource.URN("urn:pulumi:dev::proj::cloudassistant:index:RunScript::other"), time.Time{}))
}

// A child's failure wakes its component's Construct, and only its own.
func TestRejectedChildWakesItsComponent(t *testing.T) {
	comp := presource.URN("urn:pulumi:dev::proj::cloudassistant:index:ScheduledScript::nightly")
	other := presource.URN("urn:pulumi:dev::proj::cloudassistant:index:ScheduledScript::weekly")
	wake, stop := wakeOnFailedChild(comp)
	defer stop()
	otherWake, otherStop := wakeOnFailedChild(other)
	defer otherStop()
	noteChildFailure(presource.URN("urn:pulumi:dev::proj::cloudassistant:index:ScheduledScript$cloudassistant:index:Invocation::nightly"),
		"frequency: is in the past")
	select {
	case <-wake:
	default:
		t.Fatal("the component was not woken")
	}
	select {
	case <-otherWake:
		t.Fatal("another component was woken")
	default:
	}
	assert.Equal(t, "frequency: is in the past", takeChildFailure(comp, time.Time{}))
}

// A YAML program's component and its children run in two provider processes (the YAML host
// sends no download URL, the children ask for one): a child's failure written by one process
// is what the other's Construct reports, once, and only failures since it started.
func TestChildFailureCrossesProcesses(t *testing.T) {
	comp := presource.URN("urn:pulumi:xproc::proj::cloudassistant:index:RunScript::app")
	child := presource.URN("urn:pulumi:xproc::proj::cloudassistant:index:RunScript$cloudassistant:index:Invocation::app")
	writeChildFailure(child, "from an earlier run")
	started := time.Now().Add(time.Second) // the stale file is older than this Construct
	assert.Empty(t, readChildFailures(comp, started))

	writeChildFailure(child, "i-1: Failed, exit code 3")
	assert.Equal(t, []string{"i-1: Failed, exit code 3"}, readChildFailures(comp, time.Time{}),
		"what the other process wrote, as this process's Construct reads it")
	assert.Empty(t, readChildFailures(comp, time.Time{}), "read once")
}
