package emulator

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/model"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// The /_emulator/* control endpoints change the emulated world (releasing an instance) or
// reveal its activity, so they need the access key secret too. A control call carries
//
//	X-Emulator-Date:      the current UTC time, 2006-01-02T15:04:05Z (±15 minutes)
//	X-Emulator-Nonce:     a value used once (1–64 characters)
//	X-Emulator-Signature: hex(HMAC-SHA256(secret, METHOD + "\n" + path + "\n" + raw query + "\n" + date + "\n" + nonce))
//
// so the secret itself never travels, and a captured call cannot be sent again: each nonce is
// accepted once (remembered with the API's signature nonces, across restarts with a data
// folder). SignControl does it in Go; the Node.js and Python test harnesses do the same in a
// few lines.
const (
	ControlDateHeader      = "X-Emulator-Date"
	ControlSignatureHeader = "X-Emulator-Signature"
	ControlNonceHeader     = "X-Emulator-Nonce"
	maxControlNonce        = 64
	controlWindow          = 15 * time.Minute
	controlDateLayout      = "2006-01-02T15:04:05Z"
)

// SignControl signs a request to a /_emulator/* endpoint with the access key secret.
func SignControl(r *http.Request, secret string) {
	date := time.Now().UTC().Format(controlDateLayout)
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	nonce := hex.EncodeToString(b)
	r.Header.Set(ControlDateHeader, date)
	r.Header.Set(ControlNonceHeader, nonce)
	r.Header.Set(ControlSignatureHeader, controlSignature(secret, r.Method, r.URL.Path, r.URL.RawQuery, date, nonce))
}

func controlSignature(secret, method, path, rawQuery, date, nonce string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(method + "\n" + path + "\n" + rawQuery + "\n" + date + "\n" + nonce))
	return hex.EncodeToString(mac.Sum(nil))
}

// checkControl verifies a control call's signature; nil when it is good.
func (s *Server) checkControl(r *http.Request) *protocol.APIError {
	date, sig, nonce := r.Header.Get(ControlDateHeader), r.Header.Get(ControlSignatureHeader), r.Header.Get(ControlNonceHeader)
	if date == "" || sig == "" || nonce == "" {
		return errControl("the call is not signed: send " + ControlDateHeader + ", " + ControlNonceHeader + " and " + ControlSignatureHeader)
	}
	if len(nonce) > maxControlNonce {
		return errControl(fmt.Sprintf("%s is longer than %d characters", ControlNonceHeader, maxControlNonce))
	}
	ts, err := time.Parse(controlDateLayout, date)
	if err != nil {
		return errControl(ControlDateHeader + " is not of the form 2006-01-02T15:04:05Z")
	}
	if d := time.Since(ts); d > controlWindow || d < -controlWindow {
		return errControl(ControlDateHeader + " is more than 15 minutes from the emulator's clock")
	}
	want := controlSignature(s.opts.AccessKeySecret, r.Method, r.URL.Path, r.URL.RawQuery, date, nonce)
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return errControl("the signature does not match the access key secret")
	}
	if !s.verifier.UseNonce("control", nonce) {
		return errControl(ControlNonceHeader + " " + nonce + " was used before: sign every call afresh")
	}
	return nil
}

func errControl(why string) *protocol.APIError {
	return &protocol.APIError{HTTPStatus: http.StatusForbidden, Code: "Forbidden.ControlSignature",
		Message:   "The control endpoint refuses this call: " + why + ".",
		Recommend: "Sign control calls with the access key secret (emulator.SignControl in Go)."}
}

// serveControl serves GET /_emulator/stats and POST /_emulator/release once signed.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request, requestID string) {
	if apiErr := s.checkControl(r); apiErr != nil {
		s.logf("%s %s -> %s", r.Method, r.URL.Path, apiErr.Code)
		protocol.WriteError(w, requestID, s.hostID, apiErr)
		return
	}
	switch r.URL.Path {
	case "/_emulator/stats":
		w.Header().Set("Content-Type", "application/json")
		st := s.Stats()
		if r.URL.Query().Get("perInstance") == "true" {
			st = s.StatsPerInstance()
		}
		_ = json.NewEncoder(w).Encode(st)
	case "/_emulator/release":
		s.serveRelease(w, r)
	default:
		http.NotFound(w, r)
	}
}

// serveRelease serves POST /_emulator/release?InstanceId=<id>: 204 when released, 404 for an
// unknown instance.
func (s *Server) serveRelease(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "use POST", http.StatusMethodNotAllowed)
		return
	}
	id := r.URL.Query().Get("InstanceId")
	if id == "" {
		http.Error(w, "InstanceId is required", http.StatusBadRequest)
		return
	}
	if err := s.ReleaseInstance(id); err != nil {
		status := http.StatusInternalServerError
		var me *model.Error
		if errors.As(err, &me) {
			status = me.HTTPStatus
		}
		http.Error(w, err.Error(), status)
		return
	}
	s.logf("released instance %s", id)
	w.WriteHeader(http.StatusNoContent)
}
