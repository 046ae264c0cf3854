"""The checkers behind `<!-- verify: claim=NAME … -->`: each reads the recorded events (`Evidence`)
and says whether the cluster did what the sentence before the comment says.

Every checker has two parts: `ready`, true once the events it needs have arrived (the runner waits
for it on the recorder's watch, never with a fixed sleep), and `check`, which decides. Ordering is
read as an ordered subsequence of events, tolerant of everything else that happened in between,
the way Kubernetes' own StatefulSet e2e tests read a watch: web-1's ADDED must come after the event
in which web-0 became Running and Ready, whatever other events came between.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, NamedTuple

from verify.claims.evidence import (
    ADDED,
    DELETED,
    SERVICE_NAME_LABEL,
    Event,
    Evidence,
    became_ready,
    controller,
    created,
    images,
    ordinal,
    pod_state,
    running_and_ready,
    sequence,
    short,
    terminating,
    termination,
)
from verify.resources import NODE_PORT_RANGE

NODE_PORTS = NODE_PORT_RANGE  # kube-apiserver's default --service-node-port-range (the control plane's too)
Args = dict[str, str]


@dataclass
class Outcome:
    """What a checker found: `problems` (empty when the claim holds), the order it expected, the facts
    that show it (on success too), and the observed events."""

    problems: list[str]
    expected: list[str]
    facts: list[str] = field(default_factory=list)
    observed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Checker:
    name: str
    summary: str  # what the claim asserts, for docs/conventions.md and `python -m verify claims`
    required: tuple[str, ...]
    optional: tuple[str, ...]
    kinds: tuple[str, ...]  # the kinds of object whose events it reads
    ready: Callable[[Evidence, Args], bool]
    check: Callable[[Evidence, Args], Outcome]

    def observed(self, evidence: Evidence, args: Args) -> list[str]:
        names = _names(args)
        return sequence(evidence, self.kinds, names)


def _list(args: Args, key: str) -> list[str]:
    return [p.strip() for p in args.get(key, "").split(",") if p.strip()]


def _names(args: Args) -> list[str]:
    names = _list(args, "pods") + [args[k] for k in ("pod", "after", "service") if k in args]
    return names


def _is(event_type: str, uid: str | None) -> Callable[[Event], bool]:
    """A predicate for `Evidence.first`: the events of this type of the object with this uid."""
    return lambda e: e.type == event_type and e.uid == uid


def _added_other_than(uid: str) -> Callable[[Event], bool]:
    """A predicate for `Evidence.first`: the ADDED event of an object of the same name but another uid."""
    return lambda e: e.type == ADDED and e.uid != uid


def _ready_pods(evidence: Evidence, names: list[str]) -> bool:
    for name in names:
        made = created(evidence, name)
        if made is None or became_ready(evidence, made) is None:
            return False
    return True


# --- StatefulSet ordering --------------------------------------------------------------------------

def _ordered_creation(evidence: Evidence, args: Args) -> Outcome:
    names, after = _list(args, "pods"), args.get("after")
    expected = [f"{after} Running and Ready"] if after else []
    for name in names:
        expected += [f"{name} created", f"{name} Running and Ready"]
    outcome = Outcome([], expected)
    made, ready = _created_and_ready(evidence, names, outcome)
    if outcome.problems:
        return outcome
    for previous, name in pairwise(names):
        if made[name].rv < ready[previous].rv:
            outcome.problems.append(f"{name} was created (rv {made[name].rv}) before {previous} was Running and Ready "
                                    f"(rv {ready[previous].rv})")
    if after:
        state = evidence.state("Pod", after, made[names[0]].rv)
        if state is None or not running_and_ready(state) or terminating(state):
            outcome.problems.append(f"{names[0]} was created (rv {made[names[0]].rv}) while {after} was "
                                    f"{pod_state(state) if state else 'absent'}, not Running and Ready")
    outcome.facts = [f"{n} created at rv {made[n].rv}, Running and Ready at rv {ready[n].rv}" for n in names]
    return outcome


def _created_and_ready(evidence: Evidence, names: list[str],
                       outcome: Outcome) -> tuple[dict[str, Event], dict[str, Event]]:
    """Each Pod's ADDED event and the event at which it became Running and Ready, by name; a Pod that lacks
    either is a problem in `outcome` and is left out of both."""
    made: dict[str, Event] = {}
    ready: dict[str, Event] = {}
    for name in names:
        added = created(evidence, name)
        if added is None:
            outcome.problems.append(f"{name} was not created after the watch began")
            continue
        became = became_ready(evidence, added)
        if became is None:
            outcome.problems.append(f"{name} (uid {short(added.uid)}) never became Running and Ready")
            continue
        made[name], ready[name] = added, became
    return made, ready


def _ordered_deletion(evidence: Evidence, args: Args) -> Outcome:
    names = _list(args, "pods")
    expected = []
    for name in names:
        expected += [f"{name} starts terminating", f"{name} is gone"]
    outcome = Outcome([], expected)
    ends = _terminations(evidence, names, outcome)
    if outcome.problems:
        return outcome
    for previous, name in pairwise(names):
        if ends[name][0].rv < ends[previous][1].rv:
            outcome.problems.append(f"{name} started terminating (rv {ends[name][0].rv}) while {previous} still existed "
                                    f"(gone at rv {ends[previous][1].rv})")
    outcome.facts = [f"{n} terminating from rv {ends[n][0].rv}, gone at rv {ends[n][1].rv}" for n in names]
    return outcome


def _terminations(evidence: Evidence, names: list[str], outcome: Outcome) -> dict[str, tuple[Event, Event]]:
    ends: dict[str, tuple[Event, Event]] = {}
    for name in names:
        before = evidence.before("Pod", name)
        if before is None:
            outcome.problems.append(f"{name} did not exist when the watch began")
            continue
        uid = before["metadata"]["uid"]
        started, gone = termination(evidence, name, uid)
        if started is None or gone is None:
            outcome.problems.append(f"{name} (uid {short(uid)}) was {'never deleted' if started is None else 'not gone'}")
            continue
        ends[name] = (started, gone)
    return ends


def _gone(evidence: Evidence, names: list[str]) -> bool:
    for name in names:
        before = evidence.before("Pod", name)
        if before is None or termination(evidence, name, before["metadata"]["uid"])[1] is None:
            return False
    return True


def _parallel_creation(evidence: Evidence, args: Args) -> Outcome:
    names = _list(args, "pods")
    outcome = Outcome([], [f"{', '.join(names)} all created before any of them is Running and Ready"])
    made = {n: e for n in names if (e := created(evidence, n)) is not None}
    missing = [n for n in names if n not in made]
    if missing:
        outcome.problems.append(f"{', '.join(missing)} not created after the watch began")
        return outcome
    ready = {n: e for n in names if (e := became_ready(evidence, made[n])) is not None}  # those that did, in order
    last = max(names, key=lambda n: made[n].rv)
    first_ready = min(ready, key=lambda n: ready[n].rv, default=None)
    if first_ready is not None and ready[first_ready].rv < made[last].rv:
        outcome.problems.append(f"{last} was created (rv {made[last].rv}) only after {first_ready} was Running and "
                                f"Ready (rv {ready[first_ready].rv}): the controller waited for it")
    outcome.facts = [f"{n} created at rv {made[n].rv}" + (f", Running and Ready at rv {ready[n].rv}" if n in ready else "")
                     for n in names]
    return outcome


def _parallel_deletion(evidence: Evidence, args: Args) -> Outcome:
    names = _list(args, "pods")
    outcome = Outcome([], [f"{', '.join(names)} all start terminating before any of them is gone"])
    ends = _terminations(evidence, names, outcome)
    if outcome.problems:
        return outcome
    last = max(names, key=lambda n: ends[n][0].rv)
    first_gone = min(names, key=lambda n: ends[n][1].rv)
    if ends[last][0].rv > ends[first_gone][1].rv:
        outcome.problems.append(f"{last} started terminating (rv {ends[last][0].rv}) only after {first_gone} was gone "
                                f"(rv {ends[first_gone][1].rv}): one was deleted after the other")
    outcome.facts = [f"{n} terminating from rv {ends[n][0].rv}, gone at rv {ends[n][1].rv}" for n in names]
    return outcome


# --- identity, storage, updates --------------------------------------------------------------------

class Replacement(NamedTuple):
    """A Pod deleted and created again under the same name."""

    before: dict[str, Any]  # the old Pod as the window began
    gone: Event  # the old Pod's DELETED event
    new: Event  # the replacement's ADDED event
    ready: Event  # the event at which the replacement became Running and Ready


def _replacement(evidence: Evidence, name: str, outcome: Outcome) -> Replacement | None:
    """The Pod `name` as the window began, when it was gone, its replacement's ADDED and Ready events."""
    before = evidence.before("Pod", name)
    if before is None:
        outcome.problems.append(f"{name} did not exist when the watch began")
        return None
    uid = before["metadata"]["uid"]
    _, gone = termination(evidence, name, uid)
    if gone is None:
        outcome.problems.append(f"{name} (uid {short(uid)}) was not deleted")
        return None
    new = evidence.first(_added_other_than(uid), "Pod", name, after=gone.rv)
    if new is None:
        outcome.problems.append(f"{name} was not created again after it was deleted")
        return None
    ready = became_ready(evidence, new)
    if ready is None:
        outcome.problems.append(f"the new {name} (uid {short(new.uid)}) never became Running and Ready")
        return None
    return Replacement(before, gone, new, ready)


