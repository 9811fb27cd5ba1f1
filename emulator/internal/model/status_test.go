package model

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAggregation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in              []string
		overall, legacy string
	}{
		{[]string{"Success", "Success"}, "Success", "Finished"},
		{[]string{"Success", "Running"}, "Running", "Running"},
		{[]string{"Scheduled", "Pending"}, "Pending", "Running"},
		{[]string{"Scheduled"}, "Scheduled", "Running"},
		{[]string{"Stopping", "Success"}, "Stopping", "Stopping"},
		{[]string{"Success", "Terminated"}, "Success", "Finished"},
		{[]string{"Failed", "Failed"}, "Failed", "Finished"},
		{[]string{"Timeout", "Cancelled"}, "Failed", "Failed"},
		{[]string{"Timeout", "Error"}, "Failed", "Failed"},
		{[]string{"Success", "Failed"}, "PartialFailed", "Finished"},
		{[]string{"Success", "Timeout"}, "PartialFailed", "PartialFailed"},
		{[]string{"Cancelled", "Terminated"}, "Stopped", "Stopped"},
		{[]string{"Aborted", "Invalid"}, "Failed", "Failed"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.overall, OverallStatus(tc.in), "%v", tc.in)
		assert.Equal(t, tc.legacy, LegacyOverallStatus(tc.in), "%v", tc.in)
	}
}

func TestParameters(t *testing.T) {
	t.Parallel()
	names, err := parseParameterNames("{{ a }} {{b-c}} {{A}} {{ACS::InstanceId}}")
	assert.NoError(t, err)
	assert.Equal(t, []string{"a", "b-c"}, names)
	got := substitute("{{ a }}/{{B-C}}/{{ acs::instanceid }}/{{unknown}}", map[string]string{"A": "1", "b-c": "2"}, map[string]string{"acs::instanceid": "i-1"})
	assert.Equal(t, "1/2/i-1/{{unknown}}", got)
	_, err = parseParameters(`{"a":"1","a":"2"}`, true, []string{"a"})
	assert.ErrorContains(t, err, "ParameterKey.Duplicate")
	p, err := parseParameters(`{"a":""}`, true, []string{"a"})
	assert.NoError(t, err)
	assert.Equal(t, map[string]string{"a": ""}, p)
}
