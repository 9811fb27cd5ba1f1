package protocol

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// WriteJSON answers 200 with body, which must marshal to a JSON object (the SDK cannot
// decode anything else), plus RequestId. A nil body answers just {"RequestId": …}.
func WriteJSON(w http.ResponseWriter, requestID string, body any) {
	fields := map[string]json.RawMessage{}
	if body != nil {
		raw, err := marshal(body)
		if err != nil {
			WriteError(w, requestID, "", ErrInternal("rendering the answer: "+err.Error()))
			return
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		if err := dec.Decode(&fields); err != nil || fields == nil {
			WriteError(w, requestID, "", ErrInternal(fmt.Sprintf("rendering the answer: %T is not a JSON object", body)))
			return
		}
	}
	id, _ := json.Marshal(requestID)
	fields["RequestId"] = id
	write(w, http.StatusOK, requestID, fields)
}

// errorBody is the error shape the SDK decodes; every value must be a string.
type errorBody struct {
	RequestID string `json:"RequestId"`
	HostID    string `json:"HostId"`
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	Recommend string `json:"Recommend"`
}

// WriteError answers e with its HTTP status (500 when unset).
func WriteError(w http.ResponseWriter, requestID, hostID string, e *APIError) {
	if e == nil {
		e = ErrInternal("")
	}
	status := e.HTTPStatus
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	write(w, status, requestID, errorBody{requestID, hostID, e.Code, e.Message, e.Recommend})
}

// marshal leaves <, > and & alone, as the real API does; scripts are full of them.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func write(w http.ResponseWriter, status int, requestID string, v any) {
	raw, err := marshal(v)
	if err != nil { // only reachable with a broken RawMessage; keep the shape valid
		status, raw = http.StatusInternalServerError, []byte(`{"Code":"InternalError","Message":"rendering failed"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=utf-8")
	h.Set("x-acs-request-id", requestID)
	w.WriteHeader(status)
	_, _ = w.Write(raw)
}

// NewRequestID returns a random upper-case UUID, like E69EF3CC-94CD-42E7-8926-F133B86387C0.
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}
