package emulator

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/model"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// maxBody bounds a request body; the largest legitimate call is a few tens of KB.
const maxBody = 1 << 20

// idempotentActions take a ClientToken.
var idempotentActions = map[string]bool{"InvokeCommand": true, "RunCommand": true, "CreateCommand": true}

// regionlessActions may come without RegionId: the official Tea SDKs send none for them,
// and the instance id names the region.
var regionlessActions = map[string]bool{"StartInstance": true, "StopInstance": true, "RebootInstance": true}

// handler performs one Action and returns the answer body (a JSON object).
type handler func(s *Server, r *protocol.Request) (any, error)

// ServeHTTP serves the RPC API, GET /_emulator/stats and POST /_emulator/release.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_emulator/stats":
		s.serveStats(w)
		return
	case "/_emulator/release":
		s.serveRelease(w, r)
		return
	}
	requestID := protocol.NewRequestID()
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		protocol.WriteError(w, requestID, s.hostID, protocol.ErrInvalidParameter("body", "unreadable or larger than 1 MiB"))
		return
	}
	f := s.faults.get()
	req, apiErr := s.verifier.Authenticate(r, body)
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
	if apiErr := s.faults.errorFor(f); apiErr != nil {
		s.logf("%s -> injected %s", req.Action, apiErr.Code)
		protocol.WriteError(w, requestID, s.hostID, apiErr)
		return
	}
	// A retry that arrives while the first call with its ClientToken is still being processed
	// is refused, as the real service does; the latency fault widens that window.
	if token := req.Get("ClientToken"); token != "" && idempotentActions[req.Action] {
		key := req.Action + "\x00" + token
		if _, busy := s.inflight.LoadOrStore(key, true); busy {
			protocol.WriteError(w, requestID, s.hostID, protocol.NewError(http.StatusForbidden, "IdempotentProcessing",
				"The previous request with the same ClientToken is still being processed."))
			return
		}
		defer s.inflight.Delete(key)
	}
	if f.Latency > 0 {
		select {
		case <-time.After(f.Latency):
		case <-r.Context().Done():
			return
		}
	}
	if !drop(f) {
		s.dispatch(w, req, requestID)
		return
	}
	// Apply the call, then close the connection without an answer.
	s.dispatch(&discardWriter{header: http.Header{}}, req, requestID)
	s.logf("%s -> injected drop", req.Action)
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // makes net/http close the connection without answering
}

func (s *Server) dispatch(w http.ResponseWriter, req *protocol.Request, requestID string) {
	h, ok := handlers[req.Action]
	if !ok {
		protocol.WriteError(w, requestID, s.hostID, protocol.ErrInvalidAction(req.Action))
		return
	}
	if req.RegionID == "" && regionlessActions[req.Action] {
		req.RegionID = s.opts.Region
	}
	if apiErr := s.checkRegion(req.RegionID); apiErr != nil {
		protocol.WriteError(w, requestID, s.hostID, apiErr)
		return
	}
	out, err := h(s, req)
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

// discardWriter swallows the answer of a call whose response is dropped.
type discardWriter struct {
	header http.Header
	buf    bytes.Buffer
}

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return d.buf.Write(b) }
func (d *discardWriter) WriteHeader(int)             {}
