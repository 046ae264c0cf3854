"""No fixed sleeps: the live tier waits for events, never for a length of time.

Two places could hold a fixed wait, and both are checked:

- the hidden steps of every page (``<!-- invisible-code-block: shell … -->``, both languages) sleep
  no fixed time on the reader's machine: a page waits with ``kubectl wait``, ``kubectl rollout
  status`` or a watch, or, for what the API cannot show (kube-proxy's rules, a cloud load balancer's
  health checks), with a retry loop that breaks as soon as its condition holds and pauses between
  looks. What a page's hidden steps run is read with the static tier's own review of the page
  (`verify.static.programs.review_page`), so ``kubectl run … -- sleep 1h`` (the container's command)
  is not a sleep here;
- the verifier's code that waits (``verify/live``, ``verify/claims``): every
  ``time.sleep`` is the pause of a loop that stops as soon as what it waits for has happened (the
  output matches, nothing is left, an address is assigned, a process has ended). A loop whose only
  ways out are the clock, or a process that is still running (a guard, not the thing awaited),
  sleeps a fixed time whenever all goes well, and so does a ``time.sleep`` outside a loop.
  ``Event.wait``, ``Condition.wait`` and ``select`` wake on their event and are not sleeps.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from verify.cli import default_pages
from verify.parsers import read_page
from verify.static.programs import HOST, review_page

ROOT = Path(__file__).resolve().parents[2]
WAITING_CODE = [*sorted((ROOT / "verify" / "live").glob("*.py")), *sorted((ROOT / "verify" / "claims").glob("*.py"))]

# --- hidden steps ---------------------------------------------------------------------------------


_RETRY_PAUSE = re.compile(r"&&\s*break\s*;\s*sleep\s+[\d.]+\s*;?\s*done\b")


def _only_in_retry_loops(text: str) -> bool:
    """Every `sleep` of the step is the pause at the end of a loop body whose previous statement breaks
    as soon as the awaited condition holds (`…; [ "$OK" = yes ] && break; sleep 2; done`): the page's
    counterpart of a `time.sleep` between two looks at what is awaited."""
    return len(re.findall(r"\bsleep\b", text)) == len(_RETRY_PAUSE.findall(text))


def _hidden_sleeps(page: Path) -> list[str]:
    parsed = read_page(page, ROOT)
    review = review_page(parsed.page)
    steps = sorted(parsed.page.steps, key=lambda step: step.location.line)

    def step_text(line: int) -> str:
        """The text of the step a use on `line` belongs to (the last step starting at or before it)."""
        return next((step.text for step in reversed(steps) if step.location.line <= line), "")

    return [f"{use.location}: hidden step sleeps a fixed time" for use in review.uses
            if use.program == "sleep" and use.hidden and use.where == HOST
            and not _only_in_retry_loops(step_text(use.location.line))]


@pytest.mark.parametrize("page", default_pages(ROOT), ids=lambda p: str(p.relative_to(ROOT)))
def test_hidden_steps_start_no_sleep(page: Path) -> None:
    found = _hidden_sleeps(page)
    assert not found, ("hidden steps must wait for an event (kubectl wait, rollout status, a watch), "
                       "not for a time:\n" + "\n".join(found))


def test_the_review_sees_a_fixed_hidden_sleep_but_not_a_retry_pause_or_a_containers_command(tmp_path: Path) -> None:
    """The check above can fail: a hidden fixed `sleep` is found; the pause of a loop that breaks as soon
    as its condition holds is not a fixed wait, and a pod's `sleep 1h` is not a sleep here."""
    def page(name: str, hidden: str) -> Path:
        path = tmp_path / name
        path.write_text("---\ntitle: t\nweight: 1\n---\n\n# t\n\n<!-- invisible-code-block: shell\n" + hidden + "-->\n\n"
                        "```shell\nkubectl run pause --image=busybox:1.28 --restart=Never -- sleep 1h\n```\n",
                        encoding="utf-8")
        return path

    retry = "for i in $(seq 10); do kubectl get pod web-0 && break; sleep 2; done\n"
    assert _hidden_sleeps(page("retry.md", retry)) == []
    assert len(_hidden_sleeps(page("fixed.md", "sleep 10\n"))) == 1
    assert _hidden_sleeps(page("both.md", "sleep 2\n" + retry))  # one fixed sleep is enough to fail


# --- the verifier's waiting code ------------------------------------------------------------------

_CLOCK = re.compile(r"deadline|waited|elapsed|timeout|settle|budget|started|until|remaining|attempt|grace|monotonic|"
                    r"perf_counter|^time$", re.IGNORECASE)
_LIVENESS = re.compile(r"^(running|poll|alive|_group_alive|is_alive)$")


