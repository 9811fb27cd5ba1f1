// Command cloudassistant-emulator serves the emulated ECS Cloud Assistant API on a local port;
// it only turns flags into emulator.Options, and prints the endpoint and credentials to use.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
)

// Environment variables that supply the credentials when the flags are absent. They are the
// emulator's own, not the SDK's, so real credentials in the shell are never echoed.
const (
	envAccessKeyID     = "CLOUDASSISTANT_EMULATOR_ACCESS_KEY_ID"
	envAccessKeySecret = "CLOUDASSISTANT_EMULATOR_ACCESS_KEY_SECRET"
)

func main() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	if err := run(os.Args[1:], os.Stdout, os.Stderr, sig); err != nil {
		fmt.Fprintln(os.Stderr, "cloudassistant-emulator:", err)
		os.Exit(1)
	}
}

// run serves until stop delivers a signal.
func run(args []string, stdout, stderr io.Writer, stop <-chan os.Signal) error {
	opts, cf, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if cf.verbose {
		opts.Log = stderr
	}
	srv, err := emulator.New(opts)
	if err != nil {
		return err
	}
	// The endpoint comes first: scripts read the first line to find the port.
	fmt.Fprintf(stdout, "endpoint: %s\n", srv.URL())
	fmt.Fprintf(stdout, "region: %s\n", srv.Region())
	fmt.Fprintf(stdout, "access-key-id: %s\n", srv.AccessKeyID())
	fmt.Fprintf(stdout, "access-key-secret: %s\n", srv.AccessKeySecret())
	fmt.Fprintf(stdout, "instances: %s\n", strings.Join(srv.InstanceIDs(), ","))
	fmt.Fprintf(stdout, "role-arn: %s\n", srv.RoleArn(srv.RoleNames()[0]))
	fmt.Fprintf(stdout, "oidc-provider-arn: %s\n", srv.OIDCProviderArn())
	if cf.oidcTokenFile != "" {
		if err := os.WriteFile(cf.oidcTokenFile, []byte(srv.OIDCToken("emulator-ci", time.Hour)), 0o600); err != nil {
			_ = srv.Close()
			return fmt.Errorf("writing the OIDC token: %w", err)
		}
	}

	s := <-stop
	fmt.Fprintf(stderr, "cloudassistant-emulator: %v: shutting down\n", s)
	return srv.Close()
}

// cliFlags are the flags that are not emulator options.
type cliFlags struct {
	verbose       bool
	oidcTokenFile string
}

