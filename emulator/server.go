package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/machine"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/model"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/store"
)

// Timeouts of the HTTP server, so a client that stalls (or never sends its request) cannot
// hold a connection and its goroutine forever. The write timeout leaves room for the latency
// fault; a call the emulator answers slower than that is cut, as a real gateway would.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 2 * time.Minute
	idleTimeout       = 2 * time.Minute
)

// Server is a running emulator.
type Server struct {
	opts     Options
	listener net.Listener
	http     *http.Server
	cloud    *model.Cloud
	store    store.Store
	verifier *protocol.Verifier
	nonces   *store.Writer     // with a DataDir, persists the signature nonces (nonces.go)
	tempDir  string            // removed by Close
	machines *machine.Machines // nil with IsolationNone
	faults   faultState
	hostID   string
	inflight sync.Map      // Action + ClientToken of calls being processed
	sessions sessions      // temporary credentials issued by STS and the metadata service
	metadata metadataState // the metadata service's tokens and instance role session
	oidc     oidcIssuer    // the OIDC identity provider whose tokens AssumeRoleWithOIDC takes
	// ramPolicies are Options.RAMPolicies parsed, by principal (ram.go).
	ramPolicies map[string]*ramPolicy

	statsMu sync.Mutex
	actions map[string]int64

	closeOnce sync.Once
	closeErr  error
}

// Stats is the JSON answer of GET /_emulator/stats.
type Stats struct {
	// Actions counts authenticated calls per Action, faulted ones included.
	Actions map[string]int64 `json:"actions"`
	// Executions counts the script processes started.
	Executions int64 `json:"executions"`
	// Commands counts the commands that exist now.
	Commands int `json:"commands"`
	// Invocations counts the invocations recorded.
	Invocations int `json:"invocations"`
	// ActiveInvocations counts invocations with a schedule or a run still pending or running.
	ActiveInvocations int `json:"activeInvocations"`
	// Running counts the scripts running now; PeakRunning the most that ever ran at once
	// (since the start or the last ResetPeakRunning).
	Running     int `json:"running"`
	PeakRunning int `json:"peakRunning"`
	// ExecutionsByInstance counts the script processes started per instance; only filled by
	// StatsPerInstance (GET /_emulator/stats?perInstance=true), since fleets are large.
	ExecutionsByInstance map[string]int64 `json:"executionsByInstance,omitempty"`
	// DeliveriesByInstance counts the files SendFile wrote per instance; filled with
	// ExecutionsByInstance.
	DeliveriesByInstance map[string]int64 `json:"deliveriesByInstance,omitempty"`
}

// New starts an emulator listening on opts.Listen.
func New(opts Options) (*Server, error) {
	opts.setDefaults()
	if !opts.AllowRemote {
		if err := checkLoopback(opts.Listen); err != nil {
			return nil, err
		}
	}
	s := &Server{opts: opts, actions: map[string]int64{}, hostID: "ecs." + opts.Region + ".emulator"}
	s.faults.set(opts.Faults)
	for principal, doc := range opts.RAMPolicies {
		pol, err := parsePolicy(doc)
		if err != nil {
			return nil, fmt.Errorf("RAM policy of %s: %w", principal, err)
		}
		if s.ramPolicies == nil {
			s.ramPolicies = map[string]*ramPolicy{}
		}
		s.ramPolicies[principal] = pol
	}
	if err := s.open(); err != nil {
		s.cleanup()
		return nil, err
	}
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		s.cloud.Close()
		s.cleanup()
		return nil, fmt.Errorf("listening on %s: %w", opts.Listen, err)
	}
	s.listener = ln
	s.oidc.issuer = "http://" + ln.Addr().String() + "/oidc"
	s.verifier = &protocol.Verifier{Credentials: s.secretOf}
	if err := s.persistNonces(); err != nil {
		_ = ln.Close()
		s.cloud.Close()
		s.cleanup()
		return nil, err
	}
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout,
		WriteTimeout: writeTimeout, IdleTimeout: idleTimeout}
	go func() { _ = s.http.Serve(ln) }()
	return s, nil
}

