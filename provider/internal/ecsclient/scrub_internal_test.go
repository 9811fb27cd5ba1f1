package ecsclient

import (
	"context"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEchoedRequestSecretsAreScrubbed: a service message that quotes the request's content
// or parameter values loses them, although withRetry lists the secrets before the SDK has
// copied the request's fields into its parameter maps (it does so while sending).
func TestEchoedRequestSecretsAreScrubbed(t *testing.T) {
	t.Parallel()
	c, err := New(Options{Region: "cn-hangzhou", AccessKeyID: "id", AccessKeySecret: "secret", Endpoint: "http://127.0.0.1:1"})
	require.NoError(t, err)
	script := "echo 5ecr3t-script-line"
	cr := ecs.CreateCreateCommandRequest()
	cr.CommandContent = base64.StdEncoding.EncodeToString([]byte(script))
	ir := ecs.CreateInvokeCommandRequest()
	ir.Parameters = map[string]any{"token": "p@ss-5ecr3t-value"}
	for _, tc := range []struct {
		req  requests.AcsRequest
		leak string
	}{{cr, script}, {ir, "p@ss-5ecr3t-value"}} {
		err := c.withRetry(context.Background(), "calling", mutating, tc.req, func(context.Context) error {
			return errors.New("refused: " + tc.leak)
		})
		require.Error(t, err)
		assert.NotContains(t, err.Error(), tc.leak)
	}
}
