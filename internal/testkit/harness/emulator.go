// Package harness runs the emulator binary and prepares the Automation API environment (the CLI
// from .tools/, the provider from bin/) for the end-to-end tests and the demo.
package harness

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
)

// Stats is the emulator's GET /_emulator/stats answer.
type Stats = emulator.Stats

// Emulator is a running cloudassistant-emulator process.
type Emulator struct {
	URL             string
	Region          string
	AccessKeyID     string
	AccessKeySecret string
	InstanceIDs     []string

	cmd  *exec.Cmd
	dir  string
	done chan error
}

// StartEmulator starts bin/cloudassistant-emulator on a free loopback port with the given
// instances (ids we choose, so tests need not parse them) and waits for its endpoint line.
func StartEmulator(root string, instanceIDs []string) (*Emulator, error) {
	instances := make([]emulator.Instance, len(instanceIDs))
	for i, id := range instanceIDs {
		instances[i] = emulator.Instance{ID: id, Name: fmt.Sprintf("e2e-%d", i+1)}
	}
	return StartEmulatorWith(root, instances)
}

// StartEmulatorWith is StartEmulator with instances described in full (names, tags, …).
func StartEmulatorWith(root string, instances []emulator.Instance) (*Emulator, error) {
	bin := filepath.Join(root, "bin", "cloudassistant-emulator")
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("emulator binary missing (run `make build`): %w", err)
	}
	dir, err := os.MkdirTemp("", "cloudassistant-emulator-")
	if err != nil {
		return nil, err
	}
	instanceIDs := make([]string, len(instances))
	for i, in := range instances {
		instanceIDs[i] = in.ID
	}
	data, err := json.Marshal(instances)
	if err != nil {
		return nil, err
	}
	file := filepath.Join(dir, "instances.json")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		return nil, err
	}

	cmd := exec.Command(bin, "--listen", "127.0.0.1:0", "--instances-file", file)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	e := &Emulator{
		Region: emulator.DefaultRegion, AccessKeyID: emulator.DefaultAccessKeyID,
		AccessKeySecret: emulator.DefaultAccessKeySecret, InstanceIDs: instanceIDs,
		cmd: cmd, dir: dir, done: make(chan error, 1),
	}

	first := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			first <- sc.Text()
		}
		close(first)
		// Keep draining so the emulator never blocks on a full pipe.
		_, _ = io.Copy(io.Discard, stdout)
		e.done <- cmd.Wait()
	}()
	select {
	case line, ok := <-first:
		url, found := strings.CutPrefix(line, "endpoint: ")
		if !ok || !found {
			_ = e.Stop()
			return nil, fmt.Errorf("emulator's first line should be `endpoint: http://…`, got %q", line)
		}
		e.URL = strings.TrimSpace(url)
	case <-time.After(30 * time.Second):
		_ = e.Stop()
		return nil, errors.New("emulator printed no endpoint within 30s")
	}
	return e, nil
}

// Stats reads the emulator's counters.
func (e *Emulator) Stats() (Stats, error) { return e.readStats("") }

// StatsPerInstance reads the counters with the executions of every instance.
func (e *Emulator) StatsPerInstance() (Stats, error) { return e.readStats("?perInstance=true") }

func (e *Emulator) readStats(query string) (Stats, error) {
	var s Stats
	req, err := http.NewRequest(http.MethodGet, e.URL+"/_emulator/stats"+query, nil)
	if err != nil {
		return s, err
	}
	emulator.SignControl(req, e.AccessKeySecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return s, fmt.Errorf("reading emulator stats: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return s, fmt.Errorf("reading emulator stats: HTTP %d", resp.StatusCode)
	}
	return s, json.NewDecoder(resp.Body).Decode(&s)
}

// Stop asks the emulator to shut down (SIGTERM), kills it after 10s, and removes its files.
func (e *Emulator) Stop() error {
	defer os.RemoveAll(e.dir)
	if e.cmd.Process == nil {
		return nil
	}
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-e.done:
		var exit *exec.ExitError
		if errors.As(err, &exit) && !exit.Exited() {
			return nil // ended by our signal
		}
		return err
	case <-time.After(10 * time.Second):
		_ = e.cmd.Process.Kill()
		return errors.New("emulator did not stop within 10s of SIGTERM; killed")
	}
}
