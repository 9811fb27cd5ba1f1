package ecsclient

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
)

// Finding tasks by their tags, and retiring tags: what the provider's adoption of an
// interrupted create reads and writes. Both Describe calls take Tag.N filters (every tag must
// match); ResourceType `invocation` covers command runs and file deliveries alike.

// taggedPage is the most rows one Describe answer carries (MaxResults' documented maximum).
const taggedPage = 50

// FindInvocationsByTags lists the command runs carrying every tag, without output, all pages.
// When none does (the common case) that is one call.
func (c *Client) FindInvocationsByTags(ctx context.Context, tags map[string]string) ([]ecs.Invocation, error) {
	return allTaggedPages(func(token string) ([]ecs.Invocation, string, error) {
		req := ecs.CreateDescribeInvocationsRequest()
		req.RegionId = c.region
		req.MaxResults = requests.NewInteger(taggedPage)
		req.NextToken = token
		list := make([]ecs.DescribeInvocationsTag, 0, len(tags))
		for _, k := range slices.Sorted(maps.Keys(tags)) {
			list = append(list, ecs.DescribeInvocationsTag{Key: k, Value: tags[k]})
		}
		req.Tag = &list
		resp := ecs.CreateDescribeInvocationsResponse()
		err := c.read(ctx, "looking up invocations by tag", req, resp)
		return resp.Invocations.Invocation, resp.NextToken, err
	})
}

// FindSendFilesByTags lists the file tasks carrying every tag, all pages.
func (c *Client) FindSendFilesByTags(ctx context.Context, tags map[string]string) ([]ecs.Invocation, error) {
	return allTaggedPages(func(token string) ([]ecs.Invocation, string, error) {
		req := ecs.CreateDescribeSendFileResultsRequest()
		req.RegionId = c.region
		req.MaxResults = requests.NewInteger(taggedPage)
		req.NextToken = token
		list := make([]ecs.DescribeSendFileResultsTag, 0, len(tags))
		for _, k := range slices.Sorted(maps.Keys(tags)) {
			list = append(list, ecs.DescribeSendFileResultsTag{Key: k, Value: tags[k]})
		}
		req.Tag = &list
		resp := ecs.CreateDescribeSendFileResultsResponse()
		err := c.read(ctx, "looking up file tasks by tag", req, resp)
		return resp.Invocations.Invocation, resp.NextToken, err
	})
}

// allTaggedPages follows NextToken from the first page until a page comes back empty or last.
// The two Describe calls share the paging; only their request types differ.
func allTaggedPages(page func(token string) ([]ecs.Invocation, string, error)) ([]ecs.Invocation, error) {
	var out []ecs.Invocation
	token := ""
	for {
		items, next, err := page(token)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" || len(items) == 0 {
			return out, nil
		}
		token = next
	}
}

// UntagInvocations removes tag keys from command runs or file tasks, 50 IDs a call (the
// documented ResourceId.N limit). A task past its retention is already gone: not an error.
func (c *Client) UntagInvocations(ctx context.Context, ids, keys []string) error {
	for start := 0; start < len(ids); start += taggedPage {
		chunk := append([]string(nil), ids[start:min(start+taggedPage, len(ids))]...)
		req := ecs.CreateUntagResourcesRequest()
		req.RegionId = c.region
		req.ResourceType = "invocation"
		req.ResourceId = &chunk
		k := append([]string(nil), keys...)
		req.TagKey = &k
		op := fmt.Sprintf("retiring tags of %d task%s from %s", len(chunk), plural(len(chunk)), chunk[0])
		err := c.Do(ctx, op, req, ecs.CreateUntagResourcesResponse())
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}