def _replaced(evidence: Evidence, names: list[str]) -> bool:
    for name in names:
        before = evidence.before("Pod", name)
        if before is None:
            return False
        uid = before["metadata"]["uid"]
        new = evidence.first(_added_other_than(uid), "Pod", name)
        if new is None or became_ready(evidence, new) is None:
            return False
    return True


def _claims_of(pod: dict[str, Any]) -> list[str]:
    return list((pod.get("spec") or {}).get("claims") or [])


def _claim_kept(evidence: Evidence, claim: str, outcome: Outcome) -> None:
    before, now = evidence.before("PersistentVolumeClaim", claim), evidence.state("PersistentVolumeClaim", claim)
    if before is None:
        outcome.problems.append(f"claim {claim} did not exist when the watch began")
        return
    if now is None:
        outcome.problems.append(f"claim {claim} (uid {short(before['metadata']['uid'])}) was deleted")
        return
    uid_before, uid_now = before["metadata"]["uid"], now["metadata"]["uid"]
    if uid_before != uid_now:
        outcome.problems.append(f"claim {claim} is another object now: uid {short(uid_before)} before, {short(uid_now)} now")
        return
    churn = [e for e in evidence.window("PersistentVolumeClaim", claim) if e.type in (ADDED, DELETED)]
    if churn:
        outcome.problems.append(f"claim {claim} was {churn[0].type.lower()} at rv {churn[0].rv} in between")
        return
    phase = (now.get("status") or {}).get("phase")
    if phase != "Bound":
        outcome.problems.append(f"claim {claim} is {phase or 'not Bound'}")
        return
    volume = (now.get("spec") or {}).get("volumeName")
    outcome.facts.append(f"claim {claim}: uid {short(uid_now)} before and after, {phase} to {volume}")


