package model

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Limits of custom parameters.
const (
	maxParamNameLen = 64
	maxParams       = 20
)

// placeholder matches {{ name }}; spaces inside the braces are ignored.
var placeholder = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

var paramName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// builtins are the values the service fills in; keys are lower case.
var builtins = map[string]bool{
	"acs::regionid": true, "acs::accountid": true, "acs::instanceid": true,
	"acs::instancename": true, "acs::invokeid": true, "acs::commandid": true,
}

// parseParameterNames returns the custom parameter names of content (built-ins excluded),
// first spelling kept, deduplicated case-insensitively.
func parseParameterNames(content string) ([]string, error) {
	var names []string
	seen := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(content, -1) {
		name := m[1]
		lower := strings.ToLower(name)
		if strings.HasPrefix(lower, "acs::") {
			if !builtins[lower] {
				return nil, badRequest("CmdParam.InvalidParamName", "The built-in parameter %q is not supported.", name)
			}
			continue
		}
		if !paramName.MatchString(name) {
			return nil, badRequest("CmdParam.InvalidParamName", "The parameter name %q is invalid: use letters, digits, '_' and '-'.", name)
		}
		if len(name) > maxParamNameLen {
			return nil, forbidden("CmdParamName.ExceedLimit", "The parameter name %q has %d characters; at most %d are allowed.", name, len(name), maxParamNameLen)
		}
		if !seen[lower] {
			seen[lower] = true
			names = append(names, name)
		}
	}
	if len(names) > maxParams {
		return nil, forbidden("CmdParamCount.ExceedLimit", "The command has %d parameters; at most %d are allowed.", len(names), maxParams)
	}
	return names, nil
}

// errParamKeyEmpty is InvokeCommand's answer to an empty key (its table has no code of its
// own for that); ModifyInvocationAttribute, whose table has one, tells it apart by identity.
var errParamKeyEmpty = forbidden("ParameterKey.ExceedLimit", "The maximum length of a parameter name is exceeded.")

// parseParameters validates the JSON object of an invocation against the command's names.
func parseParameters(raw string, enabled bool, names []string) (map[string]string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || raw == "{}" || raw == "null" {
		if enabled && len(names) > 0 {
			return nil, badRequest("Parameter.MissingValue", "No value was given for the parameter %q.", names[0])
		}
		return nil, nil
	}
	if !enabled {
		return nil, badRequest("Parameter.Disabled", "The command does not enable custom parameters, but Parameters was passed.")
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, badRequest("InvalidParameter.Parameters", "Parameters must be a JSON object of string values.")
	}
	params := map[string]string{}
	lowerSeen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, badRequest("InvalidParameter.Parameters", "Parameters is not valid JSON: %v", err)
		}
		key := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, badRequest("InvalidParameter.Parameters", "Parameters is not valid JSON: %v", err)
		}
		var s string
		if err := json.Unmarshal(val, &s); err != nil {
			return nil, forbidden("ParameterType.NotSupported", "The value of parameter %q must be a string.", key)
		}
		if key == "" {
			return nil, errParamKeyEmpty
		}
		if len(key) > maxParamNameLen {
			return nil, forbidden("ParameterKey.ExceedLimit", "The parameter key %q must have 1 to %d characters.", key, maxParamNameLen)
		}
		lower := strings.ToLower(key)
		if lowerSeen[lower] {
			return nil, forbidden("ParameterKey.Duplicate", "The parameter key %q is given more than once.", key)
		}
		lowerSeen[lower] = true
		params[key] = s
	}
	if _, err := dec.Token(); err != nil {
		return nil, badRequest("InvalidParameter.Parameters", "Parameters is not valid JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, badRequest("InvalidParameter.Parameters", "Parameters must be a single JSON object.")
	}
	if len(params) > maxParams {
		return nil, forbidden("ParameterCount.ExceedLimit", "%d parameters were given; at most %d are allowed.", len(params), maxParams)
	}
	known := map[string]bool{}
	for _, n := range names {
		known[strings.ToLower(n)] = true
	}
	for k := range params {
		if !known[strings.ToLower(k)] {
			return nil, forbidden("Parameter.NotMatched", "The parameter %q is not defined by the command (defined: %s).", k, strings.Join(names, ", "))
		}
	}
	for _, n := range names {
		if _, ok := lookupFold(params, n); !ok {
			return nil, badRequest("Parameter.MissingValue", "No value was given for the parameter %q.", n)
		}
	}
	return params, nil
}

func lookupFold(m map[string]string, key string) (string, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return "", false
}

// substitute replaces the placeholders of content with the invocation's values.
func substitute(content string, params map[string]string, builtin map[string]string) string {
	return placeholder.ReplaceAllStringFunc(content, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		if v, ok := builtin[strings.ToLower(name)]; ok {
			return v
		}
		if v, ok := lookupFold(params, name); ok {
			return v
		}
		return m
	})
}

func describeParams(p map[string]string) string {
	if len(p) == 0 {
		return ""
	}
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Sprint(p)
	}
	return string(b)
}
