package ecsclient

// CreateCommand takes no ClientToken in this API version, so a retry after an answer that
// was lost on the way back would create a second command that nothing tracks or deletes.
// Before retrying an attempt that may have been applied, CreateCommand therefore looks for
// the command that attempt made and adopts it.

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
)

// creationSkew is how far the service's clock (and its whole-second CreationTime) may lag
// ours: a command created up to this long before the first attempt began still counts as
// made by it. A larger lag only brings back the old behaviour, a second command.
const creationSkew = time.Minute

// apiTimeLayout is how the API writes times (UTC, whole seconds).
const apiTimeLayout = "2006-01-02T15:04:05Z"

// CreateCommand creates a command and returns its ID. A retry that follows an attempt which
// may have been applied (dropped connection, timeout, 5xx) first adopts the command that
// attempt created, if the service lists it; see findCreated.
func (c *Client) CreateCommand(ctx context.Context, req *ecs.CreateCommandRequest) (string, error) {
	req.RegionId = c.region
	began := time.Now()
	var id string
	// uncertain stays set once an attempt may have been applied: every later attempt looks
	// first, since that command may not have been listed yet at the previous look.
	uncertain := false
	// Each call of this func is one attempt of withRetry, after its backoff. A failed look-up
	// is returned as the attempt's error, so withRetry decides whether to try again.
	err := c.withRetry(ctx, fmt.Sprintf("creating command %q", req.Name), mutating, req, func(ctx context.Context) error {
		if uncertain {
			found, err := c.findCreated(ctx, req, began)
			if err != nil || found != "" {
				id = found
				return err
			}
		}
		resp := ecs.CreateCreateCommandResponse()
		err := c.send(ctx, req, resp)
		if err == nil {
			id = resp.CommandId
			c.created.claim(id)
			return nil
		}
		uncertain = uncertain || mayHaveApplied(err)
		return err
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// mayHaveApplied says whether the service may have carried out a request that failed with
// err: the answer was lost (transport errors, timeouts) or the server failed midway (5xx).
// Throttling and other 4xx answers mean the request was refused.
func mayHaveApplied(err error) bool {
	var s *sdkerrors.ServerError
	if errors.As(err, &s) {
		return s.HttpStatus() >= 500
	}
	return Retryable(err)
}

// findCreated returns the ID of a command that an earlier attempt of req created, or "".
// A candidate has the same name and every other field as sent, was created no earlier than
// the first attempt (less creationSkew), and was not already returned by this Client: that
// keeps two creates of identical commands from adopting the same one.
func (c *Client) findCreated(ctx context.Context, req *ecs.CreateCommandRequest, began time.Time) (string, error) {
	cmds, err := c.DescribeCommandsByName(ctx, req.Name)
	if err != nil {
		return "", err
	}
	var ids []string
	for i := range cmds {
		if created, err := time.Parse(apiTimeLayout, cmds[i].CreationTime); err == nil &&
			!created.Before(began.Add(-creationSkew)) && sameAsSent(req, &cmds[i]) {
			ids = append(ids, cmds[i].CommandId)
		}
	}
	return c.created.claimFirstFree(ids), nil
}

// sameAsSent compares a listed command with the request. Fields left empty in the request
// get the service's defaults, so only the fields sent are compared.
func sameAsSent(req *ecs.CreateCommandRequest, cmd *ecs.Command) bool {
	content := req.CommandContent
	if strings.EqualFold(req.ContentEncoding, "PlainText") {
		// DescribeCommands lists the content Base64-encoded.
		content = base64.StdEncoding.EncodeToString([]byte(content))
	}
	sent := func(want, got string) bool { return want == "" || want == got }
	return cmd.Name == req.Name && cmd.Type == req.Type && cmd.CommandContent == content &&
		sent(req.WorkingDir, cmd.WorkingDir) && sent(req.Description, cmd.Description) &&
		sent(req.Launcher, cmd.Launcher) &&
		sent(string(req.Timeout), strconv.FormatInt(cmd.Timeout, 10)) &&
		sent(string(req.EnableParameter), strconv.FormatBool(cmd.EnableParameter))
}

// createdIDs are the commands this Client's CreateCommand has returned (one short string per
// command created by the process). The zero value is ready to use.
type createdIDs struct {
	mu  sync.Mutex
	ids map[string]bool
}

func (s *createdIDs) claim(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.claimLocked(id)
}

// claimFirstFree claims and returns the first of ids not yet claimed, or "".
func (s *createdIDs) claimFirstFree(ids []string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		if !s.ids[id] {
			s.claimLocked(id)
			return id
		}
	}
	return ""
}

func (s *createdIDs) claimLocked(id string) {
	if s.ids == nil {
		s.ids = map[string]bool{}
	}
	s.ids[id] = true
}
