"""The attack pages that run live use the same control plane as tests/live (its fixtures, shared here)."""

from tests.live.conftest import control_plane, kubeconfig

__all__ = ["control_plane", "kubeconfig"]
