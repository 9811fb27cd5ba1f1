package provider

// The input and output types of RunScript and ScheduledScript, and their registration.
//
// The enum inputs of RunScript and ScheduledScript. pulumi-go-provider v1.5.0 writes a
// component's `pulumi.*Input` field into the schema as its element's primitive type, never as
// an enum reference; it recognises an enum only on the field's own type. These Output types
// are that type: each lists its enum's values and carries its token, so the schema refs
// `CommandType` / `FailurePolicy` (the SDKs get typed inputs, YAML checks the value) while
// the wire value stays the same string. Construct fills them like any output: a nil pointer
// means the program left the input out.

import (
	"context"
	_ "embed"
	"reflect"
	"sync"

	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// CommandTypeOutput is a component's `type` input.
type CommandTypeOutput struct{ *pulumi.OutputState }

// ElementType implements pulumi.Output.
func (CommandTypeOutput) ElementType() reflect.Type { return reflect.TypeFor[CommandType]() }

// Values makes the schema ref the CommandType enum.
func (CommandTypeOutput) Values() []infer.EnumValue[CommandType] { return CommandType("").Values() }

// Annotate gives the enum's own token, so the ref names CommandType.
func (*CommandTypeOutput) Annotate(a infer.Annotator) { a.SetToken("index", "CommandType") }

// ToCommandTypeOutput returns the output itself.
func (o CommandTypeOutput) ToCommandTypeOutput() CommandTypeOutput { return o }

// ToCommandTypeOutputWithContext returns the output itself.
func (o CommandTypeOutput) ToCommandTypeOutputWithContext(context.Context) CommandTypeOutput {
	return o
}

// FailurePolicyOutput is RunScript's `failurePolicy` input.
type FailurePolicyOutput struct{ *pulumi.OutputState }

// ElementType implements pulumi.Output.
func (FailurePolicyOutput) ElementType() reflect.Type { return reflect.TypeFor[FailurePolicy]() }

// Values makes the schema ref the FailurePolicy enum.
func (FailurePolicyOutput) Values() []infer.EnumValue[FailurePolicy] {
	return FailurePolicy("").Values()
}

// Annotate gives the enum's own token, so the ref names FailurePolicy.
func (*FailurePolicyOutput) Annotate(a infer.Annotator) { a.SetToken("index", "FailurePolicy") }

// ToFailurePolicyOutput returns the output itself.
func (o FailurePolicyOutput) ToFailurePolicyOutput() FailurePolicyOutput { return o }

// ToFailurePolicyOutputWithContext returns the output itself.
func (o FailurePolicyOutput) ToFailurePolicyOutputWithContext(context.Context) FailurePolicyOutput {
	return o
}

// wire is the value a child resource takes: the enum's string, unchanged.
func (o FailurePolicyOutput) wire() pulumi.StringOutput {
	return o.ApplyT(func(v FailurePolicy) string { return string(v) }).(pulumi.StringOutput)
}

// InvocationResultArrayOutput is an Output of per-instance results: it gives the
// components' `results` output its typed schema and carries the child's values.
type InvocationResultArrayOutput struct{ *pulumi.OutputState }

// ElementType implements pulumi.Output.
func (InvocationResultArrayOutput) ElementType() reflect.Type {
	return reflect.TypeFor[[]InvocationResult]()
}

// ToInvocationResultArrayOutput returns the output itself.
func (o InvocationResultArrayOutput) ToInvocationResultArrayOutput() InvocationResultArrayOutput {
	return o
}

// ToInvocationResultArrayOutputWithContext returns the output itself.
func (o InvocationResultArrayOutput) ToInvocationResultArrayOutputWithContext(context.Context) InvocationResultArrayOutput {
	return o
}

// The input and output types that carry `files` into Construct with each value's own
// secretness and unknownness, as a generated SDK's types would.

// RunScriptFileInput is an input of RunScriptFile.
type RunScriptFileInput interface {
	pulumi.Input
	ToRunScriptFileOutput() RunScriptFileOutput
	ToRunScriptFileOutputWithContext(context.Context) RunScriptFileOutput
}

// RunScriptFileArgs is a RunScriptFile of inputs.
type RunScriptFileArgs struct {
	Path    pulumi.StringInput    `pulumi:"path"`
	Content pulumi.StringInput    `pulumi:"content"`
	Mode    pulumi.StringPtrInput `pulumi:"mode"`
}

// ElementType implements pulumi.Input.
func (RunScriptFileArgs) ElementType() reflect.Type { return reflect.TypeFor[RunScriptFile]() }

// ToRunScriptFileOutput converts the inputs to an output.
func (a RunScriptFileArgs) ToRunScriptFileOutput() RunScriptFileOutput {
	return pulumi.ToOutput(a).(RunScriptFileOutput)
}

// ToRunScriptFileOutputWithContext converts the inputs to an output.
func (a RunScriptFileArgs) ToRunScriptFileOutputWithContext(ctx context.Context) RunScriptFileOutput {
	return pulumi.ToOutputWithContext(ctx, a).(RunScriptFileOutput)
}

// RunScriptFileOutput is an output of RunScriptFile.
type RunScriptFileOutput struct{ *pulumi.OutputState }

// ElementType implements pulumi.Output.
func (RunScriptFileOutput) ElementType() reflect.Type { return reflect.TypeFor[RunScriptFile]() }

// ToRunScriptFileOutput returns the output itself.
func (o RunScriptFileOutput) ToRunScriptFileOutput() RunScriptFileOutput { return o }

// ToRunScriptFileOutputWithContext returns the output itself.
func (o RunScriptFileOutput) ToRunScriptFileOutputWithContext(context.Context) RunScriptFileOutput {
	return o
}

// RunScriptFileArrayInput is an input of a list of RunScriptFile.
type RunScriptFileArrayInput interface {
	pulumi.Input
	ToRunScriptFileArrayOutput() RunScriptFileArrayOutput
	ToRunScriptFileArrayOutputWithContext(context.Context) RunScriptFileArrayOutput
}

// RunScriptFileArray is a list of RunScriptFile inputs.
type RunScriptFileArray []RunScriptFileInput

// ElementType implements pulumi.Input.
func (RunScriptFileArray) ElementType() reflect.Type { return reflect.TypeFor[[]RunScriptFile]() }

// ToRunScriptFileArrayOutput converts the inputs to an output.
func (a RunScriptFileArray) ToRunScriptFileArrayOutput() RunScriptFileArrayOutput {
	return pulumi.ToOutput(a).(RunScriptFileArrayOutput)
}

// ToRunScriptFileArrayOutputWithContext converts the inputs to an output.
func (a RunScriptFileArray) ToRunScriptFileArrayOutputWithContext(ctx context.Context) RunScriptFileArrayOutput {
	return pulumi.ToOutputWithContext(ctx, a).(RunScriptFileArrayOutput)
}

// RunScriptFileArrayOutput is an output of a list of RunScriptFile.
type RunScriptFileArrayOutput struct{ *pulumi.OutputState }

// ElementType implements pulumi.Output.
func (RunScriptFileArrayOutput) ElementType() reflect.Type { return reflect.TypeFor[[]RunScriptFile]() }

// ToRunScriptFileArrayOutput returns the output itself.
func (o RunScriptFileArrayOutput) ToRunScriptFileArrayOutput() RunScriptFileArrayOutput { return o }

// ToRunScriptFileArrayOutputWithContext returns the output itself.
func (o RunScriptFileArrayOutput) ToRunScriptFileArrayOutputWithContext(context.Context) RunScriptFileArrayOutput {
	return o
}

// registerComponentTypes tells the Pulumi runtime about the input and output types above, so
// Construct can build and resolve them. New calls it; the runtime refuses a second
// registration of a type, hence the once.
var registerComponentTypes = sync.OnceFunc(func() {
	pulumi.RegisterOutputType(CommandTypeOutput{})
	pulumi.RegisterOutputType(FailurePolicyOutput{})
	pulumi.RegisterOutputType(InvocationResultArrayOutput{})
	pulumi.RegisterInputType(reflect.TypeFor[RunScriptFileInput](), RunScriptFileArgs{})
	pulumi.RegisterInputType(reflect.TypeFor[RunScriptFileArrayInput](), RunScriptFileArray{})
	pulumi.RegisterOutputType(RunScriptFileOutput{})
	pulumi.RegisterOutputType(RunScriptFileArrayOutput{})
})

// RunScriptFile is one file a RunScript delivers before its script runs.
type RunScriptFile struct {
	Path    string  `pulumi:"path"`
	Content string  `pulumi:"content"`
	Mode    *string `pulumi:"mode,optional"`
}

// Annotate documents the fields; the texts become the SDKs' docs.
func (f *RunScriptFile) Annotate(a infer.Annotator) {
	a.Describe(&f.Path, "The file's absolute path on the instances, such as `/etc/myapp/app.conf`.")
	a.Describe(&f.Content, "The file's content as text, at most 24,576 bytes (32 KB after Base64). Secret when "+
		"the program makes it one.")
	a.Describe(&f.Mode, "The file's permissions as 3 or 4 octal digits, such as `0644` (the default) or `0755`.")
}
