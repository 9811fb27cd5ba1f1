package reliability

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/debug"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
)

// logVerbosity is the engine's -v for the secrets test, flowed to the provider: the most
// verbose level below 9, at which the Pulumi framework itself (engine and plugin SDK) dumps
// every marshalled property, secrets included, as its docs warn.
var logVerbosity uint = 8

// logCapture collects everything an `up` prints or emits: progress, stderr (with the
// engine's and the provider's logs), and the engine event stream.
type logCapture struct {
	progress, stderr syncBuffer
	events           chan events.EngineEvent
	done             chan struct{}
	all              strings.Builder
}

func newLogCapture() *logCapture {
	l := &logCapture{events: make(chan events.EngineEvent), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		for e := range l.events {
			l.all.WriteString(mustJSON(e))
			l.all.WriteByte('\n')
		}
	}()
	return l
}

func (l *logCapture) options() []optup.Option {
	return []optup.Option{
		optup.ProgressStreams(&l.progress), optup.ErrorProgressStreams(&l.stderr),
		optup.EventStreams(l.events),
		optup.DebugLogging(debug.LoggingOptions{LogLevel: &logVerbosity, LogToStdErr: true, FlowToPlugins: true, Debug: true}),
	}
}

// wait returns once the event stream is closed (the Automation API closes it after up).
func (l *logCapture) wait() { <-l.done }

func (l *logCapture) progressText() string { return l.progress.String() }
func (l *logCapture) stderrText() string   { return l.stderr.String() }
func (l *logCapture) eventsText() string   { return l.all.String() }
func (l *logCapture) text() string         { return l.progress.String() + l.stderr.String() }
