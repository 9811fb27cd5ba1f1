package protocol_test

import (
	"fmt"
	"io"
	"net/http"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// A handler authenticates, checks the region, dispatches on Action and renders.
func ExampleVerifier_Authenticate() {
	v := &protocol.Verifier{
		Credentials: func(id string) (string, bool) { return "emulator-secret", id == "EMULATORACCESSKEYID" },
		APIVersion:  "2014-05-26",
	}
	handler := func(w http.ResponseWriter, r *http.Request) {
		requestID, hostID := protocol.NewRequestID(), "ecs.emulator"
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			protocol.WriteError(w, requestID, hostID, protocol.ErrInvalidParameter("body", err.Error()))
			return
		}
		req, apiErr := v.Authenticate(r, body)
		if apiErr == nil && req.RegionID != "cn-hangzhou" {
			apiErr = protocol.ErrInvalidRegionID(req.RegionID)
		}
		if apiErr != nil {
			protocol.WriteError(w, requestID, hostID, apiErr)
			return
		}
		switch req.Action {
		case "DescribeCommands":
			protocol.WriteJSON(w, requestID, map[string]any{
				"Commands": map[string]any{"Command": []any{}}, "TotalCount": 0,
			})
		default:
			protocol.WriteError(w, requestID, hostID, protocol.ErrInvalidAction(req.Action))
		}
	}
	_ = handler
	fmt.Println(len(protocol.NewRequestID()))
	// Output: 36
}
