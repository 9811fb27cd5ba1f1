package emulator

import (
	"net/http"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// knownRegions are real Alibaba Cloud regions. A call naming one of them that is not the
// emulated region gets RegionId.ApiNotSupported (this endpoint serves one region); any other
// value gets InvalidRegionId.NotFound.
var knownRegions = map[string]bool{
	"cn-hangzhou": true, "cn-shanghai": true, "cn-beijing": true, "cn-shenzhen": true,
	"cn-qingdao": true, "cn-zhangjiakou": true, "cn-huhehaote": true, "cn-wulanchabu": true,
	"cn-chengdu": true, "cn-heyuan": true, "cn-guangzhou": true, "cn-nanjing": true,
	"cn-fuzhou": true, "cn-hongkong": true, "ap-southeast-1": true, "ap-southeast-3": true,
	"ap-southeast-5": true, "ap-southeast-6": true, "ap-southeast-7": true, "ap-northeast-1": true,
	"ap-northeast-2": true, "ap-south-1": true, "us-west-1": true, "us-east-1": true,
	"eu-central-1": true, "eu-west-1": true, "me-east-1": true, "me-central-1": true,
}

func (s *Server) checkRegion(region string) *protocol.APIError {
	switch {
	case region == s.opts.Region:
		return nil
	case region == "":
		return protocol.ErrMissingParameter("RegionId")
	case knownRegions[region]:
		return protocol.NewError(http.StatusBadRequest, "RegionId.ApiNotSupported",
			"The API is not supported in region "+region+" at this endpoint, which serves "+s.opts.Region+".")
	default:
		return protocol.ErrInvalidRegionID(region)
	}
}
