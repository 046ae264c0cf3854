"""kubectl options a page may not use: those that load other credentials, or programs, into kubectl.

A page acts with the identity the verifier gives it (its own ServiceAccount, `verify.live.identity`),
through the kubeconfig the verifier writes. Options that point kubectl at other credentials or
another server (`--kubeconfig`, `--token`, `--server`, …), that impersonate, or that make kubectl
or its embedded kustomize start a program (`--enable-helm`, `--helm-command`, exec and kustomize
plugins, a credential `exec:` written with `kubectl config set-credentials --exec-command`) are
refused in pages, by the static tier (a finding) and the live tier (the step is not run), whichever
runs first. Both tiers read this one table.
"""

from __future__ import annotations

from verify.shellcode.invocations import kubectl_invocations

#: kubectl's global options that bring in other credentials, another cluster, or another identity.
CREDENTIAL_FLAGS = {
    "--kubeconfig": "another kubeconfig",
    "--kuberc": "a kuberc file (aliases and default flags)",
    "--token": "a bearer token",
    "--server": "another API server",
    "-s": "another API server",
    "--username": "a user name",
    "--password": "a password",
    "--client-certificate": "a client certificate",
    "--client-key": "a client key",
    "--certificate-authority": "another certificate authority",
    "--insecure-skip-tls-verify": "no TLS verification",
    "--tls-server-name": "another TLS server name",
    "--as": "impersonation",
    "--as-group": "impersonation",
    "--as-uid": "impersonation",
    "--cluster": "another cluster of the kubeconfig",
    "--user": "another user of the kubeconfig",
}
#: Options of kubectl's embedded kustomize (kustomize, apply -k, …) that start programs or read beyond the page.
PROGRAM_FLAGS = {
    "--enable-helm": "kustomize running helm",
    "--helm-command": "kustomize running a program of the page's choice",
    "--enable-alpha-plugins": "kustomize plugins (programs)",
    "--enable-exec": "kustomize exec plugins (programs)",
    "--load-restrictor": "kustomize reading files outside its directory",
    "--mount": "kustomize function mounts",
    "--network": "kustomize functions with network access",
}
#: `kubectl config …` options that write credentials or programs into the kubeconfig.
CONFIG_FLAGS = {
    "--exec-command": "a credential plugin (a program kubectl runs)",
    "--exec-arg": "a credential plugin (a program kubectl runs)",
    "--exec-env": "a credential plugin (a program kubectl runs)",
    "--exec-api-version": "a credential plugin (a program kubectl runs)",
    "--auth-provider": "an auth provider",
    "--auth-provider-arg": "an auth provider",
    "--token": "a bearer token",
    "--client-certificate": "a client certificate",
    "--client-key": "a client key",
    "--embed-certs": "credentials",
    "--server": "another API server",
    "--certificate-authority": "another certificate authority",
    "--insecure-skip-tls-verify": "no TLS verification",
    "--proxy-url": "a proxy",
}
#: `kubectl config` subcommands that a page never needs (they change whom kubectl talks to, or as whom).
CONFIG_SUBCOMMANDS = {"set-credentials": "credentials", "set-cluster": "another cluster", "set": "any kubeconfig field",
                      "use-context": "another context", "rename-context": "the page's context",
                      "delete-user": "the page's user", "delete-cluster": "the page's cluster"}


#: Commands whose `--user`/`--group` name a subject to bind, not whom kubectl acts as.
SUBJECT_COMMANDS = {("create", "rolebinding"), ("create", "clusterrolebinding"), ("set", "subject")}


def _flag(arg: str) -> str:
    return arg.split("=", 1)[0]


def refused_args(args: tuple[str, ...] | list[str]) -> str | None:
    """Why one kubectl argument list is refused in a page, or None."""
    positional = [a for a in args if not a.startswith("-")]
    if positional[:1] == ["config"]:
        sub = positional[1] if len(positional) > 1 else ""
        if sub in CONFIG_SUBCOMMANDS:
            return f"`kubectl config {sub}` changes {CONFIG_SUBCOMMANDS[sub]}; a page uses the kubeconfig it is given"
        for arg in args:
            if _flag(arg) in CONFIG_FLAGS:
                return f"`{_flag(arg)}` writes {CONFIG_FLAGS[_flag(arg)]} into the kubeconfig"
    subjects = tuple(positional[:2]) in SUBJECT_COMMANDS
    for arg in args:
        flag = _flag(arg)
        if subjects and flag in ("--user", "--group"):
            continue
        if flag in CREDENTIAL_FLAGS:
            return (f"`{flag}` gives kubectl {CREDENTIAL_FLAGS[flag]}; a page acts only with the identity the verifier "
                    "gives it")
        if flag in PROGRAM_FLAGS:
            return f"`{flag}` means {PROGRAM_FLAGS[flag]}; a page may not make kubectl start programs"
    return None


def refused_flags(command: str) -> str | None:
    """Why a command line is refused (the first kubectl invocation with a refused option), or None."""
    for invocation in kubectl_invocations(command):
        why = refused_args(invocation.args)
        if why:
            return why
    return None
