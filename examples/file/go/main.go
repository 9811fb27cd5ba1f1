// Command file is a Pulumi Go program: `pulumi up` in this directory runs program.Program.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudassistant/pulumi-cloudassistant/examples/file/go/program"
)

func main() {
	pulumi.Run(program.Program)
}
