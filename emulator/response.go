package emulator

import (
	"encoding/json"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/model"
)

// The shapes of the answers, apart from the handlers' logic. Field names and types follow the
// SDK's response structs; every list is wrapped in an object, as the SDK expects.

const timeLayout = "2006-01-02T15:04:05Z"

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

type tagJSON struct {
	TagKey   string `json:"TagKey"`
	TagValue string `json:"TagValue"`
}

type tagsJSON struct {
	Tag []tagJSON `json:"Tag"`
}

func tagsOf(tags []model.Tag) tagsJSON {
	out := tagsJSON{Tag: make([]tagJSON, 0, len(tags))}
	for _, t := range tags {
		out.Tag = append(out.Tag, tagJSON{TagKey: t.Key, TagValue: t.Value})
	}
	return out
}

type parameterNamesJSON struct {
	ParameterName []string `json:"ParameterName"`
}

type commandJSON struct {
	CommandId       string             `json:"CommandId"`
	Name            string             `json:"Name"`
	Type            string             `json:"Type"`
	Description     string             `json:"Description"`
	CommandContent  string             `json:"CommandContent"`
	WorkingDir      string             `json:"WorkingDir"`
	Timeout         int64              `json:"Timeout"`
	EnableParameter bool               `json:"EnableParameter"`
	ParameterNames  parameterNamesJSON `json:"ParameterNames"`
	CreationTime    string             `json:"CreationTime"`
	InvokeTimes     int                `json:"InvokeTimes"`
	Launcher        string             `json:"Launcher"`
	ResourceGroupId string             `json:"ResourceGroupId"`
	Latest          bool               `json:"Latest"`
	Version         int                `json:"Version"`
	Category        string             `json:"Category"`
	Tags            tagsJSON           `json:"Tags"`
}

func commandOf(c model.Command, plain bool) commandJSON {
	names := model.ParameterNamesOf(c)
	if names == nil {
		names = []string{}
	}
	return commandJSON{
		CommandId: c.ID, Name: c.Name, Type: c.Type, Description: c.Description,
		CommandContent: encode([]byte(c.Content), plain), WorkingDir: c.WorkingDir,
		Timeout: c.Timeout, EnableParameter: c.EnableParameter,
		ParameterNames: parameterNamesJSON{ParameterName: names}, CreationTime: ts(c.Created),
		InvokeTimes: c.InvokeTimes, Launcher: c.Launcher, ResourceGroupId: c.ResourceGroupID,
		Latest: true, Version: 1, Category: "", Tags: tagsOf(c.Tags),
	}
}

type describeCommandsJSON struct {
	paging
	Commands struct {
		Command []commandJSON `json:"Command"`
	} `json:"Commands"`
}

type invokeInstanceJSON struct {
	InstanceId           string `json:"InstanceId"`
	InstanceInvokeStatus string `json:"InstanceInvokeStatus"`
	InvocationStatus     string `json:"InvocationStatus"`
	Repeats              int    `json:"Repeats"`
	ExitCode             int64  `json:"ExitCode"`
	Output               string `json:"Output"`
	Dropped              int    `json:"Dropped"`
	ErrorCode            string `json:"ErrorCode"`
	ErrorInfo            string `json:"ErrorInfo"`
	CreationTime         string `json:"CreationTime"`
	UpdateTime           string `json:"UpdateTime"`
	StartTime            string `json:"StartTime"`
	FinishTime           string `json:"FinishTime"`
	StopTime             string `json:"StopTime"`
	Timed                bool   `json:"Timed"`
	OssOutputStatus      string `json:"OssOutputStatus"`
	OssOutputUri         string `json:"OssOutputUri"`
	OssOutputErrorCode   string `json:"OssOutputErrorCode"`
	OssOutputErrorInfo   string `json:"OssOutputErrorInfo"`
}

type invocationJSON struct {
	InvokeId           string   `json:"InvokeId"`
	CommandId          string   `json:"CommandId"`
	CommandName        string   `json:"CommandName"`
	CommandType        string   `json:"CommandType"`
	CommandContent     string   `json:"CommandContent"`
	CommandDescription string   `json:"CommandDescription"`
	WorkingDir         string   `json:"WorkingDir"`
	Frequency          string   `json:"Frequency"`
	RepeatMode         string   `json:"RepeatMode"`
	Timed              bool     `json:"Timed"`
	Timeout            int64    `json:"Timeout"`
	Parameters         string   `json:"Parameters"`
	Username           string   `json:"Username"`
	Launcher           string   `json:"Launcher"`
	TerminationMode    string   `json:"TerminationMode"`
	ContainerId        string   `json:"ContainerId"`
	ContainerName      string   `json:"ContainerName"`
	InvocationStatus   string   `json:"InvocationStatus"`
	InvokeStatus       string   `json:"InvokeStatus"`
	CreationTime       string   `json:"CreationTime"`
	VmCount            int      `json:"VmCount"`
	OssOutputDelivery  string   `json:"OssOutputDelivery"`
	ResourceGroupId    string   `json:"ResourceGroupId"`
	Tags               tagsJSON `json:"Tags"`
	InvokeInstances    struct {
		InvokeInstance []invokeInstanceJSON `json:"InvokeInstance"`
	} `json:"InvokeInstances"`
}

