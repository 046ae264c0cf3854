"""Claims on recorded event streams, without a cluster: every claim of the pages holds on the events of a
real run on the control plane (tests/fixtures/events/, recorded with `--record-events`, see its README),
and fails, saying what the page claims and what happened instead, on edited copies of them.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from pathlib import Path

import pytest

from verify import load_page
from verify.claims import CHECKERS, ClaimError, manifests, parse_claim
from verify.claims.checks import Observation
from verify.claims.evidence import ADDED, DELETED, MODIFIED, Event
from verify.claims.recording import CheckedClaim, Recording, load
from verify.live.claims import report_diff
from verify.model import StepKind

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "tests" / "fixtures" / "events"
PAGES = {
    "basic-stateful-set": ROOT / "docs_src/ja/tutorials/stateful-application/basic-stateful-set.md",
    "apparmor": ROOT / "docs_src/ja/tutorials/security/apparmor.md",
    "source-ip": ROOT / "docs_src/ja/tutorials/services/source-ip.md",
}


def recording(name: str) -> Recording:
    return load(EVENTS / f"{name}.jsonl")


def checked(rec: Recording, text: str, occurrence: int = 1) -> CheckedClaim:
    found = [c for c in rec.claims if c.claim == text]
    assert len(found) >= occurrence, f"{text} was not recorded: re-record tests/fixtures/events (see its README)"
    return found[occurrence - 1]


@functools.cache
def page_manifests(page: str) -> dict:
    return manifests(load_page(PAGES[page], ROOT))


def run(rec: Recording, text: str, events: list[Event] | None = None, occurrence: int = 1,
        page: str = "basic-stateful-set") -> Observation:
    claim = parse_claim(text)
    evidence = rec.evidence(checked(rec, text, occurrence), page_manifests(page), events)
    return CHECKERS[claim.name].check(evidence, dict(claim.arguments))


def spread(events: list[Event]) -> list[Event]:
    """A copy with room between revisions (rv × 10), so an edited event can be put between two others."""
    return [dataclasses.replace(e, rv=e.rv * 10, object=copy.deepcopy(e.object)) for e in events]


def find(events: list[Event], kind: str, name: str, predicate=lambda e: True) -> Event:
    return next(e for e in events if e.kind == kind and e.name == name and predicate(e))


def moved(events: list[Event], event: Event, rv: int) -> list[Event]:
    return [dataclasses.replace(e, rv=rv) if e is event else e for e in events]


def widen(rec: Recording) -> Recording:
    return Recording(rec.page, spread(rec.events), [(s, v * 10) for s, v in rec.marks],
                     [dataclasses.replace(c, since=c.since * 10, until=c.until * 10) for c in rec.claims])


# --- every claim of every page holds on the recorded run --------------------------------------------

@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_claim_on_the_page_holds_on_the_recorded_run(name: str) -> None:
    rec = recording(name)
    page = load_page(PAGES[name], ROOT)
    claims = [str(s.claim) for s in page.steps if s.kind is StepKind.CLAIM]
    assert claims, f"{name} has no claims"
    # Re-record when the page's claims change (the order matters: windows follow the page).
    assert [c.claim for c in rec.claims] == claims, "the page's claims changed: re-record tests/fixtures/events"
    assert not rec.gaps
    for entry in rec.claims:
        claim = parse_claim(entry.claim)
        evidence = rec.evidence(entry, manifests(page))
        checker = CHECKERS[claim.name]
        assert checker.ready(evidence, dict(claim.arguments)), entry.claim
        outcome = checker.check(evidence, dict(claim.arguments))
        assert outcome.ok and entry.status == "passed", f"{entry.step} {entry.claim}: {outcome.problems}"
        assert outcome.facts


def test_the_recordings_order_events_as_the_api_server_committed_them() -> None:
    for name in PAGES:
        rec = recording(name)
        versions = [e.rv for e in rec.events]
        assert versions == sorted(versions) and len(set(versions)) >= len(versions) // 2


# --- StatefulSet ordering ------------------------------------------------------------------------------

def test_ordered_creation_fails_when_two_pods_are_created_out_of_order() -> None:
    rec = widen(recording("basic-stateful-set"))
    text = "claim=ordered-creation pods=web-0,web-1"
    since = checked(rec, text).since
    web0 = find(rec.events, "Pod", "web-0", lambda e: e.type == ADDED and e.rv > since)
    web1 = find(rec.events, "Pod", "web-1", lambda e: e.type == ADDED and e.rv > since)
    events = moved(rec.events, web1, web0.rv + 1)  # web-1 created right after web-0, before web-0 is Ready
    outcome = run(rec, text, events)
    assert not outcome.ok
    assert outcome.problems[0].startswith("web-1 was created (rv ")
    assert "before web-0 was Running and Ready" in outcome.problems[0]
    assert outcome.expected == ["web-0 created", "web-0 Running and Ready", "web-1 created", "web-1 Running and Ready"]


def test_ordered_creation_after_a_pod_that_was_not_ready() -> None:
    rec = widen(recording("basic-stateful-set"))
    text = "claim=ordered-creation pods=web-2,web-3,web-4 after=web-1"
    since = checked(rec, text).since
    web2 = find(rec.events, "Pod", "web-2", lambda e: e.type == ADDED and e.rv > since)
    ready = find(rec.events, "Pod", "web-1", lambda e: e.rv <= since)
    not_ready = dataclasses.replace(ready, rv=web2.rv - 1, type=MODIFIED, object=copy.deepcopy(ready.object))
    not_ready.object["status"] = {"phase": "Pending"}
    outcome = run(rec, text, [*rec.events, not_ready])
    assert not outcome.ok and "while web-1 was Pending, not Running and Ready" in outcome.problems[0]


def test_parallel_creation_fails_when_the_controller_waited() -> None:
    rec = widen(recording("basic-stateful-set"))
    text = "claim=parallel-creation pods=web-0,web-1"
    since = checked(rec, text).since
    web0_ready = find(rec.events, "Pod", "web-0", lambda e: e.rv > since and e.type == MODIFIED
                      and e.object["status"].get("phase") == "Running")
    web1 = find(rec.events, "Pod", "web-1", lambda e: e.type == ADDED and e.rv > since)
    outcome = run(rec, text, moved(rec.events, web1, web0_ready.rv + 1))
    assert not outcome.ok
    assert "web-1 was created" in outcome.problems[0] and "only after web-0 was Running and Ready" in outcome.problems[0]
    # ... and the OrderedReady creation it was recorded against holds the opposite claim
    assert not run(rec, "claim=ordered-creation pods=web-0,web-1").problems


def test_ordered_deletion_fails_when_the_next_pod_starts_terminating_too_early() -> None:
    rec = widen(recording("basic-stateful-set"))
    text = "claim=ordered-deletion pods=web-4,web-3"
    since = checked(rec, text).since
    web4 = find(rec.events, "Pod", "web-4", lambda e: e.rv > since and bool(e.object["metadata"].get("deletionTimestamp")))
    web3 = find(rec.events, "Pod", "web-3", lambda e: e.rv > since and bool(e.object["metadata"].get("deletionTimestamp")))
    outcome = run(rec, text, moved(rec.events, web3, web4.rv + 1))
    assert not outcome.ok
    assert "web-3 started terminating" in outcome.problems[0] and "while web-4 still existed" in outcome.problems[0]
    # the order the page claims is the reverse ordinal order: the opposite order fails as it is recorded
    swapped = CHECKERS["ordered-deletion"].check(rec.evidence(checked(rec, text), {}), {"pods": "web-3,web-4"})
    assert not swapped.ok and "web-4 started terminating" in swapped.problems[0]


def test_parallel_deletion_fails_when_pods_were_deleted_one_at_a_time() -> None:
    rec = widen(recording("basic-stateful-set"))
    text = "claim=parallel-deletion pods=web-0,web-1"
    since = checked(rec, text).since
    gone0 = find(rec.events, "Pod", "web-0", lambda e: e.rv > since and e.type == DELETED)
    start1 = find(rec.events, "Pod", "web-1", lambda e: e.rv > since and bool(e.object["metadata"].get("deletionTimestamp")))
    events = [e for e in moved(rec.events, start1, gone0.rv + 1)
              if not (e.kind == "Pod" and e.name == "web-1" and since < e.rv < gone0.rv and e is not start1)]
    outcome = run(rec, text, events)
    assert not outcome.ok and "only after web-0 was gone" in outcome.problems[0]


# --- identity, storage and updates --------------------------------------------------------------------

def test_stable_identity_fails_when_a_claim_is_recreated_with_a_new_uid() -> None:
    rec = widen(recording("basic-stateful-set"))
    text = "claim=stable-identity pods=web-0,web-1"
    since = checked(rec, text).since
    before = find(rec.events, "PersistentVolumeClaim", "www-web-0")
    later = [e for e in rec.events if e.kind == "PersistentVolumeClaim" and e.name == "www-web-0" and e.rv > since]
    for event in later:  # from the window on, www-web-0 is another object ...
        event.object["metadata"]["uid"] = "00000000-0000-4000-8000-000000000000"
    later[0] = dataclasses.replace(later[0], type=ADDED)
    gone = dataclasses.replace(before, type=DELETED, rv=since + 1)  # ... created after the old one was deleted
    events = [e for e in rec.events if e not in later] + later + [gone]
    outcome = run(rec, text, [dataclasses.replace(e, type=ADDED) if e is later[0] else e for e in events])
    assert not outcome.ok
    assert any(p.startswith("PersistentVolumeClaim www-web-0 is another object now: uid ") and p.endswith(", 00000000 now")
               for p in outcome.problems), outcome.problems


def test_stable_identity_fails_when_a_pod_comes_back_under_another_claim() -> None:
    rec = widen(recording("basic-stateful-set"))
    text = "claim=stable-identity pods=web-0,web-1"
    since = checked(rec, text).since
    events = spread(rec.events)
    for event in events:
        if event.kind == "Pod" and event.name == "web-1" and event.rv > since * 10:
            event.object["spec"]["claims"] = ["www-web-9"]
    widened = Recording(rec.page, events, [],
                        [dataclasses.replace(c, since=c.since * 10, until=c.until * 10) for c in rec.claims])
    outcome = run(widened, text)
    assert not outcome.ok and "the new web-1 mounts www-web-9, the old one www-web-1" in outcome.problems


def test_claims_kept_fails_when_the_scale_down_deleted_a_claim() -> None:
    rec = widen(recording("basic-stateful-set"))
    text = "claim=pvcs-kept pods=web-3,web-4"
    entry = checked(rec, text)
    claim = find(rec.events, "PersistentVolumeClaim", "www-web-4")
    outcome = run(rec, text, [*rec.events, dataclasses.replace(claim, type=DELETED, rv=entry.until - 1)])
    assert not outcome.ok and outcome.problems[0].startswith("PersistentVolumeClaim www-web-4 (uid ")
    assert "was deleted" in outcome.problems[0]


def test_rolling_update_fails_out_of_reverse_ordinal_order() -> None:
    rec = widen(recording("basic-stateful-set"))
    text = "claim=rolling-update pods=web-2,web-1,web-0 image=registry.k8s.io/nginx-slim:0.24"
    reordered = CHECKERS["rolling-update"].check(rec.evidence(checked(rec, text), {}),
                                                  {"pods": "web-0,web-1,web-2", "image": "registry.k8s.io/nginx-slim:0.24"})
    assert not reordered.ok and reordered.problems[0].startswith("web-1 started terminating (rv ")
    assert "before the new web-0 was Running and Ready" in reordered.problems[0]
    other = CHECKERS["rolling-update"].check(rec.evidence(checked(rec, text), {}),
                                              {"pods": "web-2,web-1,web-0", "image": "registry.k8s.io/nginx-slim:0.8"})
    assert "the new web-2 runs registry.k8s.io/nginx-slim:0.24, not registry.k8s.io/nginx-slim:0.8" in other.problems


def test_a_replacement_deleted_before_it_ran_gives_way_to_the_next_one() -> None:
    rec = widen(recording("basic-stateful-set"))
    text = "claim=rolling-update pods=web-2,web-1,web-0 image=registry.k8s.io/nginx-slim:0.24"
    since = checked(rec, text).since
    new = find(rec.events, "Pod", "web-1", lambda e: e.type == ADDED and e.rv > since)
    stillborn = copy.deepcopy(new.object)
    stillborn["metadata"]["uid"] = "0000dead-0000-0000-0000-000000000000"
    stillborn.setdefault("status", {})["phase"] = "Pending"
    stillborn["status"]["conditions"] = []
    at = rec.events.index(new)
    events = [*rec.events[:at], Event("Pod", ADDED, new.rv - 2, stillborn),
              Event("Pod", DELETED, new.rv - 1, copy.deepcopy(stillborn)), *rec.events[at:]]
    assert run(rec, text, events).ok
    # Without a replacement that ran, the claim still fails, naming the last one made.
    never = [e for e in events if not (e.kind == "Pod" and e.name == "web-1" and e.uid == new.uid)]
    outcome = run(rec, text, never)
    assert not outcome.ok and "the new web-1 (uid 0000dead) never became Running and Ready" in outcome.problems


def test_partition_fails_when_the_pod_came_back_with_the_template_image() -> None:
    rec = widen(recording("basic-stateful-set"))
    text = "claim=partition pod=web-2 image=registry.k8s.io/nginx-slim:0.24"
    since = checked(rec, text).since
    for event in rec.events:
        if event.kind == "Pod" and event.name == "web-2" and event.rv > since:
            event.object["spec"]["containers"][0]["image"] = "registry.k8s.io/nginx-slim:0.21"
    outcome = run(rec, text)
    assert "the new web-2 runs registry.k8s.io/nginx-slim:0.21, not registry.k8s.io/nginx-slim:0.24" in outcome.problems


def test_adopted_fails_when_the_pod_was_created_again_instead() -> None:
    rec = widen(recording("basic-stateful-set"))
    text = "claim=adopted pods=web-1"
    since = checked(rec, text).since
    for event in rec.events:  # every owned web-1 after the window began is "another" Pod
        if event.kind == "Pod" and event.name == "web-1" and event.rv > since and event.object["metadata"].get("ownerReferences"):
            event.object["metadata"]["uid"] = "11111111-aaaa-bbbb-cccc-000000000000"
    outcome = run(rec, text)
    assert not outcome.ok and "never got a StatefulSet as its controller" in outcome.problems[0]


# --- Services and AppArmor --------------------------------------------------------------------------------

def test_node_port_out_of_range_and_missing_health_check_port_fail() -> None:
    rec = recording("source-ip")
    for event in rec.events:
        if event.kind == "Service" and event.name == "nodeport":
            for port in event.object["spec"]["ports"]:
                port["nodePort"] = 8080
        if event.kind == "Service" and event.name == "loadbalancer":
            event.object["spec"].pop("healthCheckNodePort", None)
    outcome = run(rec, "claim=node-port service=nodeport", page="source-ip")
    assert "port 80 has node port 8080, not one in the range" in outcome.problems
    outcome = run(rec, "claim=health-check-node-port service=loadbalancer", page="source-ip")
    assert outcome.problems == ["healthCheckNodePort is None: not a port of its own in the node port range"]


def test_endpoints_fail_when_the_slice_lists_another_pod() -> None:
    rec = recording("source-ip")
    for event in rec.events:
        if event.kind == "EndpointSlice":
            for endpoint in event.object["endpoints"]:
                endpoint["targetRef"]["name"] = "intruder"
    outcome = run(rec, "claim=endpoints service=nodeport selector=app=source-ip-app", page="source-ip")
    assert not outcome.ok
    assert outcome.problems[0].startswith("not listed: source-ip-app-")
    assert "listed but not selected by app=source-ip-app: intruder" in outcome.problems


def test_apparmor_claims_fail_on_a_profile_not_stored_as_written_and_on_a_stored_rejection() -> None:
    rec = recording("apparmor")
    for event in rec.events:
        if event.name == "hello-apparmor":
            event.object["spec"]["containers"][0]["securityContext"]["appArmorProfile"] = {"type": "RuntimeDefault"}
        if event.name == "annotated":
            event.object["spec"]["containers"][0].pop("securityContext", None)
    outcome = run(rec, "claim=apparmor-profile file=hello-apparmor.yaml", page="apparmor")
    assert outcome.problems == ["container hello: written {'type': 'Localhost', 'localhostProfile': "
                                "'k8s-apparmor-example-deny-write'}, stored {'type': 'RuntimeDefault'}"]
    annotated = run(rec, "claim=apparmor-annotation pod=annotated", page="apparmor")
    assert "but the field of container annotated is None" in annotated.problems[0]
    stored = find(rec.events, "Pod", "annotated")
    mismatched = dataclasses.replace(stored, rv=stored.rv, object=copy.deepcopy(stored.object))
    mismatched.object["metadata"]["name"] = "mismatched"
    assert run(rec, "claim=rejected pod=mismatched", [*rec.events, mismatched], page="apparmor").problems[0].startswith(
        "Pod mismatched was stored (uid ")


# --- what a failure says ------------------------------------------------------------------------------

def test_a_failed_claim_reports_the_sentence_the_expected_order_and_the_observed_events() -> None:
    rec = widen(recording("basic-stateful-set"))
    text = "claim=ordered-creation pods=web-0,web-1"
    since = checked(rec, text).since
    web0 = find(rec.events, "Pod", "web-0", lambda e: e.type == ADDED and e.rv > since)
    web1 = find(rec.events, "Pod", "web-1", lambda e: e.type == ADDED and e.rv > since)
    events = moved(rec.events, web1, web0.rv + 1)
    page = load_page(PAGES["basic-stateful-set"], ROOT)
    step = next(s for s in page.steps if s.kind is StepKind.CLAIM and str(s.claim) == text)
    evidence = rec.evidence(checked(rec, text), {}, events)  # what the claim saw: up to when it was checked
    outcome = CHECKERS["ordered-creation"].check(evidence, {"pods": "web-0,web-1"})
    diff = report_diff(step, outcome, CHECKERS["ordered-creation"].observed(evidence, {"pods": "web-0,web-1"}), since, [])
    assert "the page says (" in diff and "web-1 Podが起動していないことに注目してください" in diff
    assert "  1. web-0 created\n  2. web-0 Running and Ready\n  3. web-1 created\n  4. web-1 Running and Ready" in diff
    assert "  ✗ web-1 was created" in diff
    lines = diff.splitlines()
    observed = lines[lines.index(next(entry for entry in lines if entry.startswith("observed events"))) + 1:]
    assert all(line.lstrip().startswith("rv ") for line in observed) and len(observed) == 6
    assert [line.split()[2:4] for line in observed] == [
        ["ADDED", "Pod/web-0"], ["ADDED", "Pod/web-1"], ["MODIFIED", "Pod/web-0"], ["MODIFIED", "Pod/web-0"],
        ["MODIFIED", "Pod/web-1"], ["MODIFIED", "Pod/web-1"]]
    assert "Running Ready" in observed[3] and "Running Ready" in observed[5]


# --- the directive -------------------------------------------------------------------------------------

def test_claim_directives_name_a_checker_and_its_arguments() -> None:
    claim = parse_claim("claim=ordered-creation pods=web-2,web-3 after=web-1 timeout=30", "文")
    assert claim.name == "ordered-creation" and dict(claim.arguments) == {"pods": "web-2,web-3", "after": "web-1"}
    assert claim.timeout == 30 and str(claim) == "claim=ordered-creation pods=web-2,web-3 after=web-1"
    for text, message in [("claim=ordered pods=web-0", "unknown claim 'ordered'"),
                          ("claim=ordered-creation", "needs pods=…"),
                          ("claim=partition pod=web-1", "needs image=…"),
                          ("claim=ordered-creation pods=web-0 pod=web-1", "takes pods=…, [after=…], [timeout=…], not pod"),
                          ("claim=ordered-creation pods", "needs a value"),
                          ("claim=ordered-creation pods='web-0 web-1'", "is not a plain value")]:
        with pytest.raises(ClaimError, match=message.replace("[", r"\[").replace("]", r"\]")):
            parse_claim(text)


def test_the_conventions_list_every_claim_with_its_arguments() -> None:
    conventions = (ROOT / "docs" / "conventions.md").read_text(encoding="utf-8")
    for checker in CHECKERS.values():
        arguments = " ".join(f"`{k}=…`" for k in checker.required) + "".join(f" [`{k}=…`]" for k in checker.optional)
        assert f"| `claim={checker.name}` | {arguments} | {checker.summary} |" in conventions, checker.name
    assert "<!-- verify: concurrent=web-0,web-1 -->" in conventions


PAGE = """---
title: t
weight: 1
requires: []
---

