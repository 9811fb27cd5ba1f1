package provider

// `parameters` on an Invocation of a command created without enableParameter. The Invocation
// cannot see the Command's setting from its inputs (only its ID), and looking it up before
// every InvokeCommand would cost a call on every run to catch a mistake the service reports
// by itself: InvokeCommand answers Parameter.Disabled and starts nothing. That answer is turned
// into the fix, naming the property and the command, never a value.

import (
	"fmt"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

// codeParameterDisabled is the service's answer to Parameters for a command whose custom
// parameters are off.
const codeParameterDisabled = "Parameter.Disabled"

// withParameterHint explains a Parameter.Disabled answer to InvokeCommand of commandID; any
// other error passes unchanged. The service's own text stays after the hint (it is scrubbed
// of parameter values like every API error).
func withParameterHint(err error, commandID string) error {
	if ecsclient.Code(err) != codeParameterDisabled {
		return err
	}
	return fmt.Errorf("parameters: command %s was created without enableParameter; set enableParameter: true on "+
		"the Command (or leave parameters out): %w", commandID, err)
}