func invocationOf(inv *model.Invocation, includeOutput, plain bool) invocationJSON {
	out := invocationJSON{
		InvokeId: inv.ID, CommandId: inv.CommandID, CommandName: inv.CommandName,
		CommandType: inv.CommandType, CommandContent: encode([]byte(inv.CommandContent), plain),
		CommandDescription: inv.CommandDescription, WorkingDir: inv.WorkingDir,
		Frequency: inv.Frequency, RepeatMode: inv.RepeatMode, Timed: inv.Timed, Timeout: inv.Timeout,
		Parameters: parametersJSON(inv.Parameters), Username: inv.Username, Launcher: inv.Launcher,
		TerminationMode: inv.TerminationMode, ContainerId: inv.ContainerID, ContainerName: inv.ContainerName,
		InvocationStatus: inv.Status(), InvokeStatus: inv.LegacyStatus(), CreationTime: ts(inv.Created),
		VmCount: len(inv.Targets), OssOutputDelivery: inv.OssOutputDelivery, ResourceGroupId: inv.ResourceGroupID,
		Tags: tagsOf(inv.Tags),
	}
	out.InvokeInstances.InvokeInstance = make([]invokeInstanceJSON, 0, len(inv.Targets))
	for _, t := range inv.Targets {
		ii := invokeInstanceJSON{
			InstanceId: t.InstanceID, InvocationStatus: t.Status, InstanceInvokeStatus: inv.LegacyTargetStatus(t, t.Status),
			Repeats: t.Repeats, ErrorCode: t.ErrorCode, ErrorInfo: t.ErrorInfo,
			CreationTime: ts(t.Created), UpdateTime: ts(t.Updated), StopTime: ts(t.StopTime), Timed: inv.Timed,
		}
		ii.OssOutputStatus, ii.OssOutputUri, ii.OssOutputErrorCode, ii.OssOutputErrorInfo = inv.OssOutput(t, t.Status)
		if r := t.LastRun(); r != nil {
			ii.ExitCode, ii.Dropped = r.ExitCode, r.Dropped
			ii.StartTime, ii.FinishTime = ts(r.Start), ts(r.Finish)
			if includeOutput {
				ii.Output = encode(r.Output, plain)
			}
		}
		out.InvokeInstances.InvokeInstance = append(out.InvokeInstances.InvokeInstance, ii)
	}
	return out
}

func parametersJSON(p map[string]string) string {
	if len(p) == 0 {
		return ""
	}
	return mustJSON(p)
}

type describeInvocationsJSON struct {
	paging
	Invocations struct {
		Invocation []invocationJSON `json:"Invocation"`
	} `json:"Invocations"`
}

type invocationResultJSON struct {
	InvokeId           string   `json:"InvokeId"`
	CommandId          string   `json:"CommandId"`
	InstanceId         string   `json:"InstanceId"`
	InvocationStatus   string   `json:"InvocationStatus"`
	InvokeRecordStatus string   `json:"InvokeRecordStatus"`
	Repeats            int      `json:"Repeats"`
	ExitCode           int64    `json:"ExitCode"`
	Output             string   `json:"Output"`
	Dropped            int      `json:"Dropped"`
	ErrorCode          string   `json:"ErrorCode"`
	ErrorInfo          string   `json:"ErrorInfo"`
	StartTime          string   `json:"StartTime"`
	FinishedTime       string   `json:"FinishedTime"`
	StopTime           string   `json:"StopTime"`
	Username           string   `json:"Username"`
	Launcher           string   `json:"Launcher"`
	ContainerId        string   `json:"ContainerId"`
	ContainerName      string   `json:"ContainerName"`
	TerminationMode    string   `json:"TerminationMode"`
	OssOutputDelivery  string   `json:"OssOutputDelivery"`
	OssOutputStatus    string   `json:"OssOutputStatus"`
	OssOutputUri       string   `json:"OssOutputUri"`
	OssOutputErrorCode string   `json:"OssOutputErrorCode"`
	OssOutputErrorInfo string   `json:"OssOutputErrorInfo"`
	Tags               tagsJSON `json:"Tags"`
}

