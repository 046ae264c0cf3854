"""What a command line does, as far as the live tier needs to know.

* `is_read_only`: only queries the cluster (so it may be retried until its output matches);
* `implicit_needs`: capabilities it needs whatever the page says (``kubectl exec`` needs ``exec``,
  ``git clone`` needs ``internet``);
* `rewrite_interactive`: ``kubectl run -i --tty … -- sh`` turned into ``kubectl run -i … -- sh -c '…'``.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from verify.shellcode.invocations import argument_lists, kubectl_invocations
from verify.shellcode.lexer import KEYWORDS, simple_commands
from verify.shellcode.programs import facts

READ_ONLY_VERBS = {"get", "describe", "logs", "top", "version", "cluster-info", "api-resources", "api-versions",
                   "explain", "events", "diff", "wait"}
READ_ONLY_SUBVERBS = {("auth", "can-i"), ("auth", "whoami"), ("config", "view"), ("config", "get-contexts"),
                      ("config", "current-context"), ("rollout", "status"), ("rollout", "history")}
#: Words that are the shell's syntax, not programs (a loop's or a condition's header).
SYNTAX = KEYWORDS | {"for", "select", "case"}


def _words(command: str) -> list[list[str]]:
    """The programs a command line runs as argument lists, program first, wrappers unwrapped."""
    return [words for words in argument_lists(command) if words]


def _kubectl_args(command: str) -> list[list[str]]:
    """The arguments of each `kubectl …` in the command line, behind wrappers too (`sudo -u x kubectl …`),
    with loops, substitutions and variables resolved as the static tier's kubectl check resolves them."""
    return [list(invocation.args) for invocation in kubectl_invocations(command)]


def _verb(args: list[str]) -> tuple[str, str]:
    positional = [a for a in args if not a.startswith("-")]
    return (positional[0] if positional else "", positional[1] if len(positional) > 1 else "")


#: Options with which curl or wget sends, uploads or writes instead of only fetching a page to standard output.
_HTTP_WRITES = re.compile(r"^(-[dXTFoOKe]|--data.*|--request.*|--upload-file.*|--form.*|--output.*|--remote-name.*|"
                          r"--config.*|--post-.*|--method.*|--body-.*|--output-document=(?!-$).*|-O(?!\s*-$).+)$")


def _http_get(words: list[str]) -> bool:
    """`curl`/`wget` that only fetches a URL to standard output (a GET): `curl -s $node:$NODEPORT`, `wget -qO - URL`."""
    program = Path(words[0]).name
    if program not in ("curl", "wget"):
        return False
    arguments = words[1:]
    for index, word in enumerate(arguments):
        if program == "wget" and word in ("-O", "-qO"):
            if arguments[index + 1:index + 2] != ["-"]:
                return False
            continue
        if _HTTP_WRITES.match(word):
            return False
    return True


def is_read_only(command: str) -> bool:
    """True when every part of the command line only reads: kubectl queries, HTTP GETs to standard output and text
    filters."""
    if re.search(r"(?<![0-9&])>(?!&)|\btee\b|\bsed\s+-i", command):
        return False
    invocations = _kubectl_args(command)
    if not invocations and not any(_http_get(words) for words in _words(command)):
        return False
    for args in invocations:
        verb, sub = _verb(args)
        if verb not in READ_ONLY_VERBS and (verb, sub) not in READ_ONLY_SUBVERBS:
            return False
        if verb == "get" and any(a in ("-w", "--watch", "--watch-only") or a.startswith("--watch=") for a in args):
            return False
    for words in _words(command):
        first = Path(words[0]).name
        if first != "kubectl" and first not in SYNTAX and not facts(first).reads_only and "=" not in words[0] \
                and not _http_get(words):
            return False
    return True


def implicit_needs(command: str) -> set[str]:
    """Capabilities a command needs whatever the page declares."""
    needs: set[str] = set()
    for args in _kubectl_args(command):
        verb, _ = _verb(args)
        if verb in ("exec", "attach", "cp", "port-forward", "logs", "debug"):
            needs.add("exec")
        if verb == "run" and any(a in ("-i", "-it", "-ti", "--stdin", "--attach", "--tty", "-t")
                                 or a.startswith(("--stdin=", "--attach=true", "--tty=")) for a in args):
            needs.add("exec")
    for words in _words(command):
        name = Path(words[0]).name
        if name == "git" and "clone" in words:
            needs.add("internet")
        if facts(name).connects and name not in ("ssh", "scp"):
            needs.add("internet" if _internet_only(words[1:], facts(name).value_options) else "cluster-network")
        if name == "ssh" or (name == "minikube" and "ssh" in words):
            needs.add("node-shell")
    return needs


