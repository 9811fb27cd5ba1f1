package emulator

import (
	"errors"
	"strings"
	"testing"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/stretchr/testify/require"
)

// teaClient is the official Tea SDK client (it signs V3) pointed at srv over plain HTTP.
func teaClient(t testing.TB, srv *Server) *ecs.Client {
	t.Helper()
	c, err := ecs.NewClient(&openapiutil.Config{
		AccessKeyId:     tea.String(srv.AccessKeyID()),
		AccessKeySecret: tea.String(srv.AccessKeySecret()),
		RegionId:        tea.String(srv.Region()),
		Endpoint:        tea.String(strings.TrimPrefix(srv.URL(), "http://")),
		Protocol:        tea.String("http"),
	})
	require.NoError(t, err)
	return c
}

// requireTeaCode asserts err is the Tea SDK's error for the API code with the HTTP status.
func requireTeaCode(t testing.TB, err error, code string, status int) {
	t.Helper()
	require.Error(t, err)
	var se *tea.SDKError
	require.True(t, errors.As(err, &se), "want a *tea.SDKError, got %T: %v", err, err)
	require.Equal(t, code, tea.StringValue(se.Code), tea.StringValue(se.Message))
	require.Equal(t, status, tea.IntValue(se.StatusCode), code)
}
