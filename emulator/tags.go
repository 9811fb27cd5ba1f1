package emulator

import (
	"strconv"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/model"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// Tagging and resource groups: TagResources, UntagResources, ListTagResources and
// JoinResourceGroup, for Cloud Assistant commands and invocations (and instances).

// tagTargets reads the resources TagResources and UntagResources act on: a type and at
// least one ID.
func tagTargets(r *protocol.Request) (string, []string, error) {
	rt, err := required(r, "ResourceType")
	if err != nil {
		return "", nil, err
	}
	ids := r.List("ResourceId")
	if len(ids) == 0 {
		return "", nil, protocol.ErrMissingParameter("ResourceId")
	}
	return rt, ids, nil
}

func tagResources(s *Server, r *protocol.Request) (any, error) {
	rt, ids, err := tagTargets(r)
	if err != nil {
		return nil, err
	}
	t := tags(r)
	if len(t) == 0 {
		return nil, protocol.ErrMissingParameter("Tag")
	}
	if err := s.cloud.TagResources(rt, ids, t); err != nil {
		return nil, err
	}
	return empty{}, nil
}

func untagResources(s *Server, r *protocol.Request) (any, error) {
	rt, ids, err := tagTargets(r)
	if err != nil {
		return nil, err
	}
	all, err := boolParam(r, "All")
	if err != nil {
		return nil, err
	}
	if err := s.cloud.UntagResources(rt, ids, r.List("TagKey"), all); err != nil {
		return nil, err
	}
	return empty{}, nil
}

type tagResourceJSON struct {
	ResourceId   string `json:"ResourceId"`
	ResourceType string `json:"ResourceType"`
	TagKey       string `json:"TagKey"`
	TagValue     string `json:"TagValue"`
}

type listTagResourcesJSON struct {
	NextToken    string `json:"NextToken"`
	TagResources struct {
		TagResource []tagResourceJSON `json:"TagResource"`
	} `json:"TagResources"`
}

// listTagPage is the number of rows one ListTagResources answer carries.
const listTagPage = 50

func listTagResources(s *Server, r *protocol.Request) (any, error) {
	rt, err := required(r, "ResourceType")
	if err != nil {
		return nil, err
	}
	p, err := parsePage(r, listTagPage, listTagPage)
	if err != nil {
		return nil, err
	}
	p.token = true // ListTagResources pages by NextToken only
	rows, err := s.cloud.ListTagResources(rt, r.List("ResourceId"), tags(r), tagFilters(r))
	if err != nil {
		return nil, err
	}
	start, end, next := p.window(len(rows))
	var out listTagResourcesJSON
	out.NextToken = next
	out.TagResources.TagResource = make([]tagResourceJSON, 0, end-start)
	for _, row := range rows[start:end] {
		out.TagResources.TagResource = append(out.TagResources.TagResource,
			tagResourceJSON{ResourceId: row.ResourceID, ResourceType: row.ResourceType, TagKey: row.Key, TagValue: row.Value})
	}
	return out, nil
}

// tagFilters reads TagFilter.N.TagKey and TagFilter.N.TagValues.M.
func tagFilters(r *protocol.Request) []model.TagFilter {
	var out []model.TagFilter
	for n := 1; ; n++ {
		prefix := "TagFilter." + strconv.Itoa(n)
		key := optional(r, prefix+".TagKey")
		if key == nil {
			return out
		}
		out = append(out, model.TagFilter{Key: *key, Values: r.List(prefix + ".TagValues")})
	}
}

func joinResourceGroup(s *Server, r *protocol.Request) (any, error) {
	rt, err := required(r, "ResourceType")
	if err != nil {
		return nil, err
	}
	id, err := required(r, "ResourceId")
	if err != nil {
		return nil, err
	}
	group, err := required(r, "ResourceGroupId")
	if err != nil {
		return nil, err
	}
	if err := s.cloud.JoinResourceGroup(rt, id, group); err != nil {
		return nil, err
	}
	return empty{}, nil
}
