package model

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/clock"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/machine"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/runner"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/store"
)

// Store buckets.
const (
	bucketInstances   = "instances"
	bucketCommands    = "commands"
	bucketInvocations = "invocations"
)

// Config configures a Cloud.
type Config struct {
	Region    string
	AccountID string
	// SandboxDir holds one directory per instance; it must exist.
	SandboxDir string
	// Machines, when set, makes each instance a machine view (its own root filesystem and
	// namespaces, see package machine); SandboxDir is then its folder. Nil is --isolation
	// none: scripts run on this machine, in the instance's sandbox directory.
	Machines *machine.Machines
	Store    store.Store
	// Instances are created when the store does not know them yet.
	Instances []Instance
	// MinScheduleInterval is the smallest gap allowed between two scheduled runs.
	MinScheduleInterval time.Duration
	// OutputLimit is the number of output bytes kept per run (24 KB); OutputHead of them
	// come from the start of the output and the rest from its end, the middle being dropped,
	// as the open-source Cloud Assistant agent does (6,000 bytes of head). It is the same for
	// every run, kept command or not: DescribeInvocationResults documents one 24 KB limit.
	OutputLimit int
	OutputHead  int
	// DeliveryTimeout is how long a run waits for an offline client before it ends Aborted
	// with DeliveryTimeout; one minute when zero.
	DeliveryTimeout time.Duration
	// MaxHistory is the number of runs kept per instance of a repeating invocation.
	MaxHistory int
	// AgentInstallDelay is how long after InstallCloudAssistant the client comes online.
	AgentInstallDelay time.Duration
	// DailyInvokeQuota is the number of InvokeCommand and RunCommand calls the region accepts
	// per UTC day (DefaultDailyInvokeQuota when zero); then Invocation.ExceedQuota.
	DailyInvokeQuota int
	// Clock drives the timers and tells the time; the real clock when nil.
	Clock clock.Clock
	// Now is Clock.Now, set by New.
	Now func() time.Time
}

// Cloud is the emulated region. All methods are safe for concurrent use.
type Cloud struct {
	cfg   Config
	shell string

	mu          sync.Mutex
	instances   map[string]*Instance
	released    map[string]bool
	commands    map[string]*Command
	invocations map[string]*Invocation
	invOrder    []string          // creation order
	tokens      map[string]string // idempotency key → invoke id
	cmdTokens   map[string]string // CreateCommand ClientToken → command id
	running     map[string]*activeRun
	timers      map[string]clock.Timer
	files       map[string]*FileTask // SendFile tasks
	fileOrder   []string             // creation order
	fileTokens  map[string]string    // ClientToken → file task id
	closing     bool
	wg          sync.WaitGroup
	quotaDay    string // the UTC day quotaUsed counts
	quotaUsed   int

	executions atomic.Int64
	owner      string        // marks this store's script processes (processes.go)
	w          *store.Writer // persists invocations, runs and processes off the lock
	fleet      fleetCounters // per-instance executions and peak concurrency (fleet_stats.go)
}

type activeRun struct {
	cancel  context.CancelFunc
	reason  string        // why it was cancelled: stop, reboot, shutdown, timeout
	timeout clock.Timer   // the run's timeout, on the model's clock
	ended   chan struct{} // closed once the run's processes are gone
}

// New loads the state from cfg.Store and resumes schedules.
func New(cfg Config) (*Cloud, error) {
	if cfg.Clock == nil {
		cfg.Clock = clock.Real()
	}
	cfg.Now = cfg.Clock.Now
	if cfg.OutputLimit == 0 {
		cfg.OutputLimit = 24 * 1024
	}
	if cfg.OutputHead == 0 {
		cfg.OutputHead = 6000
	}
	if cfg.DeliveryTimeout <= 0 {
		cfg.DeliveryTimeout = time.Minute
	}
	if cfg.DailyInvokeQuota <= 0 {
		cfg.DailyInvokeQuota = DefaultDailyInvokeQuota
	}
	if cfg.MaxHistory == 0 {
		cfg.MaxHistory = 100
	}
	c := &Cloud{
		cfg:         cfg,
		shell:       "/bin/sh",
		instances:   map[string]*Instance{},
		released:    map[string]bool{},
		commands:    map[string]*Command{},
		invocations: map[string]*Invocation{},
		tokens:      map[string]string{},
		cmdTokens:   map[string]string{},
		running:     map[string]*activeRun{},
		timers:      map[string]clock.Timer{},
		files:       map[string]*FileTask{},
		fileTokens:  map[string]string{},
	}
	if p, err := exec.LookPath("bash"); err == nil {
		c.shell = p
	}
	c.w = store.NewWriter(cfg.Store)
	ok := false
	defer func() {
		if !ok {
			c.w.Close()
		}
	}()
	if err := c.load(); err != nil {
		return nil, err
	}
	if err := c.loadFileTasks(); err != nil {
		return nil, err
	}
	if err := c.loadOwner(); err != nil {
		return nil, err
	}
	if err := c.loadQuota(); err != nil {
		return nil, err
	}
	if err := c.killLeftovers(); err != nil {
		return nil, err
	}
	now := c.cfg.Now()
	if err := c.seedInstances(cfg.Instances, now); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, in := range c.instances {
		if !in.AgentInstallAt.IsZero() {
			c.armAgentInstall(in) // an installation the previous process had begun
		}
	}
	for _, id := range c.invOrder {
		inv := c.invocations[id]
		c.recoverInterrupted(inv)
		if inv.RepeatMode == RepeatPeriod && !inv.Stopped && !inv.ScheduleDone {
			c.armSchedule(inv, now)
		}
	}
	ok = true
	return c, nil
}

