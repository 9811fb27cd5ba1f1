package model

import "time"

// Instance operating systems, states and command types.
const (
	OSLinux   = "linux"
	OSWindows = "windows"

	InstanceRunning = "Running"
	InstanceStopped = "Stopped"

	TypeShell      = "RunShellScript"
	TypeBat        = "RunBatScript"
	TypePowerShell = "RunPowerShellScript"

	RepeatOnce           = "Once"
	RepeatPeriod         = "Period"
	RepeatNextRebootOnly = "NextRebootOnly"
	RepeatEveryReboot    = "EveryReboot"
)

// Per-instance invocation statuses (InvocationStatus of a result).
const (
	StatusPending    = "Pending"
	StatusScheduled  = "Scheduled"
	StatusRunning    = "Running"
	StatusStopping   = "Stopping"
	StatusSuccess    = "Success"
	StatusFailed     = "Failed"
	StatusTimeout    = "Timeout"
	StatusError      = "Error"
	StatusInvalid    = "Invalid"
	StatusAborted    = "Aborted"
	StatusCancelled  = "Cancelled"
	StatusTerminated = "Terminated"
)

// Overall invocation statuses that are not also per-instance ones.
const (
	OverallStopped       = "Stopped"
	OverallPartialFailed = "PartialFailed"
)

// Legacy statuses (InvokeStatus, InstanceInvokeStatus, InvokeRecordStatus).
const (
	LegacyRunning       = "Running"
	LegacyStopping      = "Stopping"
	LegacyFinished      = "Finished"
	LegacyFailed        = "Failed"
	LegacyStopped       = "Stopped"
	LegacyPartialFailed = "PartialFailed"
)

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Instance is an emulated ECS instance; its disk is a sandbox directory.
type Instance struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	OSType         string `json:"osType"`
	Status         string `json:"status"`
	AgentInstalled bool   `json:"agentInstalled"`
	// AgentOffline marks an installed client that does not answer: runs stay Pending until
	// the delivery window passes, then end Aborted with DeliveryTimeout.
	AgentOffline bool `json:"agentOffline,omitempty"`
	// AgentInstallAt is when a client that InstallCloudAssistant is installing comes online.
	AgentInstallAt time.Time `json:"agentInstallAt,omitempty"`
	// Released marks a released instance; it is kept in the store only so that a restart
	// does not create it again from the configured instances.
	Released bool      `json:"released,omitempty"`
	Tags     []Tag     `json:"tags,omitempty"`
	Created  time.Time `json:"created"`
	LastBoot time.Time `json:"lastBoot"`
}

