"""The real-node target: the v1.37.2 control plane with two real worker nodes, inside a lab of its own.

`nox -s cluster -- --nodes` (``python -m cluster up --nodes``). Everything the run starts lives in
namespaces it creates and removes (`lab`): the API server, etcd, the controller manager and the
scheduler in one network namespace, each node's containerd, kubelet and kube-proxy in a network,
mount and UTS namespace of its own, and a client namespace for the verifier's requests, all joined by
one bridge on a lab subnet with no route out. The machine reaches the API server only through a
relay on 127.0.0.1 (`relay`). Modules: `layout` (names, addresses, paths), `host` (what the machine
must offer, and what must stay unchanged), `lab` (the namespaces and their network), `pki`
(certificates and tokens), `daemons` (configuration and processes), `addons` (CoreDNS,
local-path-provisioner, MetalLB), `provider` (up, down, status).
"""
