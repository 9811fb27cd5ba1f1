package provider

import (
	"context"
	"sync"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/poll"
)

// commandFacts remembers, for the life of this provider process (one `pulumi up` or
// preview), what the Invocations need to know of each command they run: its timeout (an
// Invocation without its own bounds its wait by it) and its parameters (Check fails a
// `{{name}}` without a value). A stack of N Invocations of one Command would otherwise
// read that Command N times. Neither changes under a command's ID through this provider
// (a change of content or timeout replaces the Command; see change_effects.go).
var commandFacts sync.Map // commandFactsKey → commandFact

type commandFactsKey struct {
	client    *ecsclient.Client
	commandID string
}

// commandFact is what is remembered of one command.
type commandFact struct {
	timeout         int // seconds; 0 when the command says none
	enableParameter bool
	parameterNames  []string
}

// describeCommandOnce reads a command once per process; a failed read is not remembered.
func describeCommandOnce(ctx context.Context, client *ecsclient.Client, commandID string) (commandFact, error) {
	key := commandFactsKey{client, commandID}
	if f, ok := commandFacts.Load(key); ok {
		return f.(commandFact), nil
	}
	cmd, err := client.DescribeCommand(ctx, commandID)
	if err != nil {
		return commandFact{}, err
	}
	f := commandFact{timeout: int(cmd.Timeout), enableParameter: cmd.EnableParameter,
		parameterNames: append([]string(nil), cmd.ParameterNames.ParameterName...)}
	commandFacts.Store(key, f)
	return f, nil
}

// commandTimeout is the command's timeout in seconds, or poll.DefaultCommandTimeout when the
// command says none or cannot be read (the wait is bounded either way).
func commandTimeout(ctx context.Context, client *ecsclient.Client, commandID string) int {
	f, err := describeCommandOnce(ctx, client, commandID)
	if err != nil || f.timeout <= 0 {
		return poll.DefaultCommandTimeout // a failed read is not remembered: the next wait reads it again
	}
	return f.timeout
}
