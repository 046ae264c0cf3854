"""Everything one page runs in, made before its first step and taken down after its last.

In order: an inventory of the cluster (`verify.live.cleanup`), the page's namespace, its event
recorder for claims, its identity (`verify.live.identity`), its network namespace
(`verify.live.network`), its cgroup (`verify.confinement.limits`), its workspace with its manifests
and kubeconfig (`verify.live.workspace`) and its shell (`verify.live.shell`). `close` ends every
process, takes the grants back and deletes what the page created, in the reverse order, and says
what it could not.
"""

from __future__ import annotations

import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verify.confinement import limits as page_limits
from verify.confinement.limits import PageCgroup
from verify.live.claims import ClaimSession, wants_claims
from verify.live.cleanup import PageCleanup
from verify.live.identity import PageIdentity, cluster_entry, page_kubeconfig
from verify.live.network import PageNetwork
from verify.live.shell import ShellSession, passed_env
from verify.live.workspace import SAFE_NAME, Workspace
from verify.model import Page, StepKind

if TYPE_CHECKING:
    from verify.live.cluster import ConnectedCluster
    from verify.live.runner import Settings


def page_slug(path: Path) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", path.stem.lower()).strip("-") or "page"
    return slug[:40].strip("-")


def page_files(page: Page) -> dict[str, str]:
    """Each manifest and each file the reader writes, by its title (`web.yaml`); the last block of a title wins."""
    files: dict[str, str] = {}
    for step in page.steps:
        if step.title and step.kind in (StepKind.MANIFEST, StepKind.FILE_CONTENT):
            name = step.title.strip()
            if SAFE_NAME.fullmatch(name):
                files[name] = step.text if step.text.endswith("\n") else step.text + "\n"
    return files


@dataclass
class PageEnvironment:
    page: Page
    settings: Settings
    target: ConnectedCluster
    api_client: Any
    run_id: str
    namespace: str = ""
    pod_security: str = "baseline"  # what the page's namespace enforces (more only when a maintainer allowed it)
    cleanup: PageCleanup | None = None
    identity: PageIdentity | None = None
    claims: ClaimSession | None = None
    workspace: Workspace | None = None
    network: PageNetwork | None = None
    cgroup: PageCgroup | None = None
    session: ShellSession | None = None
    confinement: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        slug = page_slug(self.page.path)
        self.namespace = f"verify-{slug}-{secrets.token_hex(3)}"
        grants = self.page.front_matter.access
        self.cleanup = PageCleanup(self.api_client, self.namespace, self.run_id, grants,
                                   timeout=self.settings.cleanup_timeout, beside=self.settings.beside)
        self.identity = PageIdentity(self.api_client, self.namespace, self.run_id, grants)

    def open(self) -> ShellSession:
        """Make everything, in order; what was made before a failure is still taken down by `close`."""
        assert self.cleanup is not None and self.identity is not None
        settings = self.settings
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="page-environment") as pool:
            # What needs no namespace is made meanwhile: the cluster's entry of the kubeconfig (a kubectl run).
            entry = pool.submit(cluster_entry, self.target.kubeconfig, self.target.context, str(settings.kubectl))
            self.cleanup.snapshot()
            self.cleanup.create_namespace(self.pod_security)
            claims = None
            if wants_claims(self.page) or settings.record_events is not None:
                claims = pool.submit(ClaimSession, self.page, self.api_client, self.namespace, settings.step_timeout)
            try:
                self.identity.create()
            finally:
                if claims is not None:  # kept even when the identity failed: `stop_processes` stops its watches
                    self.claims = claims.result()
            cluster = entry.result()
        slug = page_slug(self.page.path)
        self.workspace = Workspace.create(slug)
        self.network = (PageNetwork.host() if settings.page_network == "host"
                        else PageNetwork.isolated(self.target.server, lab_seat=settings.page_network == "lab"))
        self.cgroup, limits_line = page_limits.create(slug, settings.limits)
        self.confinement = {"network": self.network.describe(), "limits": limits_line,
                            "pod_security": f"the namespace enforces Pod Security {self.pod_security}"}
        prefix = self.cgroup.prefix() if self.cgroup else page_limits.file_size_prefix(settings.limits)
        self.session = ShellSession(self.workspace, settings.kubectl, settings.sandbox, passed_env(settings.pass_env),
                                    self.network, settings.limits, prefix)
        self.workspace.write(".kubeconfig", page_kubeconfig(cluster, self.network.endpoint, self.target.context,
                                                            self.namespace, self.identity.token), mode=0o600)
        for name, text in page_files(self.page).items():
            self.workspace.write(name, text.encode("utf-8"))
        return self.session

    def stop_processes(self) -> list[str]:
        """End every process of the page (terminals, then whatever is left in its cgroup), close its network."""
        if self.claims is not None:
            self.claims.finish(self.settings.record_events)
        left = [f"process still running: {c}" for c in (self.session.close() if self.session else [])]
        if self.cgroup is not None:
            left += self.cgroup.remove()
        if self.network is not None:
            self.network.close()
        return left

    def clean_cluster(self) -> list[str]:
        """Take back the page's grants, delete what it created, restore what it changed; what could not be."""
        assert self.identity is not None and self.cleanup is not None
        return self.identity.revoke() + self.cleanup.run()

    def remove_workspace(self) -> None:
        if self.workspace is not None and not self.settings.keep_workdir:
            self.workspace.remove()
