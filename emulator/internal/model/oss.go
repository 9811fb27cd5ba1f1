package model

import "strings"

// OSS output delivery states and the error a finished run reports: the emulator records
// OssOutputDelivery and answers the OssOutput* fields, but uploads nothing.
const (
	OssOutputPending = "Pending"
	OssOutputFailed  = "Failed"
	ossNotEmulated   = "OssOutputNotEmulated"
)

// OssOutput reports the OSS delivery of one instance of inv whose status is status: the
// status, the object URI the output would have, and the error code and info. All are empty
// when the task has no OssOutputDelivery.
func (inv *Invocation) OssOutput(t *Target, status string) (state, uri, code, info string) {
	if inv.OssOutputDelivery == "" {
		return "", "", "", ""
	}
	uri = strings.TrimSuffix(inv.OssOutputDelivery, "/") + "/" + inv.ID + "/" + t.InstanceID
	if isActive(status) {
		return OssOutputPending, uri, "", ""
	}
	return OssOutputFailed, uri, ossNotEmulated, "the emulator keeps the output in DescribeInvocationResults and uploads nothing to OSS"
}