def _internet_only(args: list[str], value_options: tuple[str, ...]) -> bool:
    """True when every address a `curl`/`wget` names is a literal URL to a public host name.

    Anything else (``$NODE:$NODEPORT``, an IP address, a name without a dot such as a Service)
    may be a pod, Service, node or load-balancer address, so it needs ``cluster-network``.
    """
    urls, skip_next = [], False
    for arg in args:
        if skip_next:
            skip_next = False
        elif arg in value_options:
            skip_next = True
        elif not arg.startswith("-"):
            urls.append(arg)
    if not urls:
        return False
    for url in urls:
        match = re.fullmatch(r"https?://([A-Za-z0-9.-]+)(?::\d+)?(?:/\S*)?", url)
        if not match or "." not in match.group(1) or re.fullmatch(r"[\d.]+", match.group(1)):
            return False
    return True


def _flag_values(args: list[str], short: str, long: str) -> list[str]:
    """Every value given to a flag: `-n x`, `--namespace x`, `--namespace=x`, `-nx`."""
    values = []
    for index, arg in enumerate(args):
        if arg in (short, long) and index + 1 < len(args):
            values.append(args[index + 1])
        elif arg.startswith(long + "="):
            values.append(arg.split("=", 1)[1])
        elif arg.startswith(short) and len(arg) > 2 and not arg.startswith("--"):
            values.append(arg[2:])
    return values


WATCH_FLAGS = ("-w", "--watch", "--watch-only")


def waits_for_state(command: str) -> bool:
    """Whether the command waits until objects reach a state (`kubectl wait`, `kubectl rollout status`)."""
    verbs = [_verb(list(invocation.args)) for invocation in kubectl_invocations(command)]
    return any(verb == "wait" or (verb, sub) == ("rollout", "status") for verb, sub in verbs)


def listing_command(command: str) -> str | None:
    """For a watch that is one `kubectl get … -w` and nothing else, the same `get` without the watch, printing names
    only: what the watch lists before it prints any change. None for anything else."""
    if len(simple_commands(command)) != 1:
        return None
    invocations = kubectl_invocations(command)
    if len(invocations) != 1 or _verb(list(invocations[0].args))[0] != "get":
        return None
    args = list(invocations[0].args)
    if not any(a in WATCH_FLAGS or a.startswith("--watch=") for a in args):
        return None
    kept, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in ("-o", "--output"):
            skip = True
        elif arg in WATCH_FLAGS or arg.startswith(("--watch=", "-o=", "--output=", "--output-watch-events")) or \
                (arg.startswith("-o") and len(arg) > 2):
            continue
        else:
            kept.append(arg)
    return shlex.join(["kubectl", *kept, "-o", "name", "--request-timeout=10s"])


def rewrite_interactive(command: str, script: str) -> str:
    """`kubectl run -i --tty … [-- sh]` as a non-interactive `kubectl run -i … -- sh -c SCRIPT`."""
    words = shlex.split(command)
    try:
        split = words.index("--")
    except ValueError:
        split = len(words)
    head, tail = words[:split], words[split + 1:]
    flags = []
    has_stdin = False
    for word in head:
        if word in ("--tty", "-t") or word.startswith("--tty="):
            continue
        flag = "-i" if word in ("-it", "-ti") else word
        if flag in ("-i", "--stdin") or flag.startswith("--stdin="):
            has_stdin = True
        flags.append(flag)
    if not has_stdin:
        flags.insert(flags.index("run") + 1 if "run" in flags else len(flags), "-i")
    shell = tail[0] if tail and Path(tail[0]).name in ("sh", "bash", "ash") else "sh"
    return shlex.join([*flags, "--", shell, "-c", script])


BLOCK_MARK = "@@verify-block-{}@@"


def container_script(blocks: list[tuple[str, ...]]) -> str:
    """One shell script running each in-container block after a marker line."""
    lines = []
    for index, commands in enumerate(blocks):
        lines.append(f"echo {BLOCK_MARK.format(index)}")
        lines.extend(commands)
    return "\n".join(lines)


def split_container_output(output: str, count: int) -> list[str]:
    """The output of each block of `container_script`, in order (missing blocks are empty)."""
    parts = [""] * count
    current = None
    for line in output.splitlines(keepends=True):
        match = re.fullmatch(r"@@verify-block-(\d+)@@\s*", line)
        if match:
            current = int(match.group(1))
            continue
        if current is not None and current < count:
            parts[current] += line
    return parts