def _identifiers(node: ast.AST) -> list[str]:
    names = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            names.append(sub.id)
        elif isinstance(sub, ast.Attribute):
            names.append(sub.attr)
    return names


def _kind(condition: ast.AST) -> str:
    """"observed" (the state awaited), "liveness" (a process runs or not) or "clock"."""
    if isinstance(condition, ast.BoolOp):
        kinds = {_kind(value) for value in condition.values}
        return "observed" if "observed" in kinds else "liveness" if "liveness" in kinds else "clock"
    if isinstance(condition, ast.UnaryOp):
        return _kind(condition.operand)
    names = _identifiers(condition)
    if any(_LIVENESS.match(n) for n in names):
        return "liveness"
    if isinstance(condition, ast.Constant):
        return "clock"
    if names and all(_CLOCK.search(n) or n in ("self", "settings", "time") for n in names):
        return "clock"
    return "observed"


def _exits(loop: ast.While | ast.For) -> tuple[list[ast.AST], list[ast.AST]]:
    """The loop's `while` conditions (it goes on while they hold) and the tests of its breaks and returns."""
    guards: list[ast.AST] = []
    if isinstance(loop, ast.While) and not (isinstance(loop.test, ast.Constant) and loop.test.value):
        guards = list(loop.test.values) if isinstance(loop.test, ast.BoolOp) and isinstance(loop.test.op, ast.And) \
            else [loop.test]
    tests: list[ast.AST] = []

    def visit(statements: list[ast.stmt], conditions: list[ast.AST]) -> None:
        for statement in statements:
            if isinstance(statement, (ast.While, ast.For, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue  # an inner loop's break is not ours
            if isinstance(statement, (ast.Break, ast.Return)):
                tests.extend(conditions)
            elif isinstance(statement, ast.If):
                visit(statement.body, [*conditions, statement.test])
                visit(statement.orelse, [*conditions, ast.UnaryOp(ast.Not(), statement.test)])
            elif isinstance(statement, (ast.Try, ast.With)):
                for block in ("body", "handlers", "orelse", "finalbody"):
                    for part in getattr(statement, block, []) or []:
                        visit(part.body if isinstance(part, ast.ExceptHandler) else [part], conditions)

    visit(loop.body, [])
    return guards, tests


@dataclass(frozen=True)
class Sleep:
    where: str
    why: str


def _is_sleep(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr == "sleep" and isinstance(func.value, ast.Name)
            and func.value.id == "time") or (isinstance(func, ast.Name) and func.id == "sleep")


def fixed_sleeps(path: Path, root: Path = ROOT) -> list[Sleep]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _is_sleep(node)):
            continue
        where = f"{path.relative_to(root)}:{node.lineno}"
        loop = parents.get(node)
        while loop is not None and not isinstance(loop, (ast.While, ast.For, ast.FunctionDef, ast.AsyncFunctionDef)):
            loop = parents.get(loop)
        if not isinstance(loop, (ast.While, ast.For)):
            found.append(Sleep(where, "a sleep outside any loop waits a fixed time"))
            continue
        guards, tests = _exits(loop)
        kinds = [_kind(t) for t in tests] + [_kind(g) for g in guards if _kind(g) == "observed"]
        if "observed" in kinds or "liveness" in kinds:
            continue
        found.append(Sleep(where, "the loop ends only on the clock or when the process it watches stops: "
                                  "when all goes well it sleeps the full time"))
    return found


@pytest.mark.parametrize("path", WAITING_CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_waiting_code_has_no_fixed_sleep(path: Path) -> None:
    found = fixed_sleeps(path)
    assert not found, "fixed sleeps:\n" + "\n".join(f"{s.where}: {s.why}" for s in found)


def test_the_rule_tells_a_fixed_wait_from_a_poll(tmp_path: Path) -> None:
    """The rule above can fail: a settle loop and a bare sleep are fixed; polls that end on their event are not."""
    code = tmp_path / "waits.py"
    code.write_text(
        "import time\n"
        "def settle(proc, settings):\n"
        "    waited = 0.0\n"
        "    while waited < settings.terminal_settle and proc.running:\n"
        "        time.sleep(0.05)\n"
        "        waited += 0.05\n"
        "def bare():\n"
        "    time.sleep(10)\n"
        "def poll(deadline, left):\n"
        "    while True:\n"
        "        gone = left()\n"
        "        if not gone or time.monotonic() >= deadline:\n"
        "            return gone\n"
        "        time.sleep(0.25)\n"
        "def stop(proc, deadline):\n"
        "    while time.monotonic() < deadline:\n"
        "        if proc.poll() is not None:\n"
        "            return\n"
        "        time.sleep(0.02)\n",
        encoding="utf-8")
    lines = sorted(int(s.where.rsplit(":", 1)[1]) for s in fixed_sleeps(code, root=tmp_path))
    assert lines == [5, 8]
