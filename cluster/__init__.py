"""The local Kubernetes control plane the live tier runs against (see `cluster.kwok`)."""
