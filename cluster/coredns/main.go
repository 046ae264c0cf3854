// CoreDNS with only the plugins the cluster's Corefile uses (cluster/nodes/corefile), as CoreDNS's
// own documentation builds a server with a chosen plugin set: the plugins register themselves when
// imported and coremain orders them by CoreDNS's directive list.
package main

import (
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"

	"github.com/coredns/coredns/coremain"
)

func main() {
	coremain.Run()
}
