package emulator

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/model"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// controlPrefix starts the paths of the emulator's own endpoints (control.go).
const controlPrefix = "/_emulator/"

// maxBody bounds a request body; the largest legitimate call is a few tens of KB.
const maxBody = 1 << 20

// idempotentActions take a ClientToken.
var idempotentActions = map[string]bool{"InvokeCommand": true, "RunCommand": true, "SendFile": true, "CreateCommand": true}

// regionlessActions may come without RegionId: the official Tea SDKs send none for them,
// and the instance id names the region.
var regionlessActions = map[string]bool{"StartInstance": true, "StopInstance": true, "RebootInstance": true}

// handler performs one Action and returns the answer body (a JSON object).
type handler func(s *Server, r *protocol.Request) (any, error)

// ServeHTTP serves the RPC API and the signed /_emulator/* control endpoints. Browser traffic
// is refused first (guard.go); a panic in a handler is answered InternalError (500) and logged.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := protocol.NewRequestID()
	defer s.recoverPanic(w, r, requestID)
	if apiErr := s.refuseBrowser(r); apiErr != nil {
		s.logf("%s %s from %q -> %s", r.Method, r.URL.Path, r.Host, apiErr.Code)
		protocol.WriteError(w, requestID, s.hostID, apiErr)
		return
	}
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		s.serveControl(w, r, requestID)
		return
	}
	if isMetadataRequest(r) {
		s.serveMetadata(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		protocol.WriteError(w, requestID, s.hostID, protocol.ErrInvalidParameter("body", "unreadable or larger than 1 MiB"))
		return
	}
	f := s.faults.get()
	req, apiErr := s.authenticate(r, body)
	if apiErr != nil {
		action := r.URL.Query().Get("Action")
		if action == "" {
			action = r.Header.Get("x-acs-action")
		}
		s.logf("%s %s -> %s", r.Method, action, apiErr.Code)
		protocol.WriteError(w, requestID, s.hostID, apiErr)
		return
	}
	s.count(req.Action)
	if !f.appliesTo(req.Action) {
		f = Faults{}
	}
	if apiErr := s.faults.errorFor(f); apiErr != nil {
		s.logf("%s -> injected %s", req.Action, apiErr.Code)
		protocol.WriteError(w, requestID, s.hostID, apiErr)
		return
	}
	// A retry that arrives while the first call with its ClientToken is still being processed
	// is refused, as the real service does; the latency fault widens that window. Once the
	// call is applied the model knows the token, so the mark goes before any answer (or a
	// dropped connection) reaches the client: a fast retry then gets the recorded answer.
	release := func() {}
	if token := req.Get("ClientToken"); token != "" && idempotentActions[req.Action] {
		key := req.Action + "\x00" + token
		if _, busy := s.inflight.LoadOrStore(key, true); busy {
			protocol.WriteError(w, requestID, s.hostID, protocol.NewError(http.StatusForbidden, "IdempotentProcessing",
				"The previous request with the same ClientToken is still being processed."))
			return
		}
		var once sync.Once
		release = func() { once.Do(func() { s.inflight.Delete(key) }) }
		defer release()
	}
	if f.Latency > 0 {
		select {
		case <-s.opts.Clock.After(f.Latency):
		case <-r.Context().Done():
			return
		}
	}
	if !drop(f) {
		s.dispatch(w, req, requestID, release)
		return
	}
	// Apply the call, then close the connection without an answer.
	s.dispatch(&discardWriter{header: http.Header{}}, req, requestID, release)
	s.logf("%s -> injected drop", req.Action)
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // makes net/http close the connection without answering
}

// authenticate verifies a call's signature and, for temporary credentials, its
// SecurityToken; the one action that needs no signature (AssumeRoleWithOIDC) passes unsigned.
func (s *Server) authenticate(r *http.Request, body []byte) (*protocol.Request, *protocol.APIError) {
	if req, ok, _ := protocol.Anonymous(r, body); ok {
		return req, nil
	}
	req, apiErr := s.verifier.Authenticate(r, body)
	if apiErr != nil {
		return nil, apiErr
	}
	if apiErr := s.checkSecurityToken(req); apiErr != nil {
		return nil, apiErr
	}
	return req, nil
}

// recoverPanic turns a panic in a handler into an InternalError answer and a log line with
// the stack, instead of the dropped connection net/http would leave. The drop fault's
// deliberate http.ErrAbortHandler passes through.
func (s *Server) recoverPanic(w http.ResponseWriter, r *http.Request, requestID string) {
	p := recover()
	if p == nil {
		return
	}
	if p == http.ErrAbortHandler {
		panic(p)
	}
	s.logPanic(r, p)
	protocol.WriteError(w, requestID, s.hostID, protocol.ErrInternal("the emulator failed while serving this request (a bug; see its log)"))
}

// dispatch runs the handler of req.Action and writes its answer; applied runs once the handler
// has returned, before anything is written.
func (s *Server) dispatch(w http.ResponseWriter, req *protocol.Request, requestID string, applied func()) {
	table := handlers
	if isSTS(req) {
		table = stsHandlers // STS is global: no RegionId to check
	}
	h, ok := table[req.Action]
	if !ok {
		protocol.WriteError(w, requestID, s.hostID, protocol.ErrInvalidAction(req.Action))
		return
	}
	if apiErr := s.authorize(req); apiErr != nil {
		s.logf("%s -> %s: %s", req.Action, apiErr.Code, apiErr.Message)
		protocol.WriteError(w, requestID, s.hostID, apiErr)
		return
	}
	if !isSTS(req) {
		if req.RegionID == "" && regionlessActions[req.Action] {
			req.RegionID = s.opts.Region
		}
		if apiErr := s.checkRegion(req.RegionID); apiErr != nil {
			protocol.WriteError(w, requestID, s.hostID, apiErr)
			return
		}
	}
	out, err := h(s, req)
	applied()
	if err != nil {
		apiErr := toAPIError(err)
		s.logf("%s -> %s: %s", req.Action, apiErr.Code, apiErr.Message)
		protocol.WriteError(w, requestID, s.hostID, apiErr)
		return
	}
	s.logf("%s -> 200", req.Action)
	protocol.WriteJSON(w, requestID, out)
}

// toAPIError turns a model or protocol error into the answer the client gets.
func toAPIError(err error) *protocol.APIError {
	var apiErr *protocol.APIError
	if errors.As(err, &apiErr) {
		return apiErr
	}
	var me *model.Error
	if errors.As(err, &me) {
		return protocol.NewError(me.HTTPStatus, me.Code, me.Message)
	}
	return protocol.ErrInternal(err.Error())
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Log != nil {
		fmt.Fprintf(s.opts.Log, time.Now().UTC().Format(time.RFC3339)+" "+format+"\n", args...)
	}
}

// logPanic reports a handler's panic with its stack on the log, or on stderr without one:
// a panic is a bug to fix, never to hide.
func (s *Server) logPanic(r *http.Request, p any) {
	out := s.opts.Log
	if out == nil {
		out = os.Stderr
	}
	fmt.Fprintf(out, "%s panic serving %s %s: %v\n%s", time.Now().UTC().Format(time.RFC3339), r.Method, r.URL.Path, p, debug.Stack())
}

// discardWriter swallows the answer of a call whose response is dropped.
type discardWriter struct {
	header http.Header
	buf    bytes.Buffer
}

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return d.buf.Write(b) }
func (d *discardWriter) WriteHeader(int)             {}