def _stable_identity(evidence: Evidence, args: Args) -> Outcome:
    names = _list(args, "pods")
    outcome = Outcome([], [f"{n} deleted, a new {n} (same name, new uid) Running and Ready, mounting the same claim "
                           "(same uid)" for n in names])
    for name in names:
        found = _replacement(evidence, name, outcome)
        if found is None:
            continue
        before, _, new, ready = found
        old_claims, new_claims = _claims_of(before), _claims_of(ready.object)
        if not old_claims:
            outcome.problems.append(f"{name} mounted no PersistentVolumeClaim")
        elif old_claims != new_claims:
            outcome.problems.append(f"the new {name} mounts {', '.join(new_claims) or 'no claim'}, the old one "
                                    f"{', '.join(old_claims)}")
        outcome.facts.append(f"{name}: uid {short(before['metadata']['uid'])} → {short(new.uid)}, "
                             f"claims {', '.join(new_claims)}")
        for claim in old_claims:
            _claim_kept(evidence, claim, outcome)
    return outcome


def _claims_kept(evidence: Evidence, args: Args) -> Outcome:
    names = _list(args, "pods")
    outcome = Outcome([], [f"{n} deleted, its claims still there (same uid, Bound)" for n in names])
    ends = _terminations(evidence, names, outcome)
    for name in ends:
        claims = _claims_of(evidence.before("Pod", name) or {})
        if not claims:
            outcome.problems.append(f"{name} mounted no PersistentVolumeClaim")
        for claim in claims:
            _claim_kept(evidence, claim, outcome)
    return outcome


