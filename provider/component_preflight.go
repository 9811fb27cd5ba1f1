package provider

// The preflight of RunScript and ScheduledScript: what their children would fail on, checked
// from inside Construct before the first child is registered, so nothing is created when it
// fails, at preview and at up alike.

import (
	"context"
	"errors"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// preflightScript returns the script once it has passed the preflight: every instance ID
// exists (one read-only DescribeInstances call per 100 IDs) and, when parameters are given,
// every `{{name}}` the script uses has a value. The child Command takes its content from
// it, so a failed preflight registers nothing; its error (named by the component's own
// input paths) becomes the component's error. Unknown values (a preview before an input is
// computed) skip the preflight: the child's own Check judges them later. ids is nil for
// targetTags. The component's children skip the same look-ups in their Check.
func preflightScript(ctx *pulumi.Context, script pulumi.StringInput, params pulumi.StringMapInput,
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
		ApplyTWithContext(ctx.Context(), func(c context.Context, xs []any) (bool, error) {
			text, _ := xs[0].(string)
			given, _ := xs[1].(map[string]string)
			list, _ := xs[2].([]string)
			err := preflightError(c, text, given, hasParams, list)
			noteComponentCause(c, err) // the component's error is this, not the children's marshaling of it
			return err == nil, err
		})
	// The verdict carries no secret (parameter names at most), so the script keeps the
	// secrecy the program gave it, whatever the parameters'.
	passed := pulumi.Unsecret(verdict)
	return pulumi.All(script.ToStringOutput(), passed).ApplyT(func(xs []any) string {
		s, _ := xs[0].(string)
		return s
	}).(pulumi.StringOutput)
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
