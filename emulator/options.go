package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/clock"
)

// Defaults of Options; the binary's flags default to the same values.
const (
	DefaultListen          = "127.0.0.1:9100"
	DefaultRegion          = "cn-hangzhou"
	DefaultAccessKeyID     = "EMULATORACCESSKEYID"
	DefaultAccessKeySecret = "emulator-secret"
	DefaultAccountID       = "1234567890123456"
	// DefaultRoleName is the RAM role the emulator has (acs:ram::<account>:role/emulator-role),
	// attached to the emulated ECS instance whose metadata service it serves.
	DefaultRoleName = "emulator-role"
	// DefaultOIDCProviderName names the OIDC identity provider of the account
	// (acs:ram::<account>:oidc-provider/emulator-oidc).
	DefaultOIDCProviderName = "emulator-oidc"
	DefaultInstanceCount    = 3
	// DefaultAgentInstallDelay is how long an InstallCloudAssistant takes by default.
	DefaultAgentInstallDelay = 5 * time.Second
	// DefaultDailyInvokeQuota is the documented number of InvokeCommand calls a region
	// accepts per day.
	DefaultDailyInvokeQuota = 5000
)

// Options configures a Server. The zero value is usable: it listens on DefaultListen with
// DefaultInstanceCount Linux instances, in memory.
type Options struct {
	// Listen is the address to listen on; "127.0.0.1:0" picks a free port.
	Listen string
	// AllowRemote permits a non-loopback Listen address. The emulator runs scripts on this
	// machine for anyone holding the (well-known default) credentials, so it is off by default.
	AllowRemote bool

	Region          string
	AccessKeyID     string
	AccessKeySecret string
	// AccountID is what {{ACS::AccountId}} expands to.
	AccountID string

	// Roles are the names of the account's RAM roles that AssumeRole and AssumeRoleWithOIDC
	// accept (DefaultRoleName when empty); any other role ARN answers EntityNotExist.Role.
	Roles []string
	// ECSRoleName is the role whose temporary credentials the metadata service hands out
	// (DefaultRoleName when empty; "-" for an instance without a role).
	ECSRoleName string
	// OIDCProviderName names the OIDC provider whose tokens (Server.OIDCToken) the emulator's
	// AssumeRoleWithOIDC accepts; DefaultOIDCProviderName when empty.
	OIDCProviderName string
	// CredentialLifetime, when set, is how long every issued temporary credential lasts,
	// whatever DurationSeconds asks (the documented minimum is 15 minutes). FOR TESTS: a
	// few seconds lets a test outlive its credentials.
	CredentialLifetime time.Duration

	// RAMPolicies are RAM policy documents (JSON) by principal: an AccessKeyId, or a role ARN
	// for the temporary credentials of that role. A listed principal may call only what its
	// policy allows (else Forbidden.RAM naming the action); an unlisted one is unrestricted,
	// and so is everyone when the map is empty.
	RAMPolicies map[string][]byte

	// Instances are the emulated instances; when empty, InstanceCount Linux instances
	// i-emu00000000000001… are made (DefaultInstanceCount when zero).
	Instances     []Instance
	InstanceCount int

	// DataDir keeps commands, invocations and results across restarts (a bbolt file); the
	// state is in memory when empty.
	DataDir string
	// SandboxDir holds the instances' disks (0700): with isolation each instance's writable
	// layer in <SandboxDir>/.layers/<instance-id>, its root filesystem mounted at
	// <SandboxDir>/<instance-id>; with IsolationNone one directory per instance
	// (<SandboxDir>/<instance-id>/root is /root). When empty it is <DataDir>/sandbox, or a
	// temporary directory removed by Close.
	SandboxDir string

	// Isolation is how an instance runs scripts: IsolationMachine (the default, "" too) makes
	// each instance a machine view — its own root filesystem (the host's / read-only under a
	// writable layer kept in SandboxDir) seen through its own mount, PID and UTS namespaces;
	// IsolationNone runs scripts on this machine in a plain directory per instance. New fails,
	// naming the cause and IsolationNone, where the machine view cannot be built (it needs
	// overlayfs and namespaces, and without root a user namespace per run, in which the
	// emulator's user is the instance's root and only user); it never falls back by itself.
	Isolation string
	// InstanceNetwork is NetworkHost (default: scripts share this machine's network) or
	// NetworkNone (each run gets an empty network namespace with only lo); machine isolation only.
	InstanceNetwork string

	// MinScheduleInterval overrides the documented 10 s minimum between two scheduled runs
	// (and the one-minute minimum of rate(…)). FOR TESTS ONLY: the real service rejects
	// shorter intervals, so a schedule that works here with it set may fail in the cloud.
	MinScheduleInterval time.Duration

	// DeliveryTimeout overrides the documented one-minute window in which a run must reach an
	// instance whose client is installed but offline (Instance.AgentOnline false) before it
	// ends Aborted with DeliveryTimeout; zero means one minute. FOR TESTS ONLY.
	DeliveryTimeout time.Duration

	// AgentInstallDelay is how long after InstallCloudAssistant an instance's client comes
	// online (a reboot completes it at once); zero means DefaultAgentInstallDelay.
	AgentInstallDelay time.Duration

	// DailyInvokeQuota is how many InvokeCommand and RunCommand calls the region accepts per
	// UTC day before answering Invocation.ExceedQuota (403); zero means the documented 5,000.
	// Tests lower it to reach the limit.
	DailyInvokeQuota int

	// Clock drives the schedules, the delivery window, the latency fault and the times the
	// model records; the real clock when nil. FOR TESTS: a clock.Fake lets a test advance
	// time instead of sleeping. Signature timestamps and script timeouts keep real time.
	Clock clock.Clock

	// Faults are injected into answers; SetFaults changes them at runtime.
	Faults Faults

	// Log, when set, receives one line per request.
	Log io.Writer
}