func parseFlags(args []string, stderr io.Writer) (emulator.Options, cliFlags, error) {
	var o emulator.Options
	var instancesFile string
	var verbose bool
	var oidcTokenFile string
	fs := flag.NewFlagSet("cloudassistant-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.Listen, "listen", emulator.DefaultListen, "address to listen on (loopback only unless --allow-remote)")
	fs.BoolVar(&o.AllowRemote, "allow-remote", false, "allow a non-loopback --listen address: anyone with the credentials can run scripts on this machine")
	fs.StringVar(&o.Region, "region", emulator.DefaultRegion, "region the emulator serves")
	fs.StringVar(&o.AccessKeyID, "access-key-id", envOr(envAccessKeyID, emulator.DefaultAccessKeyID), "accepted AccessKeyId (env "+envAccessKeyID+")")
	fs.StringVar(&o.AccessKeySecret, "access-key-secret", envOr(envAccessKeySecret, emulator.DefaultAccessKeySecret), "its secret (env "+envAccessKeySecret+")")
	fs.IntVar(&o.InstanceCount, "instances", emulator.DefaultInstanceCount, "number of Linux instances i-emu… to emulate")
	fs.StringVar(&instancesFile, "instances-file", "", "JSON array of instances {id, name, osType, status, agentInstalled, agentOnline, tags}; overrides --instances")
	fs.StringVar(&o.DataDir, "data-dir", "", "directory that keeps state across restarts (in memory when empty)")
	fs.StringVar(&o.SandboxDir, "sandbox-dir", "", "directory of the instances' sandboxes (default <data-dir>/sandbox, or a temporary directory)")
	fs.StringVar(&o.Isolation, "isolation", emulator.IsolationMachine, "machine: each instance has its own root filesystem (overlay over a read-only /) and namespaces (without root: in a user namespace, root the only user); none: scripts run on this machine in a directory per instance")
	fs.StringVar(&o.InstanceNetwork, "instance-network", emulator.NetworkHost, "host: scripts share this machine's network; none: each run has only its own loopback (--isolation machine)")
	fs.Float64Var(&o.Faults.ThrottleRate, "throttle-rate", 0, "fraction of calls answered Throttling or Throttling.User (400)")
	fs.Float64Var(&o.Faults.ServerErrorRate, "server-error-rate", 0, "fraction of calls answered InternalError or InternalError.Dispatch (500), or ServiceUnavailable (503)")
	fs.DurationVar(&o.Faults.Latency, "latency", 0, "latency added to every call")
	fs.Float64Var(&o.Faults.DropRate, "drop-rate", 0, "fraction of calls applied and then answered by closing the connection")
	fs.DurationVar(&o.MinScheduleInterval, "min-schedule-interval", 0, "FOR TESTS ONLY: lower the 10 s minimum between scheduled runs")
	fs.IntVar(&o.DailyInvokeQuota, "daily-invoke-quota", emulator.DefaultDailyInvokeQuota, "InvokeCommand and RunCommand calls accepted per UTC day before Invocation.ExceedQuota")
	fs.DurationVar(&o.AgentInstallDelay, "agent-install-delay", emulator.DefaultAgentInstallDelay, "how long after InstallCloudAssistant a client comes online")
	fs.Var(&roleList{&o.Roles}, "role", "name of a RAM role AssumeRole accepts (repeatable; default "+emulator.DefaultRoleName+")")
	fs.StringVar(&o.ECSRoleName, "ecs-role-name", emulator.DefaultRoleName, "role the metadata service hands credentials of (\"-\" for none)")
	fs.DurationVar(&o.CredentialLifetime, "credential-lifetime", 0, "FOR TESTS ONLY: how long issued temporary credentials last, whatever DurationSeconds asks")
	fs.Var(&ramPolicyFlag{&o.RAMPolicies}, "ram-policy", "<accessKeyId or roleArn>=<policy.json>: that principal may call only what the RAM policy allows (repeatable)")
	fs.StringVar(&oidcTokenFile, "oidc-token-file", "", "write an OIDC token of the emulator's provider, valid for an hour, to this file")
	fs.BoolVar(&verbose, "verbose", false, "log every request on stderr")
	if err := fs.Parse(args); err != nil {
		return o, cliFlags{}, err
	}
	if fs.NArg() > 0 {
		return o, cliFlags{}, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	for name, rate := range map[string]float64{"throttle-rate": o.Faults.ThrottleRate, "server-error-rate": o.Faults.ServerErrorRate, "drop-rate": o.Faults.DropRate} {
		if rate < 0 || rate > 1 {
			return o, cliFlags{}, fmt.Errorf("--%s must be between 0 and 1", name)
		}
	}
	if instancesFile != "" {
		list, err := emulator.LoadInstancesFile(instancesFile)
		if err != nil {
			return o, cliFlags{}, err
		}
		o.Instances = list
	}
	return o, cliFlags{verbose: verbose, oidcTokenFile: oidcTokenFile}, nil
}

// roleList collects repeated --role flags.
type roleList struct{ names *[]string }

func (r *roleList) String() string {
	if r.names == nil {
		return ""
	}
	return strings.Join(*r.names, ",")
}

func (r *roleList) Set(v string) error {
	*r.names = append(*r.names, v)
	return nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// ramPolicyFlag reads repeated --ram-policy principal=file flags.
type ramPolicyFlag struct{ m *map[string][]byte }

func (r *ramPolicyFlag) String() string { return "" }

func (r *ramPolicyFlag) Set(v string) error {
	principal, file, ok := strings.Cut(v, "=")
	// A role ARN holds no "=", so the first one separates the principal from the file.
	if !ok || principal == "" || file == "" {
		return fmt.Errorf("want <accessKeyId or roleArn>=<policy.json>, got %q", v)
	}
	doc, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("reading the RAM policy of %s: %w", principal, err)
	}
	if *r.m == nil {
		*r.m = map[string][]byte{}
	}
	(*r.m)[principal] = doc
	return nil
}
