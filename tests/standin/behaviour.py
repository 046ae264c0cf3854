"""What the stand-in's cluster is like and how its controllers behave.

The defaults are faithful to a small kind cluster running Kubernetes v1.37. Tests that check a
page's claims against deliberately broken behaviour change the knobs (for example
`pod_management="parallel"` makes a StatefulSet ignore OrderedReady, `scale_down_order="forward"`
deletes the lowest ordinal first)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Behaviour:
    # --- the cluster ----------------------------------------------------------------------------
    worker_nodes: int = 2  # schedulable nodes (besides the tainted control plane)
    node_name_prefix: str = "standin"
    kubernetes_version: str = "v1.37.1"
    default_storage_class: bool = True
    load_balancer: bool = False  # Services of type LoadBalancer get an address
    apparmor: bool = False  # nodes report AppArmor enabled
    service_cidr: str = "10.96.0.0/16"
    pod_cidr: str = "10.244.0.0/16"
    system_pods: bool = True  # coredns in kube-system

    # --- controllers ----------------------------------------------------------------------------
    # "faithful": honour spec.podManagementPolicy; "parallel"/"ordered": force one for every StatefulSet.
    pod_management: str = "faithful"
    # StatefulSet scale-down and cascading deletion order: "reverse" (faithful) or "forward" (broken).
    scale_down_order: str = "reverse"
    # After the kubelet stops a deleted pod's containers: "Succeeded" (v1.27+ terminal phase, shown as
    # Completed), or "" to keep the phase (older clusters, shown as Terminating).
    terminal_phase_on_delete: str = "Succeeded"
    # StatefulSet rolling update honours `partition` (faithful) or updates every pod (broken).
    honour_partition: bool = True
    # Images whose pull fails (ErrImagePull, then ImagePullBackOff).
    failing_images: set[str] = field(default_factory=set)

    # --- timing, in seconds ---------------------------------------------------------------------
    schedule_delay: float = 0.3  # creation -> scheduled
    kubelet_delay: float = 0.2  # scheduled -> ContainerCreating
    start_delay: float = 1.5  # ContainerCreating -> Running and Ready
    stop_delay: float = 0.8  # deletionTimestamp -> containers stopped
    remove_delay: float = 0.2  # containers stopped -> pod removed
    bind_delay: float = 0.3  # PVC -> Bound
    load_balancer_delay: float = 1.0
    tick: float = 0.02  # controller loop period

    @classmethod
    def fast(cls, **overrides: object) -> Behaviour:
        """Short delays for tests; the order of transitions is unchanged."""
        values: dict[str, object] = dict(schedule_delay=0.05, kubelet_delay=0.05, start_delay=0.25,
                                         stop_delay=0.15, remove_delay=0.05, bind_delay=0.05,
                                         load_balancer_delay=0.1, tick=0.01)
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
