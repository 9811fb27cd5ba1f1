package emulator

import (
	"strconv"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/model"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// Tagging and resource groups: TagResources, UntagResources, ListTagResources and
// JoinResourceGroup, for Cloud Assistant commands and invocations (and instances).

// tagTargets reads the resources TagResources and UntagResources act on: a type and at
// least one ID (absent ones are the tagging tables' 404 MissingParameter.*).
func tagTargets(r *protocol.Request) (string, []string, error) {
	rt := r.Get("ResourceType")
	if rt == "" {
		return "", nil, model.ErrTagMissingResourceType
	}
	ids := r.List("ResourceId")
	if len(ids) == 0 {
		return "", nil, model.ErrTagMissingResourceID
	}
	return rt, ids, nil
}

func tagResources(s *Server, r *protocol.Request) (any, error) {
	rt, ids, err := tagTargets(r)
	if err != nil {
		return nil, err
	}
	t := allTags(r)
	if len(t) == 0 {
		return nil, model.ErrTagMissingTag
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
	rt := r.Get("ResourceType")
	if rt == "" {
		return nil, model.ErrTagMissingResourceType
	}
	// ListTagResources pages by NextToken only, and answers a foreign one with its own code.
	p := page{token: true, size: listTagPage}
	if tok := r.Get("NextToken"); tok != "" {
		var ok bool
		if p.offset, ok = tokenOffset(tok); !ok {
			return nil, model.ErrListTagNextToken
		}
	}
	rows, err := s.cloud.ListTagResources(rt, r.List("ResourceId"), allTags(r), tagFilters(r))
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

// joinResourceGroup: ResourceType is optional in the reference, which names no default; an
// absent one is answered like an unknown one (the emulator groups commands only).
func joinResourceGroup(s *Server, r *protocol.Request) (any, error) {
	id, group := r.Get("ResourceId"), r.Get("ResourceGroupId")
	switch {
	case id == "":
		return nil, model.ErrJoinMissing("ResourceId")
	case group == "":
		return nil, model.ErrJoinMissing("ResourceGroupId")
	}
	if err := s.cloud.JoinResourceGroup(r.Get("ResourceType"), id, group); err != nil {
		return nil, err
	}
	return empty{}, nil
}
