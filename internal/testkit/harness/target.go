package harness

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
)

// The environment of `make test-live`: with CLOUDASSISTANT_LIVE=1 the suites that take a Target
// run against the service these name instead of a fresh emulator.
const (
	LiveEnv            = "CLOUDASSISTANT_LIVE"              // "1" to run live
	LiveInstanceIDsEnv = "CLOUDASSISTANT_LIVE_INSTANCE_IDS" // comma-separated, e.g. i-bp1…,i-bp2…
	LiveEndpointEnv    = "ALIBABA_CLOUD_ECS_ENDPOINT"       // optional: the region's public endpoint by default
	LiveRegionEnv      = "ALIBABA_CLOUD_REGION_ID"
	LiveAccessKeyEnv   = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	LiveSecretEnv      = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
)

// Target is where an end-to-end suite runs its programs: a fresh emulator by default, or the
// service named by the environment when CLOUDASSISTANT_LIVE=1. Either way the suite checks what
// it created through the ECS API, and Close deletes every command the suite recorded.
type Target struct {
	URL             string // empty: the region's default endpoint
	Region          string
	AccessKeyID     string
	AccessKeySecret string
	InstanceIDs     []string

	emu      *Emulator // nil when live
	ownsEmu  bool      // Close stops emu: StartTarget started it
	api      *ecs.Client
	mu       sync.Mutex
	commands []string
}

// Live reports whether the suites run against the service the environment names.
func Live() bool { return os.Getenv(LiveEnv) == "1" }

// StartTarget starts an emulator with instanceIDs, or, when live, reads the target from the
// environment (the live instance ids replace instanceIDs).
func StartTarget(root string, instanceIDs []string) (*Target, error) {
	if Live() {
		return LiveTarget()
	}
	emu, err := StartEmulator(root, instanceIDs)
	if err != nil {
		return nil, err
	}
	t, err := EmulatorTarget(emu)
	if err != nil {
		_ = emu.Stop()
		return nil, err
	}
	t.ownsEmu = true
	return t, nil
}

// LiveTarget is the service the environment names (CLOUDASSISTANT_LIVE_INSTANCE_IDS,
// ALIBABA_CLOUD_*), whether or not CLOUDASSISTANT_LIVE is set; an error names what is missing
// (never a value: the secret must not reach a log).
func LiveTarget() (*Target, error) {
	var missing []string
	for _, k := range []string{LiveRegionEnv, LiveAccessKeyEnv, LiveSecretEnv, LiveInstanceIDsEnv} {
		if os.Getenv(k) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s=1 needs %s", LiveEnv, strings.Join(missing, ", "))
	}
	t := &Target{
		URL: os.Getenv(LiveEndpointEnv), Region: os.Getenv(LiveRegionEnv),
		AccessKeyID: os.Getenv(LiveAccessKeyEnv), AccessKeySecret: os.Getenv(LiveSecretEnv),
		InstanceIDs: strings.Split(os.Getenv(LiveInstanceIDsEnv), ","),
	}
	return t, t.connect()
}

// EmulatorTarget is a target on an emulator the caller runs (an in-process one, for tests that
// choose its options): Close deletes the tracked commands but leaves the emulator running.
func EmulatorTarget(emu *Emulator) (*Target, error) {
	t := &Target{URL: emu.URL, Region: emu.Region, AccessKeyID: emu.AccessKeyID,
		AccessKeySecret: emu.AccessKeySecret, InstanceIDs: emu.InstanceIDs, emu: emu}
	return t, t.connect()
}

func (t *Target) connect() error {
	api, err := t.newClient()
	t.api = api
	return err
}

// Emulator is the emulator the suite started, or nil when live: counters such as executions
// are only readable from an emulator.
func (t *Target) Emulator() *Emulator { return t.emu }

// ProviderConfig is the provider's stack config for this target, as a user would set it.
func (t *Target) ProviderConfig() map[string]string {
	cfg := map[string]string{
		"cloudassistant:region":      t.Region,
		"cloudassistant:accessKeyId": t.AccessKeyID,
	}
	if t.URL != "" {
		cfg["cloudassistant:endpoint"] = t.URL
	}
	return cfg
}

// TrackCommand records a command the suite created, so Close deletes it if it still exists.
// An id already tracked (TrackStackCommands runs after every `up`) is recorded once, so Close
// and CommandsLeft ask the ECS API about each command once.
func (t *Target) TrackCommand(id string) {
	if id == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !slices.Contains(t.commands, id) {
		t.commands = append(t.commands, id)
	}
}

// trackedCommands is a copy of the tracked command ids, each once.
func (t *Target) trackedCommands() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.commands)
}

// CommandExists asks the ECS API whether the command still exists.
func (t *Target) CommandExists(id string) (bool, error) {
	req := ecs.CreateDescribeCommandsRequest()
	req.RegionId = t.Region
	req.CommandId = id
	t.prepare(req)
	resp, err := t.api.DescribeCommands(req)
	if err != nil {
		return false, fmt.Errorf("DescribeCommands %s: %w", id, err)
	}
	return len(resp.Commands.Command) > 0, nil
}

// Close deletes every tracked command that still exists (a suite that failed half-way leaves
// nothing behind in a real account), then stops the emulator if there is one.
func (t *Target) Close() error {
	var errs []error
	ids := t.trackedCommands()
	if t.api == nil {
		ids = nil
	}
	for _, id := range ids {
		exists, err := t.CommandExists(id)
		if err != nil || !exists {
			errs = append(errs, err)
			continue
		}
		req := ecs.CreateDeleteCommandRequest()
		req.RegionId = t.Region
		req.CommandId = id
		t.prepare(req)
		if _, err := t.api.DeleteCommand(req); err != nil {
			errs = append(errs, fmt.Errorf("deleting command %s: %w", id, err))
		}
	}
	if t.emu != nil && t.ownsEmu {
		errs = append(errs, t.emu.Stop())
	}
	return errors.Join(errs...)
}

func (t *Target) newClient() (*ecs.Client, error) {
	cfg := sdk.NewConfig()
	cfg.AutoRetry = false
	cred := credentials.NewAccessKeyCredential(t.AccessKeyID, t.AccessKeySecret)
	api, err := ecs.NewClientWithOptions(t.Region, cfg, cred)
	if err != nil {
		return nil, fmt.Errorf("ECS client for %s: %w", t.Region, err)
	}
	return api, nil
}

// prepare points a request at the target's endpoint (plain HTTP only for an http:// one). A
// bare host name (ALIBABA_CLOUD_ECS_ENDPOINT=ecs-vpc.cn-hangzhou.aliyuncs.com, as the README
// shows) is the domain itself, so the checks go where the provider's calls go.
func (t *Target) prepare(req endpointRequest) {
	req.SetScheme("HTTPS")
	if t.URL == "" {
		return
	}
	if !strings.Contains(t.URL, "://") {
		req.SetDomain(strings.TrimSuffix(t.URL, "/"))
		return
	}
	u, err := url.Parse(t.URL)
	if err != nil || u.Host == "" {
		return
	}
	if strings.EqualFold(u.Scheme, "http") {
		req.SetScheme("HTTP")
	}
	req.SetDomain(u.Host)
}

// endpointRequest is the part of an ECS SDK request (requests.AcsRequest) that prepare sets.
type endpointRequest interface {
	SetScheme(scheme string)
	SetDomain(domain string)
}
