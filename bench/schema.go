package main

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// timeSchema measures provider start to schema served: exec the binary (no engine address,
// so it serves in attach mode), read the port it prints, and call GetSchema. This is the
// fixed cost the engine pays each time it loads the plugin.
func timeSchema(ctx context.Context, binary string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, binary)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("starting %s: %w", binary, err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return 0, fmt.Errorf("reading the provider's port: %w", err)
	}
	conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(line),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	resp, err := pulumirpc.NewResourceProviderClient(conn).GetSchema(ctx, &pulumirpc.GetSchemaRequest{})
	if err != nil {
		return 0, fmt.Errorf("GetSchema: %w", err)
	}
	d := time.Since(start)
	if !strings.Contains(resp.GetSchema(), "cloudassistant:index:Invocation") {
		return 0, fmt.Errorf("the schema served does not define the Invocation")
	}
	return d, nil
}