// The values of Options.Isolation (--isolation) and Options.InstanceNetwork (--instance-network).
const (
	IsolationMachine = "machine"
	IsolationNone    = "none"
	NetworkHost      = "host"
	NetworkNone      = "none"
)

// Faults make the emulator misbehave the way a real cloud API sometimes does.
type Faults struct {
	// ThrottleRate is the fraction (0–1) of calls answered Throttling or Throttling.User
	// (HTTP 400), alternately.
	ThrottleRate float64
	// ServerErrorRate is the fraction of calls answered InternalError (500),
	// InternalError.Dispatch (500) or ServiceUnavailable (503), in turn.
	ServerErrorRate float64
	// Latency is added before every call is processed.
	Latency time.Duration
	// DropRate is the fraction of calls that are applied and then answered by closing the
	// connection without a response, as when a network path fails after the server commits.
	DropRate float64
	// Actions, when set, limits the faults to calls of these actions (such as
	// "InvokeCommand"); the others are served as usual. Empty: every call.
	Actions []string
}

// appliesTo reports whether the faults reach a call of action.
func (f Faults) appliesTo(action string) bool {
	return len(f.Actions) == 0 || slices.Contains(f.Actions, action)
}

// Instance describes an emulated instance (also the format of an instances file, a JSON
// array of these objects).
type Instance struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// OSType is "linux" (default) or "windows".
	OSType string `json:"osType,omitempty"`
	// Status is "Running" (default) or "Stopped".
	Status string `json:"status,omitempty"`
	// AgentInstalled says whether the Cloud Assistant client is installed; nil means yes.
	AgentInstalled *bool `json:"agentInstalled,omitempty"`
	// AgentOnline says whether an installed client answers; nil means yes. When false,
	// DescribeCloudAssistantStatus reports it offline with a heartbeat an hour old, and runs
	// stay Pending for the delivery window (Options.DeliveryTimeout, one minute), then end
	// Aborted with ErrorCode DeliveryTimeout.
	AgentOnline *bool             `json:"agentOnline,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// LoadInstancesFile reads a JSON array of Instance from path.
func LoadInstancesFile(path string) ([]Instance, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading instances file: %w", err)
	}
	var out []Instance
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("parsing instances file %s: %w", path, err)
	}
	return out, nil
}

func (o *Options) setDefaults() {
	if o.Listen == "" {
		o.Listen = DefaultListen
	}
	if o.Region == "" {
		o.Region = DefaultRegion
	}
	if o.AccessKeyID == "" {
		o.AccessKeyID = DefaultAccessKeyID
	}
	if o.AccessKeySecret == "" {
		o.AccessKeySecret = DefaultAccessKeySecret
	}
	if o.Clock == nil {
		o.Clock = clock.Real()
	}
	if o.AccountID == "" {
		o.AccountID = DefaultAccountID
	}
	if len(o.Roles) == 0 {
		o.Roles = []string{DefaultRoleName}
	}
	switch o.ECSRoleName {
	case "":
		o.ECSRoleName = DefaultRoleName
	case "-":
		o.ECSRoleName = ""
	}
	if o.OIDCProviderName == "" {
		o.OIDCProviderName = DefaultOIDCProviderName
	}
	if o.AgentInstallDelay <= 0 {
		o.AgentInstallDelay = DefaultAgentInstallDelay
	}
	if len(o.Instances) == 0 {
		n := o.InstanceCount
		if n <= 0 {
			n = DefaultInstanceCount
		}
		for i := 1; i <= n; i++ {
			o.Instances = append(o.Instances, Instance{
				ID:   fmt.Sprintf("i-emu%014d", i),
				Name: fmt.Sprintf("emulated-%d", i),
			})
		}
	}
}