// Command is a saved script.
type Command struct {
	ID              string    `json:"id"`
	Name            string    `json:"name"`
	Description     string    `json:"description"`
	Type            string    `json:"type"`
	Content         string    `json:"content"` // plain text, not Base64
	WorkingDir      string    `json:"workingDir"`
	Timeout         int64     `json:"timeout"`
	EnableParameter bool      `json:"enableParameter"`
	ParameterNames  []string  `json:"parameterNames,omitempty"`
	Launcher        string    `json:"launcher,omitempty"`
	ResourceGroupID string    `json:"resourceGroupId,omitempty"`
	Tags            []Tag     `json:"tags,omitempty"`
	Created         time.Time `json:"created"`
	InvokeTimes     int       `json:"invokeTimes"`
	// Hidden marks a command RunCommand created without KeepCommand: it is not listed.
	Hidden bool `json:"hidden,omitempty"`
	// ClientToken and Fingerprint make CreateCommand idempotent.
	ClientToken string `json:"clientToken,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
}

// Invocation is one InvokeCommand or RunCommand call and what it did on each instance.
type Invocation struct {
	ID                 string            `json:"id"`
	CommandID          string            `json:"commandId"`
	CommandName        string            `json:"commandName"`
	CommandType        string            `json:"commandType"`
	CommandContent     string            `json:"commandContent"` // plain text, before substitution
	CommandDescription string            `json:"commandDescription,omitempty"`
	EnableParameter    bool              `json:"enableParameter"`
	WorkingDir         string            `json:"workingDir"`
	Timeout            int64             `json:"timeout"`
	RepeatMode         string            `json:"repeatMode"`
	Timed              bool              `json:"timed"`
	Frequency          string            `json:"frequency,omitempty"`
	Parameters         map[string]string `json:"parameters,omitempty"`
	Username           string            `json:"username,omitempty"`
	Launcher           string            `json:"launcher,omitempty"`
	TerminationMode    string            `json:"terminationMode,omitempty"`
	ContainerID        string            `json:"containerId,omitempty"`
	ContainerName      string            `json:"containerName,omitempty"`
	ClientToken        string            `json:"clientToken,omitempty"`
	Fingerprint        string            `json:"fingerprint,omitempty"`
	Tags               []Tag             `json:"tags,omitempty"`
	OssOutputDelivery  string            `json:"ossOutputDelivery,omitempty"`
	ResourceGroupID    string            `json:"resourceGroupId,omitempty"`
	Created            time.Time         `json:"created"`
	// Stopped is set by StopInvocation of the whole invocation: no further runs.
	Stopped bool `json:"stopped,omitempty"`
	// ScheduleDone is set when a schedule has no further firing time.
	ScheduleDone bool      `json:"scheduleDone,omitempty"`
	Targets      []*Target `json:"targets"`
}

// Target is the invocation on one instance.
type Target struct {
	InstanceID string    `json:"instanceId"`
	Status     string    `json:"status"`
	ErrorCode  string    `json:"errorCode,omitempty"`
	ErrorInfo  string    `json:"errorInfo,omitempty"`
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
	StopTime   time.Time `json:"stopTime,omitempty"`
	// Stopped is set when StopInvocation named this instance.
	Stopped bool `json:"stopped,omitempty"`
	// Repeats counts the runs ever made; Runs may keep fewer (the oldest are dropped).
	Repeats int `json:"repeats"`
	// Records counts the run records ever made (Run.Seq); a run that never reached the
	// instance is a record but not a repeat.
	Records int `json:"records"`
	// Runs is the history, oldest first. Each run is its own store record (history.go), so
	// a periodic run writes one record, not the whole invocation.
	Runs []*Run `json:"-"`
	// LegacyRuns reads the history of a state file written before runs had records.
	LegacyRuns []*Run `json:"runs,omitempty"`
}

// Run is one execution of the script on one instance.
type Run struct {
	// Seq numbers the records of a target, from 1; it keys the run's store record.
	Seq       int       `json:"seq"`
	Repeat    int       `json:"repeat"`
	Status    string    `json:"status"`
	ExitCode  int64     `json:"exitCode"`
	Output    []byte    `json:"output,omitempty"`
	Dropped   int       `json:"dropped"`
	ErrorCode string    `json:"errorCode,omitempty"`
	ErrorInfo string    `json:"errorInfo,omitempty"`
	Start     time.Time `json:"start,omitempty"`
	Finish    time.Time `json:"finish,omitempty"`
	Stop      time.Time `json:"stop,omitempty"`

	// saved is set once the run's final state is in the store; from then on its record never
	// changes, and unless it is the latest run its Output lives only in the store.
	saved bool
}

// LastRun is the latest run, or nil.
func (t *Target) LastRun() *Run {
	if len(t.Runs) == 0 {
		return nil
	}
	return t.Runs[len(t.Runs)-1]
}

// Periodic reports whether the invocation runs more than once.
func (inv *Invocation) Periodic() bool {
	return inv.RepeatMode == RepeatPeriod || inv.RepeatMode == RepeatEveryReboot
}

func (inv *Invocation) target(instanceID string) *Target {
	for _, t := range inv.Targets {
		if t.InstanceID == instanceID {
			return t
		}
	}
	return nil
}

func (inv *Invocation) clone() *Invocation {
	c := *inv
	c.Targets = make([]*Target, len(inv.Targets))
	for i, t := range inv.Targets {
		tc := *t
		tc.Runs = make([]*Run, len(t.Runs))
		for j, r := range t.Runs {
			rc := *r // Output is never mutated once set, so it may be shared
			tc.Runs[j] = &rc
		}
		c.Targets[i] = &tc
	}
	return &c
}
