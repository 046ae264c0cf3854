"""Shapes of shell that make a program run something else, for the reviewer's eyes.

A tutorial needs none of these; each is a way to run code the review's list of programs never
shows: git's `-c alias.x=!…` and `core.pager`, ssh's `ProxyCommand`, vi's `-c '!…'`, variables the
shell or a tool reads as code or as where to find programs (`PS4`, `BASH_ENV`, `PATH`, `KUBECONFIG`,
…), prompt expansion (`${X@P}`), command substitution inside arithmetic (`$(( $(…) ))`), the shell's
`/dev/tcp` and `/dev/udp`, and the verifier's own shell state (`/run/verify`, `.verify-shell`).

Like the rest of the review this is advisory: it is what a reviewer reads first. What stops a page
is the sandbox, its network namespace and its RBAC identity (`verify.confinement`, `verify.live`).
"""

from __future__ import annotations

import posixpath
import re

#: Variables that bash, kubectl, git or the linker read as code, or as where to find programs or credentials.
CODE_VARIABLES = frozenset({
    "PS0", "PS1", "PS2", "PS4", "PROMPT_COMMAND", "BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS", "IFS", "PATH", "CDPATH",
    "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "HOME", "KUBECONFIG", "KUBERC", "KUBECACHEDIR", "KUBE_EDITOR",
    "KUBECTL_EXTERNAL_DIFF", "EDITOR", "VISUAL", "PAGER", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_PAGER", "GIT_EDITOR",
    "GIT_ASKPASS", "GIT_EXTERNAL_DIFF", "GIT_CONFIG", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_COUNT",
    "GIT_EXEC_PATH", "GIT_TEMPLATE_DIR", "SSH_ASKPASS", "PYTHONSTARTUP", "PERL5OPT", "NODE_OPTIONS",
})
GIT_CONFIG_VARIABLE = re.compile(r"^GIT_CONFIG_(KEY|VALUE)_\d+$")
DEV_NET = re.compile(r"/dev/(tcp|udp)/")
PROMPT_EXPANSION = re.compile(r"\$\{[^}]*@P\}")
ARITHMETIC = re.compile(r"\$?\(\((?P<body>.*?)\)\)", re.DOTALL)
STATE = re.compile(r"(?:/run/verify\b|\.verify-shell\b)")
SSH_CODE_OPTIONS = re.compile(r"^(proxycommand|localcommand|permitlocalcommand|knownhostscommand|proxyusefdpass"
                              r"|remotecommand|controlpath|include)\b", re.IGNORECASE)
VI = frozenset({"vi", "vim", "nvim", "view", "ex", "vimdiff", "rvim", "gvim"})


def line_hazards(command: str) -> list[str]:
    """What a whole command line does that runs code or reaches out, as the review says it."""
    found = []
    if DEV_NET.search(command):
        found.append("opens a network connection through bash's /dev/tcp or /dev/udp; a page talks to the cluster "
                     "through kubectl")
    if PROMPT_EXPANSION.search(command):
        found.append("uses prompt expansion (${X@P}), which runs the command substitutions inside the variable's value")
    for match in ARITHMETIC.finditer(command):
        if "$(" in match.group("body") or "`" in match.group("body"):
            found.append("runs a command substitution inside arithmetic (( … )), where it is easy to miss")
            break
    if STATE.search(command):
        found.append("touches the verifier's shell state (/run/verify, .verify-shell), which carries the page's "
                     "variables and directory from one command to the next")
    return found


def assignment_hazards(names: list[str]) -> list[str]:
    """Assignments to variables that change what later commands run."""
    risky = [n for n in names if n in CODE_VARIABLES or GIT_CONFIG_VARIABLE.match(n)]
    if not risky:
        return []
    return [f"sets {', '.join(sorted(set(risky)))}, which changes what later commands run or with which credentials"]


def program_hazards(program: str, args: list[str]) -> list[str]:
    """Options of reviewed programs that make them run other programs."""
    base = posixpath.basename(program)
    if base == "git":
        for index, arg in enumerate(args):
            if arg in ("-c", "--config-env") or arg.startswith(("-c", "--config-env=")):
                value = args[index + 1] if arg in ("-c", "--config-env") and index + 1 < len(args) else arg
                return [f"git {arg.split('=')[0] if arg.startswith('--') else '-c'} {value[:60]}: git configuration "
                        "given on the command line can make git run programs (alias.x=!…, core.pager, "
                        "core.sshCommand, …)"]
    if base in ("ssh", "scp", "sftp"):
        for index, arg in enumerate(args):
            option = arg[2:] if arg.startswith("-o") and len(arg) > 2 else (
                args[index + 1] if arg == "-o" and index + 1 < len(args) else None)
            if option is not None and SSH_CODE_OPTIONS.match(option.lstrip()):
                return [f"{base} -o {option[:60]}: this option makes {base} run a local command"]
            if arg == "-F" or (arg.startswith("-F") and len(arg) > 2):
                return [f"{base} -F: another ssh configuration can run local commands (ProxyCommand, LocalCommand)"]
    if base in VI:
        for arg in args:
            plus_command = arg.startswith("+") and arg != "+" and not arg[1:].isdigit()  # `+12` only moves the cursor
            if arg in ("-c", "--cmd", "-S", "-u", "-U") or arg.startswith(("-c", "--cmd=")) or plus_command:
                return [f"{base} {arg[:60]}: a command given to the editor on its command line runs when it starts "
                        "(`:!…` runs a shell command)"]
    return []
