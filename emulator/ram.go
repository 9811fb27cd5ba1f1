package emulator

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// RAM authorisation. With Options.RAMPolicies set, a call signed by a listed principal (an
// AccessKeyId, or the role ARN of temporary credentials) must be allowed by its policy for
// every resource it touches, else it is answered Forbidden.RAM naming the action. A principal
// that is not listed acts as the account's owner: unrestricted, as the emulator is without
// any policy. A session policy given to AssumeRole narrows the role's further.

// forbiddenRAMMessage is ECS's message for Forbidden.RAM (403); the emulator adds the action
// and resource so that the caller can tell which permission is missing.
const forbiddenRAMMessage = "User not authorized to operate on the specified resource, or this API doesn't support RAM."

func errForbiddenRAM(action, resource string) *protocol.APIError {
	return protocol.NewError(http.StatusForbidden, "Forbidden.RAM",
		fmt.Sprintf("%s Action: %s, Resource: %s.", forbiddenRAMMessage, action, resource))
}

// authorize checks req against the RAM policies; nil when it may proceed.
func (s *Server) authorize(req *protocol.Request) *protocol.APIError {
	if len(s.ramPolicies) == 0 || req.AccessKeyID == "" {
		return nil
	}
	action, resources := s.ramRequest(req)
	if action == "" {
		return nil // GetCallerIdentity needs no permission
	}
	principal := s.principalOf(req.AccessKeyID)
	policy, listed := s.ramPolicies[principal]
	var sessionPolicy *ramPolicy
	if sess, ok := s.sessions.get(req.AccessKeyID); ok {
		sessionPolicy = sess.policy
	}
	for _, res := range resources {
		for _, p := range []*ramPolicy{policy, sessionPolicy} {
			if p == nil || (p == policy && !listed) {
				continue
			}
			if p.evaluate(action, []string{res}) != allowed {
				return errForbiddenRAM(action, res)
			}
		}
	}
	return nil
}

// ramRequest names the RAM action of a call and the resources it acts on, in the
// acs:<service>:<region>:<account>:<type>/<id> form.
func (s *Server) ramRequest(req *protocol.Request) (action string, resources []string) {
	if isSTS(req) {
		if req.Action == "AssumeRole" {
			return "sts:AssumeRole", []string{req.Get("RoleArn")}
		}
		return "", nil
	}
	arn := func(kind, id string) string {
		if id == "" {
			id = "*"
		}
		return "acs:ecs:" + cmpOrString(req.RegionID, s.opts.Region) + ":" + s.opts.AccountID + ":" + kind + "/" + id
	}
	each := func(kind string, ids []string) []string {
		if len(ids) == 0 {
			return []string{arn(kind, "")}
		}
		var out []string
		for _, id := range ids {
			out = append(out, arn(kind, id))
		}
		return out
	}
	action = "ecs:" + req.Action
	switch req.Action {
	case "CreateCommand":
		return action, []string{arn("command", "")}
	case "DescribeCommands", "ModifyCommand", "DeleteCommand":
		return action, []string{arn("command", req.Get("CommandId"))}
	case "InvokeCommand":
		return action, append([]string{arn("command", req.Get("CommandId"))}, each("instance", req.List("InstanceId"))...)
	case "RunCommand":
		return action, append([]string{arn("command", "")}, each("instance", req.List("InstanceId"))...)
	case "DescribeInvocations", "DescribeInvocationResults", "DescribeSendFileResults", "ModifyInvocationAttribute":
		return action, []string{arn("invocation", req.Get("InvokeId"))}
	case "StopInvocation":
		res := []string{arn("invocation", req.Get("InvokeId"))}
		if ids := req.List("InstanceId"); len(ids) > 0 {
			res = append(res, each("instance", ids)...)
		}
		return action, res
	case "SendFile", "DescribeCloudAssistantStatus", "InstallCloudAssistant", "DescribeInstances":
		return action, each("instance", req.List("InstanceId"))
	case "StartInstance", "StopInstance", "RebootInstance":
		return action, []string{arn("instance", req.Get("InstanceId"))}
	case "TagResources", "UntagResources", "ListTagResources", "JoinResourceGroup":
		kind := strings.ToLower(req.Get("ResourceType"))
		ids := req.List("ResourceId")
		if id := req.Get("ResourceId"); id != "" {
			ids = append(ids, id)
		}
		return action, each(kind, ids)
	}
	return action, []string{"*"}
}

func cmpOrString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