func resultOf(r model.Result, plain bool) invocationResultJSON {
	return invocationResultJSON{
		InvokeId: r.InvokeID, CommandId: r.CommandID, InstanceId: r.InstanceID,
		InvocationStatus: r.Status, InvokeRecordStatus: r.RecordStatus, Repeats: r.Repeats,
		ExitCode: r.ExitCode, Output: encode(r.Output, plain), Dropped: r.Dropped,
		ErrorCode: r.ErrorCode, ErrorInfo: r.ErrorInfo, StartTime: ts(r.Start),
		FinishedTime: ts(r.Finish), StopTime: ts(r.Stop), Username: r.Username,
		Launcher: r.Launcher, ContainerId: r.ContainerID, ContainerName: r.ContainerName,
		TerminationMode: r.TerminationMode, Tags: tagsOf(r.Tags),
		OssOutputDelivery: r.OssOutputDelivery, OssOutputStatus: r.OssOutputStatus, OssOutputUri: r.OssOutputURI,
		OssOutputErrorCode: r.OssOutputErrorCode, OssOutputErrorInfo: r.OssOutputErrorInfo,
	}
}

type describeInvocationResultsJSON struct {
	Invocation struct {
		paging
		InvocationResults struct {
			InvocationResult []invocationResultJSON `json:"InvocationResult"`
		} `json:"InvocationResults"`
	} `json:"Invocation"`
}

type cloudAssistantStatusJSON struct {
	InstanceId            string `json:"InstanceId"`
	CloudAssistantStatus  string `json:"CloudAssistantStatus"`
	CloudAssistantVersion string `json:"CloudAssistantVersion"`
	OSType                string `json:"OSType"`
	LastHeartbeatTime     string `json:"LastHeartbeatTime"`
	LastInvokedTime       string `json:"LastInvokedTime"`
	InvocationCount       int64  `json:"InvocationCount"`
	ActiveTaskCount       int64  `json:"ActiveTaskCount"`
	SupportSessionManager bool   `json:"SupportSessionManager"`
}

type describeCloudAssistantStatusJSON struct {
	paging
	InstanceCloudAssistantStatusSet struct {
		InstanceCloudAssistantStatus []cloudAssistantStatusJSON `json:"InstanceCloudAssistantStatus"`
	} `json:"InstanceCloudAssistantStatusSet"`
}

type instanceJSON struct {
	InstanceId          string   `json:"InstanceId"`
	InstanceName        string   `json:"InstanceName"`
	HostName            string   `json:"HostName"`
	Description         string   `json:"Description"`
	Status              string   `json:"Status"`
	OSType              string   `json:"OSType"`
	OSName              string   `json:"OSName"`
	RegionId            string   `json:"RegionId"`
	ZoneId              string   `json:"ZoneId"`
	InstanceType        string   `json:"InstanceType"`
	InstanceNetworkType string   `json:"InstanceNetworkType"`
	ImageId             string   `json:"ImageId"`
	CreationTime        string   `json:"CreationTime"`
	StartTime           string   `json:"StartTime"`
	Cpu                 int      `json:"Cpu"`
	Memory              int      `json:"Memory"`
	Tags                tagsJSON `json:"Tags"`
	VpcAttributes       struct {
		VpcId     string `json:"VpcId"`
		VSwitchId string `json:"VSwitchId"`
	} `json:"VpcAttributes"`
}

func instanceOf(in model.Instance, region string) instanceJSON {
	out := instanceJSON{
		InstanceId: in.ID, InstanceName: in.Name, HostName: in.Name, Status: in.Status,
		Description: "emulated instance", OSType: in.OSType, RegionId: region, ZoneId: region + "-a",
		InstanceType: "ecs.emulated", InstanceNetworkType: "vpc", CreationTime: ts(in.Created),
		StartTime: ts(in.LastBoot), Cpu: 1, Memory: 1024, Tags: tagsOf(in.Tags),
	}
	out.OSName, out.ImageId = "Emulated Linux", "emulated_linux"
	if in.OSType == model.OSWindows {
		out.OSName, out.ImageId = "Emulated Windows Server", "emulated_windows"
	}
	out.VpcAttributes.VpcId, out.VpcAttributes.VSwitchId = "vpc-emulated", "vsw-emulated"
	return out
}

type describeInstancesJSON struct {
	paging
	Instances struct {
		Instance []instanceJSON `json:"Instance"`
	} `json:"Instances"`
}

// empty is the answer of calls that return only a RequestId.
type empty struct{}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
