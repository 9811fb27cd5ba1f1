package provider

// The enum inputs of RunScript and ScheduledScript. pulumi-go-provider v1.5.0 writes a
// component's `pulumi.*Input` field into the schema as its element's primitive type, never as
// an enum reference; it recognises an enum only on the field's own type. These Output types
// are that type: each lists its enum's values and carries its token, so the schema refs
// `CommandType` / `FailurePolicy` (the SDKs get typed inputs, YAML checks the value) while
// the wire value stays the same string. Construct fills them like any output: a nil pointer
// means the program left the input out.

import (
	"context"
	"reflect"

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

func init() {
	pulumi.RegisterOutputType(CommandTypeOutput{})
	pulumi.RegisterOutputType(FailurePolicyOutput{})
}

// wire is the value a child resource takes: the enum's string, unchanged.
func (o FailurePolicyOutput) wire() pulumi.StringOutput {
	return o.ApplyT(func(v FailurePolicy) string { return string(v) }).(pulumi.StringOutput)
}
