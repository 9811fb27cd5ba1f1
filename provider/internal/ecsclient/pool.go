package ecsclient

import (
	"sync"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
)

// maxIdleAPIs bounds the SDK clients kept between calls; more are built when the engine
// runs more operations at once, and dropped when they come back to a full pool.
const maxIdleAPIs = 16

// apiPool lends each exchange an SDK client that no other exchange uses meanwhile.
type apiPool struct {
	build func() (*ecs.Client, error)
	idle  chan *ecs.Client
}

func newAPIPool(build func() (*ecs.Client, error)) *apiPool {
	return &apiPool{build: build, idle: make(chan *ecs.Client, maxIdleAPIs)}
}

func (p *apiPool) get() (*ecs.Client, error) {
	select {
	case api := <-p.idle:
		return api, nil
	default:
		return p.build()
	}
}

func (p *apiPool) put(api *ecs.Client) {
	select {
	case p.idle <- api:
	default:
	}
}

// sdkConstructMu serializes SDK client construction: it fills a package-level endpoint map
// without a lock.
var sdkConstructMu sync.Mutex

func newSDKClient(region string, cfg *sdk.Config, cred credentials.CredentialsProvider) (*ecs.Client, error) {
	sdkConstructMu.Lock()
	defer sdkConstructMu.Unlock()
	return ecs.NewClientWithOptions(region, cfg, cred)
}