func (c *Cloud) load() error {
	if err := c.cfg.Store.ForEach(bucketInstances, func(_ string, v []byte) error {
		var in Instance
		if err := json.Unmarshal(v, &in); err != nil {
			return err
		}
		if in.Released {
			c.released[in.ID] = true
			return nil
		}
		c.instances[in.ID] = &in
		return nil
	}); err != nil {
		return fmt.Errorf("loading instances: %w", err)
	}
	if err := c.cfg.Store.ForEach(bucketCommands, func(_ string, v []byte) error {
		var cmd Command
		if err := json.Unmarshal(v, &cmd); err != nil {
			return err
		}
		c.commands[cmd.ID] = &cmd
		if cmd.ClientToken != "" {
			c.cmdTokens[cmd.ClientToken] = cmd.ID
		}
		return nil
	}); err != nil {
		return fmt.Errorf("loading commands: %w", err)
	}
	var invs []*Invocation
	if err := c.cfg.Store.ForEach(bucketInvocations, func(_ string, v []byte) error {
		var inv Invocation
		if err := json.Unmarshal(v, &inv); err != nil {
			return err
		}
		invs = append(invs, &inv)
		return nil
	}); err != nil {
		return fmt.Errorf("loading invocations: %w", err)
	}
	sort.SliceStable(invs, func(i, j int) bool { return invs[i].Created.Before(invs[j].Created) })
	for _, inv := range invs {
		c.invocations[inv.ID] = inv
		c.invOrder = append(c.invOrder, inv.ID)
		if inv.ClientToken != "" {
			c.tokens[inv.ClientToken] = inv.ID
		}
	}
	return c.loadRuns()
}

// recoverInterrupted records runs that were in flight when the previous process ended.
func (c *Cloud) recoverInterrupted(inv *Invocation) {
	changed := false
	now := c.cfg.Now()
	for _, t := range inv.Targets {
		r := t.LastRun()
		if r != nil && (r.Status == StatusRunning || r.Status == StatusPending || r.Status == StatusStopping) {
			r.Status, r.ErrorCode = StatusError, "ExecutionInterrupted"
			r.ErrorInfo = "the emulator stopped while the script was running"
			r.ExitCode = -1
			r.Finish = now
			changed = true
		}
		if t.Status == StatusRunning || t.Status == StatusPending || t.Status == StatusStopping {
			c.settle(inv, t)
			changed = true
		}
	}
	if changed {
		c.saveInvocation(inv)
	}
}

// Close cancels running scripts (recorded as interrupted), stops schedules and waits.
func (c *Cloud) Close() {
	c.mu.Lock()
	c.closing = true
	for _, t := range c.timers {
		t.Stop()
	}
	for _, r := range c.running {
		r.reason = reasonShutdown
		r.cancel()
	}
	c.mu.Unlock()
	c.wg.Wait()
	// What the runs left behind: children that left the process group, double forks.
	runner.KillMarked(c.owner+"/", nil)
	c.w.Close()
}

// RunningCount is the number of scripts running now.
func (c *Cloud) RunningCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.running)
}

// Counts are the numbers the stats endpoint reports.
type Counts struct {
	Executions        int64
	Commands          int
	Invocations       int
	ActiveInvocations int
	// Running is the number of scripts running now; PeakRunning the most ever at once.
	Running     int
	PeakRunning int
}

// Counts reports the current numbers.
func (c *Cloud) Counts() Counts {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := Counts{Executions: c.executions.Load(), Invocations: len(c.invocations),
		Running: len(c.running), PeakRunning: c.fleet.peak}
	for _, cmd := range c.commands {
		if !cmd.Hidden {
			n.Commands++
		}
	}
	for _, inv := range c.invocations {
		if inv.Active() {
			n.ActiveInvocations++
		}
	}
	return n
}

func (c *Cloud) save(bucket, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.cfg.Store.Put(bucket, key, b)
}

// saveInvocation persists inv and the records of its runs that changed (history.go), through
// the writer; a failing disk must not stop the emulated world, so errors go to stderr only.
func (c *Cloud) saveInvocation(inv *Invocation) {
	err := c.saveLater(bucketInvocations, inv.ID, inv)
	if err == nil {
		err = c.saveRuns(inv)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "emulator: saving invocation %s: %v\n", inv.ID, err)
	}
}

// saveLater encodes v now and hands it to the writer, which stores it shortly.
func (c *Cloud) saveLater(bucket, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.w.Put(bucket, key, b)
	return nil
}

func (c *Cloud) sandbox(instanceID string) string {
	return filepath.Join(c.cfg.SandboxDir, instanceID)
}

// ensureSandbox makes an instance's sandbox directory (--isolation none) with its /root and
// /tmp. A script can replace its directory with a link: the folders are made inside SandboxDir
// whatever the link says, and writeFile then refuses the link.
func (c *Cloud) ensureSandbox(instanceID string) error {
	root, err := machine.OpenRoot(c.cfg.SandboxDir)
	if err != nil {
		return fmt.Errorf("creating sandbox of %s: %w", instanceID, err)
	}
	defer root.Close()
	for _, d := range []string{"root", "tmp"} {
		f, err := root.MkdirAll(instanceID+"/"+d, 0o755)
		if err != nil {
			return fmt.Errorf("creating sandbox of %s: %w", instanceID, err)
		}
		_ = f.Close()
	}
	return nil
}

func newID(prefix string, n int) string {
	b := make([]byte, n/2)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}