def _rolling_update(evidence: Evidence, args: Args) -> Outcome:
    names, image = _list(args, "pods"), args["image"]
    expected = []
    for name in names:
        expected += [f"{name} starts terminating", f"new {name} ({image}) Running and Ready"]
    outcome = Outcome([], expected)
    # Every name is looked up (each one missing is a problem of its own); those found are kept.
    found = {n: r for n in names if (r := _replacement(evidence, n, outcome)) is not None}
    if outcome.problems:
        return outcome
    for name in names:
        new, ready = found[name].new, found[name].ready
        started, _ = termination(evidence, name, found[name].before["metadata"]["uid"])
        if image not in images(new.object):
            outcome.problems.append(f"the new {name} runs {', '.join(images(new.object))}, not {image}")
        outcome.facts.append(f"{name}: terminating from rv {started.rv if started else '?'}, new uid {short(new.uid)} "
                             f"created at rv {new.rv}, Running and Ready at rv {ready.rv}")
    for previous, name in pairwise(names):
        started, _ = termination(evidence, name, found[name].before["metadata"]["uid"])
        ready_previous = found[previous].ready
        if started is not None and started.rv < ready_previous.rv:
            outcome.problems.append(f"{name} started terminating (rv {started.rv}) before the new {previous} was "
                                    f"Running and Ready (rv {ready_previous.rv})")
    return outcome


def _partition(evidence: Evidence, args: Args) -> Outcome:
    name, image = args["pod"], args["image"]
    outcome = Outcome([], [f"{name} deleted", f"new {name} created from the old version ({image}) although the "
                                               "template says otherwise, because its ordinal is below the partition"])
    found = _replacement(evidence, name, outcome)
    if found is None:
        return outcome
    new = found.new
    if image not in images(new.object):
        outcome.problems.append(f"the new {name} runs {', '.join(images(new.object))}, not {image}")
    owner = controller(new.object)
    sts = evidence.state("StatefulSet", owner["name"], new.rv) if owner and owner.get("kind") == "StatefulSet" else None
    if owner is None or sts is None:
        outcome.problems.append(f"the new {name} has no StatefulSet as its controller")
        return outcome
    spec = sts.get("spec") or {}
    partition = ((spec.get("updateStrategy") or {}).get("rollingUpdate") or {}).get("partition")
    number = ordinal(name)
    if partition is None or number is None or number >= int(partition):
        outcome.problems.append(f"{name}'s ordinal {number} is not below the partition ({partition})")
    if image in (spec.get("images") or []):
        outcome.problems.append(f"the StatefulSet's template already has {image}: nothing shows the partition at work")
    outcome.facts.append(f"{name}: new uid {short(new.uid)} runs {', '.join(images(new.object))}; StatefulSet "
                         f"{owner['name']} partition {partition}, template {', '.join(spec.get('images') or [])}")
    return outcome


def _adopted(evidence: Evidence, args: Args) -> Outcome:
    names = _list(args, "pods")
    outcome = Outcome([], [f"{n}, orphaned, keeps its uid and gets the new StatefulSet as its controller" for n in names])
    for name in names:
        before = evidence.before("Pod", name)
        if before is None:
            outcome.problems.append(f"{name} did not exist when the watch began")
            continue
        uid = before["metadata"]["uid"]
        old_owner = controller(before)
        if old_owner is not None:
            outcome.problems.append(f"{name} still had a controller when the watch began ({old_owner['name']})")
            continue
        adoption = _adoption(evidence, name, uid)
        if adoption is None:
            outcome.problems.append(f"{name} (uid {short(uid)}) never got a StatefulSet as its controller")
            continue
        owner = controller(adoption.object) or {}
        made = evidence.first(_is(ADDED, owner.get("uid")), "StatefulSet", owner.get("name"))
        if made is None:
            outcome.problems.append(f"{name}'s new controller {owner.get('name')} (uid {short(owner.get('uid', ''))}) "
                                    "was not created after the watch began")
        gone = evidence.first(_is(DELETED, uid), "Pod", name, after=None)
        if gone is not None and gone.rv < adoption.rv:
            outcome.problems.append(f"{name} was deleted (rv {gone.rv}) before it was adopted")
        outcome.facts.append(f"{name}: uid {short(uid)} adopted at rv {adoption.rv} by StatefulSet "
                             f"{owner.get('name')} uid {short(owner.get('uid', ''))}")
    return outcome


def _adoption(evidence: Evidence, name: str, uid: str) -> Event | None:
    return evidence.first(lambda e: e.uid == uid and e.type != DELETED and (controller(e.object) or {}).get("kind")
                          == "StatefulSet", "Pod", name)


