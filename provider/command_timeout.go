package provider

import (
	"context"
	"sync"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

// commandTimeouts remembers, for the life of this provider process (one `pulumi up`), the
// timeout of each command an Invocation waited on. An Invocation without its own timeout
// bounds its wait by its command's, and a stack of N Invocations of one Command would
// otherwise read that Command N times. A command's timeout never changes under its ID
// through this provider (a timeout change replaces the Command; see change_effects.go).
var commandTimeouts sync.Map // commandTimeoutKey → int (seconds)

type commandTimeoutKey struct {
	client    *ecsclient.Client
	commandID string
}

// commandTimeout is the command's timeout in seconds, or defaultCommandTimeout when the
// command says none or cannot be read (the wait is bounded either way).
func commandTimeout(ctx context.Context, client *ecsclient.Client, commandID string) int {
	key := commandTimeoutKey{client, commandID}
	if t, ok := commandTimeouts.Load(key); ok {
		return t.(int)
	}
	cmd, err := client.DescribeCommand(ctx, commandID)
	if err != nil {
		return defaultCommandTimeout // not remembered: the next wait reads it again
	}
	timeout := defaultCommandTimeout
	if cmd.Timeout > 0 {
		timeout = int(cmd.Timeout)
	}
	commandTimeouts.Store(key, timeout)
	return timeout
}
