package protocol

import (
	"net/http"
	"strings"
)

// anonymousActions may be called without a signature: AssumeRoleWithOIDC proves who calls
// with the OIDC token it carries, so the SDKs send it unsigned (V1 form, or a V3 request
// without Authorization).
var anonymousActions = map[string]bool{"AssumeRoleWithOIDC": true}

// Anonymous parses an unsigned call of an action that needs no signature; ok is false when
// the request is signed or names another action, and then Authenticate applies.
func Anonymous(r *http.Request, body []byte) (req *Request, ok bool, apiErr *APIError) {
	if strings.HasPrefix(r.Header.Get("Authorization"), "ACS3-") {
		return nil, false, nil
	}
	params, apiErr := collectParams(r, body)
	if apiErr != nil {
		return nil, false, nil
	}
	if params.Get("Signature") != "" {
		return nil, false, nil
	}
	action, version := params.Get("Action"), params.Get("Version")
	if action == "" {
		action, version = r.Header.Get("x-acs-action"), r.Header.Get("x-acs-version")
	}
	if !anonymousActions[action] {
		return nil, false, nil
	}
	return &Request{
		Method:   r.Method,
		Action:   action,
		Version:  version,
		RegionID: params.Get("RegionId"),
		Params:   businessParams(params, commonV1),
	}, true, nil
}