def _adoptions(evidence: Evidence, args: Args) -> bool:
    for name in _list(args, "pods"):
        before = evidence.before("Pod", name)
        if before is None or _adoption(evidence, name, before["metadata"]["uid"]) is None:
            return False
    return True


# --- Services ----------------------------------------------------------------------------------------

def _service(evidence: Evidence, args: Args, outcome: Outcome) -> dict[str, Any] | None:
    service = evidence.state("Service", args["service"])
    if service is None:
        outcome.problems.append(f"Service {args['service']} does not exist")
    return service


def _node_port(evidence: Evidence, args: Args) -> Outcome:
    outcome = Outcome([], [f"every port of Service {args['service']} has a node port in "
                           f"{NODE_PORTS.start}-{NODE_PORTS.stop - 1}"])
    service = _service(evidence, args, outcome)
    if service is None:
        return outcome
    spec = service["spec"]
    for port in spec.get("ports") or []:
        node_port = port.get("nodePort")
        if node_port is None or int(node_port) not in NODE_PORTS:
            outcome.problems.append(f"port {port.get('port')} has node port {node_port}, not one in the range")
        else:
            outcome.facts.append(f"{spec.get('type')} Service {args['service']}: port {port.get('port')} → node port "
                                 f"{node_port}, in {NODE_PORTS.start}-{NODE_PORTS.stop - 1}")
    return outcome


def _health_check_node_port(evidence: Evidence, args: Args) -> Outcome:
    outcome = Outcome([], [f"Service {args['service']} with externalTrafficPolicy Local has a healthCheckNodePort in "
                           f"{NODE_PORTS.start}-{NODE_PORTS.stop - 1}, apart from its node ports"])
    service = _service(evidence, args, outcome)
    if service is None:
        return outcome
    spec = service["spec"]
    port, node_ports = spec.get("healthCheckNodePort"), {p.get("nodePort") for p in spec.get("ports") or []}
    if spec.get("externalTrafficPolicy") != "Local":
        outcome.problems.append(f"externalTrafficPolicy is {spec.get('externalTrafficPolicy')}, not Local")
    elif port is None or int(port) not in NODE_PORTS or port in node_ports:
        outcome.problems.append(f"healthCheckNodePort is {port}: not a port of its own in the node port range")
    else:
        earlier = [e for e in evidence.history("Service", args["service"]) if e.type != DELETED
                   and (e.object.get("spec") or {}).get("externalTrafficPolicy") != "Local"]
        note = " (it had none while the policy was Cluster)" if earlier and all(
            "healthCheckNodePort" not in e.object["spec"] for e in earlier) else ""
        outcome.facts.append(f"{spec.get('type')} Service {args['service']}: healthCheckNodePort {port}{note}")
    return outcome


def _selected(evidence: Evidence, selector: str) -> dict[str, dict[str, Any]]:
    wanted = dict(part.split("=", 1) for part in selector.split(",") if "=" in part)
    return {name: pod for name, pod in evidence.objects("Pod").items() if not terminating(pod)
            and all(((pod.get("metadata") or {}).get("labels") or {}).get(k) == v for k, v in wanted.items())}


def _listed(evidence: Evidence, service: str) -> dict[str, dict[str, Any]]:
    """The Ready Pod endpoints in the Service's EndpointSlices, by Pod name."""
    found: dict[str, dict[str, Any]] = {}
    for slice_ in evidence.objects("EndpointSlice").values():
        if ((slice_.get("metadata") or {}).get("labels") or {}).get(SERVICE_NAME_LABEL) != service:
            continue
        for endpoint in slice_.get("endpoints") or []:
            target = endpoint.get("targetRef") or {}
            name = target.get("name")
            if target.get("kind") == "Pod" and endpoint.get("ready") and name:  # a Pod reference always names it
                found[name] = endpoint
    return found


def _endpoints(evidence: Evidence, args: Args) -> Outcome:
    service, selector = args["service"], args["selector"]
    outcome = Outcome([], [f"the EndpointSlices of Service {service} list exactly the Ready Pods selected by {selector}"])
    pods, listed = _selected(evidence, selector), _listed(evidence, service)
    if not pods:
        outcome.problems.append(f"no Pod matches {selector}")
    extra, missing = sorted(set(listed) - set(pods)), sorted(set(pods) - set(listed))
    if missing:
        outcome.problems.append(f"not listed: {', '.join(missing)}")
    if extra:
        outcome.problems.append(f"listed but not selected by {selector}: {', '.join(extra)}")
    outcome.facts = [f"endpoint {name} on node {endpoint.get('nodeName', '?')}" for name, endpoint in sorted(listed.items())]
    return outcome


