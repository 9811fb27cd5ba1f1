package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/model"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// agentVersion is what DescribeCloudAssistantStatus reports for an installed client.
const agentVersion = "2.2.3.0"

// maxStatusInstances is the number of InstanceId.N DescribeCloudAssistantStatus takes.
const maxStatusInstances = 100

func describeInstances(s *Server, r *protocol.Request) (any, error) {
	p, err := parsePage(r, 10, 100)
	if err != nil {
		return nil, err
	}
	f := model.InstanceFilter{Status: r.Get("Status"), Name: r.Get("InstanceName"), Tags: tags(r)}
	if raw := r.Get("InstanceIds"); raw != "" {
		f.IDs = []string{}
		if err := json.Unmarshal([]byte(raw), &f.IDs); err != nil {
			return nil, protocol.NewError(http.StatusBadRequest, "InvalidInstanceIds.Malformed", "InstanceIds must be a JSON array of instance IDs.")
		}
	}
	list := s.cloud.FindInstances(f)
	start, end, next := p.window(len(list))
	out := describeInstancesJSON{paging: p.answer(len(list), next)}
	out.Instances.Instance = make([]instanceJSON, 0, end-start)
	for _, in := range list[start:end] {
		out.Instances.Instance = append(out.Instances.Instance, instanceOf(in, s.opts.Region))
	}
	return out, nil
}

func describeCloudAssistantStatus(s *Server, r *protocol.Request) (any, error) {
	p, err := parsePage(r, 10, 50)
	if err != nil {
		return nil, err
	}
	list := r.List("InstanceId")
	ids := map[string]bool{}
	for _, id := range list {
		ids[id] = true
	}
	if len(list) > maxStatusInstances { // InstanceId.N: N is 1 to 100, repeats counted
		return nil, protocol.NewError(http.StatusForbidden, "InstanceIds.ExceedLimit", "At most 100 instance IDs may be given.")
	}
	osType := strings.ToLower(r.Get("OSType"))
	var rows []cloudAssistantStatusJSON
	for _, in := range s.cloud.Instances() {
		if (len(ids) > 0 && !ids[in.ID]) || (osType != "" && in.OSType != osType) {
			continue
		}
		a := s.cloud.InstanceActivity(in.ID)
		row := cloudAssistantStatusJSON{
			InstanceId: in.ID, CloudAssistantStatus: "false", OSType: "Linux",
			InvocationCount: int64(a.Invocations), ActiveTaskCount: int64(a.Active), LastInvokedTime: ts(a.LastInvoked),
		}
		if in.OSType == model.OSWindows {
			row.OSType = "Windows"
		}
		if in.AgentInstalled {
			row.CloudAssistantVersion = agentVersion
			switch {
			case in.Status == model.InstanceRunning && !in.AgentOffline:
				row.CloudAssistantStatus = "true"
				row.LastHeartbeatTime = ts(s.cloud.Now())
			case in.Status == model.InstanceRunning:
				// An offline client went silent: its last heartbeat is an hour before the boot.
				row.LastHeartbeatTime = ts(in.LastBoot.Add(-time.Hour))
			}
		}
		rows = append(rows, row)
	}
	start, end, next := p.window(len(rows))
	out := describeCloudAssistantStatusJSON{paging: p.answer(len(rows), next)}
	out.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus = append(make([]cloudAssistantStatusJSON, 0, end-start), rows[start:end]...)
	return out, nil
}

func installCloudAssistant(s *Server, r *protocol.Request) (any, error) {
	if err := s.cloud.InstallCloudAssistant(r.List("InstanceId")); err != nil {
		return nil, err
	}
	return empty{}, nil
}

func instanceAction(do func(string) error) handler {
	return func(s *Server, r *protocol.Request) (any, error) {
		id, err := required(r, "InstanceId")
		if err != nil {
			return nil, err
		}
		if dry, err := boolParam(r, "DryRun"); err != nil {
			return nil, err
		} else if dry {
			return nil, protocol.NewError(http.StatusBadRequest, "DryRunOperation", "Request validation has been passed with DryRun flag set.")
		}
		if err := do(id); err != nil {
			return nil, err
		}
		return empty{}, nil
	}
}

func startInstance(s *Server, r *protocol.Request) (any, error) {
	return instanceAction(s.cloud.StartInstance)(s, r)
}

func stopInstance(s *Server, r *protocol.Request) (any, error) {
	return instanceAction(s.cloud.StopInstance)(s, r)
}

func rebootInstance(s *Server, r *protocol.Request) (any, error) {
	return instanceAction(s.cloud.RebootInstance)(s, r)
}
