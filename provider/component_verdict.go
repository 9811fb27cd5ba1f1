package provider

// How a component's own validation failure (its preflight, its agent wait) fails the
// deployment cleanly. A Construct that fails makes the engine answer the program's
// registration of the component with `resource monitor shut down` (an unhandled exception in
// Node.js, a traceback in Python), and a child whose input output rejects fails the Construct
// the same way. So the verdict travels as one more input of the child it gates, never a
// rejected one: the child's Check (reportCauses) fails with the verdict's text, before the
// child's own Check and before anything is created, which is a child's failure like any other
// (component_causes.go): the component's error diagnostic, and a failed deployment.

import (
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// componentFailureInput is the child input that carries the component's verdict: "" when its
// checks passed. Check removes it before the child's own Check, so it is never in the state.
const componentFailureInput = "componentFailure"

// gateOn adds the component's verdict to a child's inputs.
func gateOn(m pulumi.Map, verdict pulumi.StringOutput) {
	m[componentFailureInput] = verdict
}

// takeComponentFailure returns news without the verdict input and the verdict's text ("" when
// it passed, is unknown at preview, or is absent: a resource the program declared itself).
func takeComponentFailure(news property.Map) (property.Map, string) {
	v, ok := news.GetOk(componentFailureInput)
	if !ok {
		return news, ""
	}
	rest := news.Delete(componentFailureInput)
	if !v.IsString() {
		return rest, ""
	}
	return rest, v.AsString()
}