def _endpoints_ready(evidence: Evidence, args: Args) -> bool:
    pods = _selected(evidence, args["selector"])
    return bool(pods) and set(pods) == set(_listed(evidence, args["service"]))


# --- AppArmor --------------------------------------------------------------------------------------

def _manifest(evidence: Evidence, args: Args, outcome: Outcome) -> dict[str, Any] | None:
    manifest = evidence.manifests.get(args["file"])
    if not isinstance(manifest, dict) or manifest.get("kind") != "Pod":
        outcome.problems.append(f"the page has no Pod manifest titled {args['file']}")
        return None
    return manifest


def _profiles(pod: dict[str, Any]) -> dict[str, Any]:
    """Where each AppArmor profile is set: 'pod' and each container's name."""
    spec = pod.get("spec") or {}
    found = {}
    if (spec.get("securityContext") or {}).get("appArmorProfile"):
        found["pod"] = spec["securityContext"]["appArmorProfile"]
    for container in spec.get("containers") or []:
        profile = (container.get("securityContext") or {}).get("appArmorProfile")
        if profile:
            found[f"container {container.get('name')}"] = profile
    return found


def _apparmor_profile(evidence: Evidence, args: Args) -> Outcome:
    outcome = Outcome([], [f"the Pod of {args['file']} stored with the appArmorProfile fields as written"])
    manifest = _manifest(evidence, args, outcome)
    if manifest is None:
        return outcome
    name = manifest["metadata"]["name"]
    stored = evidence.state("Pod", name)
    if stored is None:
        outcome.problems.append(f"Pod {name} was not stored")
        return outcome
    written, kept = _profiles(manifest), _profiles(stored)
    if not written:
        outcome.problems.append(f"{args['file']} sets no appArmorProfile")
    for where, profile in written.items():
        if kept.get(where) != profile:
            outcome.problems.append(f"{where}: written {profile}, stored {kept.get(where)}")
        else:
            outcome.facts.append(f"Pod {name}, {where}: appArmorProfile {profile} stored as written")
    return outcome


def _profile_of(reference: str) -> dict[str, str]:
    """The field value the API server copies an annotation's profile reference into."""
    if reference.startswith("localhost/"):
        return {"type": "Localhost", "localhostProfile": reference.removeprefix("localhost/")}
    return {"runtime/default": {"type": "RuntimeDefault"}, "unconfined": {"type": "Unconfined"}}.get(
        reference, {"type": f"?{reference}"})


def _apparmor_annotation(evidence: Evidence, args: Args) -> Outcome:
    name = args["pod"]
    outcome = Outcome([], [f"Pod {name} created with only the deprecated annotation: the annotation kept and its "
                           "profile copied into the container's appArmorProfile field"])
    stored = evidence.state("Pod", name)
    if stored is None:
        outcome.problems.append(f"Pod {name} was not stored")
        return outcome
    annotations = (stored.get("metadata") or {}).get("annotations") or {}
    if not annotations:
        outcome.problems.append(f"Pod {name} has no AppArmor annotation")
    profiles = _profiles(stored)
    for key, reference in annotations.items():
        container = key.rsplit("/", 1)[-1]
        field_value = profiles.get(f"container {container}")
        if field_value != _profile_of(reference):
            outcome.problems.append(f"annotation {key}: {reference}, but the field of container {container} is {field_value}")
        else:
            outcome.facts.append(f"Pod {name}: annotation {reference} → container {container} appArmorProfile {field_value}")
    return outcome


def _rejected(evidence: Evidence, args: Args) -> Outcome:
    name = args["pod"]
    outcome = Outcome([], [f"no Pod {name} is ever stored (the API server rejects it)"])
    stored = evidence.window("Pod", name)
    if stored:
        outcome.problems.append(f"Pod {name} was stored (uid {short(stored[0].uid)}, rv {stored[0].rv})")
    else:
        outcome.facts.append(f"no event for Pod {name} up to rv {evidence.last_rv()}")
    return outcome


def _stored(evidence: Evidence, name: str) -> bool:
    return evidence.state("Pod", name) is not None


