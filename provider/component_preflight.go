package provider

// The preflight of RunScript and ScheduledScript: what their children would fail on, checked
// from inside Construct and failed by the first child's Check, so nothing is created when it
// fails, at preview and at up alike.

import (
	"context"
	"errors"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// preflightVerdict is the preflight's verdict, for the child Command's Check
// (component_verdict.go): "" once every instance ID exists (one read-only DescribeInstances
// call per 100 IDs) and, when parameters are given, every `{{name}}` the script uses has a
// value; else the failures, named by the component's own input paths. The Command's Check
// fails with it before anything is created, at preview and at up alike. Unknown values (a
// preview before an input is computed) leave it unknown: the child's own Check judges them
// later. ids is nil for targetTags. The component's children skip the same look-ups in their
// Check.
func preflightVerdict(ctx *pulumi.Context, script pulumi.StringInput, params pulumi.StringMapInput,
	ids pulumi.StringArrayInput,
) pulumi.StringOutput {
	hasParams := params != nil
	if params == nil {
		params = pulumi.StringMap{}
	}
	if ids == nil {
		ids = pulumi.StringArray{}
	}
	verdict := pulumi.All(script.ToStringOutput(), params.ToStringMapOutput(), ids.ToStringArrayOutput()).
		ApplyTWithContext(ctx.Context(), func(c context.Context, xs []any) string {
			text, _ := xs[0].(string)
			given, _ := xs[1].(map[string]string)
			list, _ := xs[2].([]string)
			if err := preflightError(c, text, given, hasParams, list); err != nil {
				return err.Error()
			}
			return ""
		}).(pulumi.StringOutput)
	// The verdict carries no secret (parameter names at most), whatever the parameters'.
	return pulumi.Unsecret(verdict).(pulumi.StringOutput)
}

// preflightError is the preflight's verdict: nil, or every failure, one per line.
func preflightError(ctx context.Context, script string, params map[string]string, hasParams bool, ids []string) error {
	var f failures
	if hasParams {
		if missing := unsetParameters(scriptParameterNames(script), params); len(missing) > 0 {
			f.addQuiet("parameters", "%s", unsetParametersReason("the script", missing))
		}
	}
	if len(ids) > 0 {
		checkInstancesExist(ctx, &f, "instanceIds", ids, property.Map{})
	}
	if len(f) == 0 {
		return nil
	}
	return errors.New(checkFailureText(f))
}