// open prepares the store, the sandbox and the model.
func (s *Server) open() error {
	var err error
	if s.opts.DataDir != "" {
		// 0700: the state holds the scripts and their outputs, the disks what instances wrote.
		if err := os.MkdirAll(s.opts.DataDir, 0o700); err != nil {
			return fmt.Errorf("creating the data folder: %w", err)
		}
		if err := os.Chmod(s.opts.DataDir, 0o700); err != nil {
			return fmt.Errorf("restricting the data folder: %w", err)
		}
		if s.store, err = store.OpenBolt(s.opts.DataDir); err != nil {
			return err
		}
	} else {
		// Without a data directory the state dies with the server, but it still goes to a
		// file in a temporary directory: run outputs (24 KB each, thousands for a periodic
		// task) must not live on the heap.
		if s.tempDir, err = os.MkdirTemp("", tempPrefix); err != nil {
			return fmt.Errorf("creating the temporary directory: %w", err)
		}
		if s.store, err = store.OpenScratch(s.tempDir); err != nil {
			return err
		}
	}
	sandbox := s.opts.SandboxDir
	switch {
	case sandbox != "":
	case s.opts.DataDir != "":
		sandbox = filepath.Join(s.opts.DataDir, "sandbox")
	default:
		sandbox = filepath.Join(s.tempDir, "sandbox")
	}
	// 0700: what instances write (a set-id file above all) is theirs, not this machine's users'.
	if err := os.MkdirAll(sandbox, 0o700); err != nil {
		return fmt.Errorf("creating the sandbox directory: %w", err)
	}
	if err := os.Chmod(sandbox, 0o700); err != nil {
		return fmt.Errorf("restricting the sandbox directory: %w", err)
	}
	if sandbox, err = filepath.Abs(sandbox); err != nil {
		return err
	}
	if s.machines, err = s.openMachines(sandbox); err != nil {
		return err
	}
	instances, err := toModelInstances(s.opts.Instances)
	if err != nil {
		return err
	}
	s.cloud, err = model.New(model.Config{
		Region: s.opts.Region, AccountID: s.opts.AccountID, SandboxDir: sandbox, Machines: s.machines, Store: s.store,
		Instances: instances, MinScheduleInterval: s.opts.MinScheduleInterval,
		DeliveryTimeout: s.opts.DeliveryTimeout, Clock: s.opts.Clock,
		AgentInstallDelay: s.opts.AgentInstallDelay, DailyInvokeQuota: s.opts.DailyInvokeQuota,
	})
	return err
}

func toModelInstances(in []Instance) ([]model.Instance, error) {
	out := make([]model.Instance, 0, len(in))
	seen := map[string]bool{}
	for _, i := range in {
		if i.ID == "" || strings.ContainsAny(i.ID, "/\\") || i.ID == "." || i.ID == ".." {
			return nil, fmt.Errorf("instance id %q is not valid", i.ID)
		}
		if seen[i.ID] {
			return nil, fmt.Errorf("instance id %s is given twice", i.ID)
		}
		seen[i.ID] = true
		m := model.Instance{ID: i.ID, Name: i.Name, OSType: strings.ToLower(i.OSType), Status: i.Status, AgentInstalled: i.AgentInstalled == nil || *i.AgentInstalled,
			AgentOffline: i.AgentOnline != nil && !*i.AgentOnline}
		if m.Name == "" {
			m.Name = i.ID
		}
		switch m.OSType {
		case "":
			m.OSType = model.OSLinux
		case model.OSLinux, model.OSWindows:
		default:
			return nil, fmt.Errorf("instance %s: osType %q is not linux or windows", i.ID, i.OSType)
		}
		switch m.Status {
		case "":
			m.Status = model.InstanceRunning
		case model.InstanceRunning, model.InstanceStopped:
		default:
			return nil, fmt.Errorf("instance %s: status %q is not Running or Stopped", i.ID, i.Status)
		}
		keys := make([]string, 0, len(i.Tags))
		for k := range i.Tags {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			m.Tags = append(m.Tags, model.Tag{Key: k, Value: i.Tags[k]})
		}
		out = append(out, m)
	}
	return out, nil
}