POD, CLAIM, STS, SERVICE, SLICE = "Pod", "PersistentVolumeClaim", "StatefulSet", "Service", "EndpointSlice"

CHECKERS: dict[str, Checker] = {c.name: c for c in [
    Checker("ordered-creation", "the Pods are created in this order, each only after the one before it (and `after`, "
            "if given) is Running and Ready", ("pods",), ("after",), (POD,),
            lambda e, a: _ready_pods(e, _list(a, "pods")), _ordered_creation),
    Checker("ordered-deletion", "the Pods terminate in this order, one at a time: each starts terminating only after "
            "the one before it is gone", ("pods",), (), (POD,), lambda e, a: _gone(e, _list(a, "pods")), _ordered_deletion),
    Checker("parallel-creation", "the Pods are created without waiting for each other: all of them before any is "
            "Running and Ready", ("pods",), (), (POD,), lambda e, a: _ready_pods(e, _list(a, "pods")), _parallel_creation),
    Checker("parallel-deletion", "the Pods are deleted without waiting for each other: all start terminating before "
            "any is gone", ("pods",), (), (POD,), lambda e, a: _gone(e, _list(a, "pods")), _parallel_deletion),
    Checker("stable-identity", "each Pod is deleted and created again with the same name (a new uid) and mounts the "
            "same PersistentVolumeClaim (same uid, never deleted)", ("pods",), (), (POD, CLAIM),
            lambda e, a: _replaced(e, _list(a, "pods")), _stable_identity),
    Checker("claims-kept", "the Pods are gone and their PersistentVolumeClaims are still there, the same objects (same "
            "uid), Bound", ("pods",), (), (POD, CLAIM), lambda e, a: _gone(e, _list(a, "pods")), _claims_kept),
    Checker("rolling-update", "the Pods are replaced in this order by Pods running `image`, each only after the "
            "replacement before it is Running and Ready", ("pods", "image"), (), (POD, STS),
            lambda e, a: _replaced(e, _list(a, "pods")), _rolling_update),
    Checker("partition", "the Pod, deleted, is created again with `image` (the old version) because its ordinal is "
            "below the StatefulSet's partition", ("pod", "image"), (), (POD, STS),
            lambda e, a: _replaced(e, [a["pod"]]), _partition),
    Checker("adopted", "each orphaned Pod keeps its uid and gets the StatefulSet created since the watch began as its "
            "controller", ("pods",), (), (POD, STS), _adoptions, _adopted),
    Checker("node-port", "every port of the Service has a node port in the node port range (30000-32767)",
            ("service",), (), (SERVICE,), lambda e, a: _stored_service(e, a, "nodePort"), _node_port),
    Checker("health-check-node-port", "the Service, with externalTrafficPolicy Local, has a healthCheckNodePort of "
            "its own in the node port range", ("service",), (), (SERVICE,),
            lambda e, a: _stored_service(e, a, "healthCheckNodePort"), _health_check_node_port),
    Checker("endpoints", "the Service's EndpointSlices list exactly the Ready Pods the selector selects",
            ("service", "selector"), (), (SERVICE, SLICE, POD), _endpoints_ready, _endpoints),
    Checker("apparmor-profile", "the Pod of the page's manifest `file` is stored with its appArmorProfile fields as "
            "written", ("file",), (), (POD,), lambda e, a: _stored(e, _manifest_name(e, a)), _apparmor_profile),
    Checker("apparmor-annotation", "the Pod, created with the deprecated AppArmor annotation only, keeps the annotation "
            "and has its profile copied into the container's appArmorProfile field", ("pod",), (), (POD,),
            lambda e, a: _stored(e, a["pod"]), _apparmor_annotation),
    Checker("rejected", "no Pod of this name was ever stored: the API server rejected it", ("pod",), (), (POD,),
            lambda e, a: True, _rejected),
]}


def _stored_service(evidence: Evidence, args: Args, field_name: str) -> bool:
    service = evidence.state("Service", args["service"])
    if service is None:
        return False
    spec = service.get("spec") or {}
    if field_name == "nodePort":
        return all(p.get("nodePort") for p in spec.get("ports") or [])
    return spec.get("externalTrafficPolicy") == "Local" and bool(spec.get("healthCheckNodePort"))


def _manifest_name(evidence: Evidence, args: Args) -> str:
    manifest = evidence.manifests.get(args["file"])
    return str(((manifest or {}).get("metadata") or {}).get("name", "")) if isinstance(manifest, dict) else ""
