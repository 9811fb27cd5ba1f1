package provider

import (
	"testing"
	"time"

	presource "github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
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
	wake, _, stop := wakeOnFailedChild(comp)
	defer stop()
	otherWake, _, otherStop := wakeOnFailedChild(other)
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
	started := time.Now().Add(3 * time.Second) // the stale file is older than this Construct (and its slack)
	assert.Empty(t, readChildFailures(comp, started))

	writeChildFailure(child, "i-1: Failed, exit code 3")
	assert.Equal(t, []string{"i-1: Failed, exit code 3"}, readChildFailures(comp, time.Time{}),
		"what the other process wrote, as this process's Construct reads it")
	assert.Empty(t, readChildFailures(comp, time.Time{}), "read once")
}

// A Construct whose children run in another process wakes when one's failure is written,
// and the child's answer waits for the component's marker.
func TestCrossProcessWake(t *testing.T) {
	comp := presource.URN("urn:pulumi:xwake::proj::cloudassistant:index:RunScript::app")
	child := presource.URN("urn:pulumi:xwake::proj::cloudassistant:index:RunScript$cloudassistant:index:File::app-file-etc/a.conf")
	assert.Equal(t, comp, parentComponent(child))
	assert.Equal(t, comp, parentComponent(presource.URN(
		"urn:pulumi:xwake::proj::cloudassistant:index:RunScript$cloudassistant:index:Invocation::app")))

	found, stop := watchChildFiles(comp, time.Now())
	defer stop()
	writeChildFailure(child, "file failed")
	select {
	case <-found:
	case <-time.After(2 * time.Second):
		t.Fatal("the Construct was not woken by the file")
	}
	noted := time.Now()
	go markAnswered(comp)
	began := time.Now()
	awaitFileAnswer(child, noted)
	assert.Less(t, time.Since(began), answerGrace, "the child's answer waited for the marker, not the whole grace")
	assert.Equal(t, "file failed", takeChildFailure(comp, time.Time{}))
}

// The component's verdict never reaches the child's own Check or its state: a failed one is
// the Check's failure, a passed or still unknown one (a preview) is simply removed.
func TestTakeComponentFailureStripsTheVerdict(t *testing.T) {
	t.Parallel()
	base := property.NewMap(map[string]property.Value{"commandContent": property.New("echo hi")})
	cases := map[string]struct {
		verdict property.Value
		want    string
	}{
		"failed":  {property.New("parameters: the script uses {{name}}"), "parameters: the script uses {{name}}"},
		"passed":  {property.New(""), ""},
		"unknown": {property.New(property.Computed), ""},
	}
	for name, c := range cases {
		news := base.Set(componentFailureInput, c.verdict)
		rest, failure := takeComponentFailure(news)
		assert.Equal(t, c.want, failure, name)
		assert.Equal(t, base.AsMap(), rest.AsMap(), "%s: only the verdict is removed", name)
	}
	rest, failure := takeComponentFailure(base)
	assert.Empty(t, failure, "a resource the program declared has no verdict")
	assert.Equal(t, base.AsMap(), rest.AsMap())
}