func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing to listen on %q: the emulator runs scripts on this machine; use a loopback address, or set Options.AllowRemote (--allow-remote) to accept that risk", addr)
}

// URL is the base URL, e.g. http://127.0.0.1:9100.
func (s *Server) URL() string { return "http://" + s.listener.Addr().String() }

// Region is the region the emulator serves.
func (s *Server) Region() string { return s.opts.Region }

// AccessKeyID is the accepted AccessKeyId.
func (s *Server) AccessKeyID() string { return s.opts.AccessKeyID }

// AccessKeySecret is the secret of AccessKeyID.
func (s *Server) AccessKeySecret() string { return s.opts.AccessKeySecret }

// InstanceIDs lists the emulated instances.
func (s *Server) InstanceIDs() []string {
	var out []string
	for _, in := range s.cloud.Instances() {
		out = append(out, in.ID)
	}
	return out
}

// ReleaseInstance deletes an emulated instance, as releasing it in the console would: its
// running scripts are killed and its pending runs end, all recorded Invalid with ErrorCode
// InstanceNotExists, and InvokeCommand naming it answers InvalidInstance.NotFound. The
// release survives a restart with the same DataDir. POST /_emulator/release?InstanceId=<id>
// does the same over HTTP.
func (s *Server) ReleaseInstance(id string) error {
	return s.cloud.ReleaseInstance(id)
}

// SetFaults replaces the injected faults, e.g. to switch them off in the middle of a test.
func (s *Server) SetFaults(f Faults) { s.faults.set(f) }

// Stats reports the counters also served at /_emulator/stats.
func (s *Server) Stats() Stats {
	st := Stats{Actions: map[string]int64{}}
	s.statsMu.Lock()
	for k, v := range s.actions {
		st.Actions[k] = v
	}
	s.statsMu.Unlock()
	n := s.cloud.Counts()
	st.Executions, st.Commands, st.Invocations, st.ActiveInvocations = n.Executions, n.Commands, n.Invocations, n.ActiveInvocations
	st.Running, st.PeakRunning = n.Running, n.PeakRunning
	return st
}

// Close stops listening, interrupts running scripts (recording them as interrupted), saves
// the state and removes a temporary sandbox.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		// Shutdown lets answers in flight finish, but treats a connection that never sent a
		// request as busy for five seconds: after a short grace, close whatever is left.
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		err := s.http.Shutdown(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			err = s.http.Close()
		}
		s.cloud.Close()
		if s.nonces != nil {
			s.nonces.Close()
		}
		s.closeErr = errors.Join(err, s.cleanup())
	})
	return s.closeErr
}

func (s *Server) cleanup() error {
	var errs []error
	switch {
	case s.machines == nil:
	case s.opts.DataDir == "": // a temporary emulator: no layer, no mount survives it
		errs = append(errs, s.machines.Discard())
	default: // the layers stay for the next start; the mounts go
		errs = append(errs, s.machines.Close())
	}
	// After the disks: an unlocked store marks a temporary folder abandoned (sweepAbandoned).
	if s.store != nil {
		errs = append(errs, s.store.Close())
	}
	if s.tempDir != "" {
		errs = append(errs, os.RemoveAll(s.tempDir))
	}
	return errors.Join(errs...)
}

func (s *Server) count(action string) {
	s.statsMu.Lock()
	s.actions[action]++
	s.statsMu.Unlock()
}
