package ecsclient

import (
	"errors"
	"fmt"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
)

// unreachableAfter is how long a client that has never had an answer from its endpoint
// keeps retrying transport errors before it says so: a wrong endpoint or a missing route is
// a configuration problem, and a minute of silent retries only hides it.
const unreachableAfter = 10 * time.Second

// firstConnectTimeout bounds a connection attempt until the endpoint has answered once, so
// that a black-holed address fails within unreachableAfter too.
const firstConnectTimeout = 4 * time.Second

// ErrUnreachable is wrapped by the error of a call made while the endpoint has never answered.
var ErrUnreachable = errors.New("endpoint unreachable")

// answered reports whether err is an answer of the service (any HTTP status), as opposed to a
// transport failure.
func answered(err error) bool {
	var s *sdkerrors.ServerError
	return errors.As(err, &s)
}

// endpointDescription names the endpoint and the setting it came from, for errors.
func endpointDescription(opts Options, host, scheme string) string {
	if host == "" {
		return fmt.Sprintf("the default ECS endpoint of region %s (set cloudassistant:endpoint to use another)", opts.Region)
	}
	source := opts.EndpointSource
	if source == "" {
		source = "cloudassistant:endpoint"
	}
	return fmt.Sprintf("%s://%s (set by %s)", map[string]string{"HTTP": "http", "HTTPS": "https", "": "https"}[scheme], host, source)
}

// unreachable is the error of a call while the endpoint has never answered.
func (c *Client) unreachable(op string, err error, attempts int, secrets []string) error {
	a := c.wrap(op, err, attempts, secrets).(*APIError)
	a.Message = fmt.Sprintf("cannot reach %s: %s. Check the endpoint, the network and any proxy", c.endpoint, a.Message)
	a.Err = errors.Join(ErrUnreachable, err)
	return a
}