# t

## 作成

`web-0`が[Ready](https://example.com)になるまで、`web-1`は*作成されません*。

```shell
kubectl get pods
```

<!-- verify: concurrent=web-0,web-1 -->
```text
NAME
```

<!-- verify: claim=ordered-creation pods=web-0,web-1 -->
<!-- verify: claim=parallel-creation pods=web-2,web-3 -->

## 次

<!-- verify: claim=ordered-deletion pods=web-1,web-0 -->

<!-- verify: claim=partition pod=web-1 -->
"""


def test_a_claim_is_a_step_of_its_own_that_knows_the_sentence_it_backs(tmp_path: Path) -> None:
    from verify.parsers import read_page

    path = tmp_path / "page.md"
    path.write_text(PAGE, encoding="utf-8")
    parsed = read_page(path, tmp_path)
    claims = [s for s in parsed.page.steps if s.kind is StepKind.CLAIM]
    assert [str(s.claim) for s in claims] == ["claim=ordered-creation pods=web-0,web-1",
                                              "claim=parallel-creation pods=web-2,web-3",
                                              "claim=ordered-deletion pods=web-1,web-0"]
    # blocks between the sentence and the claim are passed over; markup is dropped
    first, second = claims[0].claim, claims[1].claim
    assert first is not None and second is not None
    assert first.sentence == second.sentence == "web-0がReadyになるまで、web-1は作成されません。"
    assert [(p.location.line, p.message) for p in parsed.problems] == [
        (18, "concurrent=… applies to the output of a watch (terminal=watch show, or the watch match mode)"),
        (27, "a claim comes after the sentence it backs; no prose precedes it in its section"),
        (29, "claim=partition needs image=…"),
    ]
