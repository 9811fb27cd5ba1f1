package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
)

// A RAM policy document: statements that Allow or Deny actions ("ecs:DescribeCommands",
// wildcards "ecs:Describe*") on resources ("acs:ecs:cn-hangzhou:123:command/*", "*").
// Evaluation follows RAM: an explicit Deny wins, then an Allow is needed; nothing matched
// means denied.
type ramPolicy struct {
	Statements []ramStatement
}

type ramStatement struct {
	Effect    string
	Actions   []string
	Resources []string
}

// parsePolicy reads a policy document; the error says what is wrong with it.
func parsePolicy(doc []byte) (*ramPolicy, error) {
	var raw struct {
		Version   string
		Statement []struct {
			Effect   string
			Action   stringOrList
			Resource stringOrList
		}
	}
	if err := json.Unmarshal(doc, &raw); err != nil {
		return nil, fmt.Errorf("not a policy document: %w", err)
	}
	if len(raw.Statement) == 0 {
		return nil, errors.New("the policy has no Statement")
	}
	p := &ramPolicy{}
	for i, st := range raw.Statement {
		if st.Effect != "Allow" && st.Effect != "Deny" {
			return nil, fmt.Errorf("statement %d: Effect is %q: want Allow or Deny", i, st.Effect)
		}
		if len(st.Action) == 0 {
			return nil, fmt.Errorf("statement %d has no Action", i)
		}
		res := []string(st.Resource)
		if len(res) == 0 {
			return nil, fmt.Errorf("statement %d has no Resource", i)
		}
		p.Statements = append(p.Statements, ramStatement{Effect: st.Effect, Actions: st.Action, Resources: res})
	}
	return p, nil
}

// decision is the outcome of evaluating policies for one call.
type decision int

const (
	notMatched decision = iota
	allowed
	denied
)

// evaluate says whether the policy allows action ("ecs:InvokeCommand") on any of resources.
func (p *ramPolicy) evaluate(action string, resources []string) decision {
	out := notMatched
	for _, st := range p.Statements {
		if !matchesAny(st.Actions, action, true) {
			continue
		}
		hit := false
		for _, r := range resources {
			if matchesAny(st.Resources, r, false) {
				hit = true
				break
			}
		}
		if !hit {
			continue
		}
		if st.Effect == "Deny" {
			return denied
		}
		out = allowed
	}
	return out
}

// matchesAny reports whether one of the patterns (with * and ? wildcards) matches s; actions
// compare case-insensitively, as RAM does.
func matchesAny(patterns []string, s string, foldCase bool) bool {
	for _, pat := range patterns {
		p, v := pat, s
		if foldCase {
			p, v = strings.ToLower(p), strings.ToLower(v)
		}
		// path.Match treats "/" as a separator that "*" does not cross; RAM's "*" does.
		if wildcardMatch(p, v) {
			return true
		}
	}
	return false
}

// wildcardMatch matches * (any run, "/" included) and ? (one character).
func wildcardMatch(pattern, s string) bool {
	if !strings.ContainsAny(pattern, "*?") {
		return pattern == s
	}
	star := strings.Index(pattern, "*")
	if star < 0 {
		ok, _ := path.Match(pattern, s)
		return ok
	}
	head, rest := pattern[:star], pattern[star+1:]
	if len(s) < len(head) || !wildcardMatch(head, s[:len(head)]) {
		return false
	}
	for i := len(head); i <= len(s); i++ {
		if wildcardMatch(rest, s[i:]) {
			return true
		}
	}
	return false
}

// stringOrList reads a JSON string or array of strings.
type stringOrList []string

func (l *stringOrList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("want a string or a list of strings")
	}
	*l = many
	return nil
}
