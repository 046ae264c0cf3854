"""The checkers behind `<!-- verify: claim=NAME … -->`: each reads the recorded events (`Evidence`)
and says whether the cluster did what the sentence before the comment says.

A checker is one function, registered where it is written (`@checker(…)`), that returns an
`Observation`: the problems it finds, each either a contradiction (the events say otherwise, and
no later event can change that) or an event it is still waiting for (`Observation.missing`). The
claim is decided as soon as there is a contradiction or nothing is missing (`Checker.ready`, what the
runner waits for on the recorder's watch, never with a fixed sleep); what is still missing when the
claim's time is up counts as a problem. Ordering is read as an ordered subsequence of events,
tolerant of everything else that happened in between, the way Kubernetes' own StatefulSet e2e tests
read a watch: web-1's ADDED must come after the event in which web-0 became Running and Ready,
whatever other events came between.

Adding a checker is one function with its `@checker(…)` line (and its line in docs/conventions.md).
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
#: The kinds of object whose events a checker reads.
POD, PVC, STS, SERVICE, SLICE = "Pod", "PersistentVolumeClaim", "StatefulSet", "Service", "EndpointSlice"


@dataclass
class Observation:
    """What a checker found: `problems` (empty when the claim holds; those at the indexes in `waiting` are
    events not seen yet), the order it expected, the facts that show it (on success too), the observed events."""

    problems: list[str]
    expected: list[str]
    facts: list[str] = field(default_factory=list)
    observed: list[str] = field(default_factory=list)
    waiting: set[int] = field(default_factory=set)

    def missing(self, problem: str) -> None:
        """An event the claim needs has not arrived (yet): a problem only if it never does."""
        self.waiting.add(len(self.problems))
        self.problems.append(problem)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def decided(self) -> bool:
        """Whether more events cannot change the answer: a contradiction was seen, or nothing is missing."""
        return len(self.waiting) < len(self.problems) or not self.waiting


Check = Callable[[Evidence, "Args"], Observation]


@dataclass(frozen=True)
class Checker:
    name: str
    summary: str  # what the claim asserts, for docs/conventions.md and `python -m verify claims`
    required: tuple[str, ...]
    optional: tuple[str, ...]
    kinds: tuple[str, ...]  # the kinds of object whose events it reads
    check: Check

    def ready(self, evidence: Evidence, args: Args) -> bool:
        """Whether the claim can be decided on these events (derived from `check` itself)."""
        return self.check(evidence, args).decided

    def observed(self, evidence: Evidence, args: Args) -> list[str]:
        names = _names(args)
        return sequence(evidence, self.kinds, names)


#: Every checker, by the name a page writes after `claim=`; `@checker` adds each one where it is written.
CHECKERS: dict[str, Checker] = {}


def checker(name: str, summary: str, required: tuple[str, ...], kinds: tuple[str, ...],
            optional: tuple[str, ...] = ()) -> Callable[[Check], Check]:
    """Register the decorated function as the checker `name`."""

    def register(check: Check) -> Check:
        CHECKERS[name] = Checker(name, summary, required, optional, kinds, check)
        return check

    return register


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


# --- StatefulSet ordering --------------------------------------------------------------------------

@checker("ordered-creation", "the Pods are created in this order, each only after the one before it (and `after`, "
         "if given) is Running and Ready", ("pods",), (POD,), optional=("after",))
def _ordered_creation(evidence: Evidence, args: Args) -> Observation:
    names, after = _list(args, "pods"), args.get("after")
    expected = [f"{after} Running and Ready"] if after else []
    for name in names:
        expected += [f"{name} created", f"{name} Running and Ready"]
    observation = Observation([], expected)
    made, ready = _created_and_ready(evidence, names, observation)
    if observation.problems:
        return observation
    for previous, name in pairwise(names):
        if made[name].rv < ready[previous].rv:
            observation.problems.append(f"{name} was created (rv {made[name].rv}) before {previous} was Running and Ready "
                                    f"(rv {ready[previous].rv})")
    if after:
        state = evidence.state("Pod", after, made[names[0]].rv)
        if state is None or not running_and_ready(state) or terminating(state):
            observation.problems.append(f"{names[0]} was created (rv {made[names[0]].rv}) while {after} was "
                                    f"{pod_state(state) if state else 'absent'}, not Running and Ready")
    observation.facts = [f"{n} created at rv {made[n].rv}, Running and Ready at rv {ready[n].rv}" for n in names]
    return observation


def _created_and_ready(evidence: Evidence, names: list[str],
                       observation: Observation) -> tuple[dict[str, Event], dict[str, Event]]:
    """Each Pod's ADDED event and the event at which it became Running and Ready, by name; a Pod that lacks
    either is a problem in `observation` and is left out of both."""
    made: dict[str, Event] = {}
    ready: dict[str, Event] = {}
    for name in names:
        added = created(evidence, name)
        if added is None:
            observation.missing(f"{name} was not created after the watch began")
            continue
        became = became_ready(evidence, added)
        if became is None:
            observation.missing(f"{name} (uid {short(added.uid)}) never became Running and Ready")
            continue
        made[name], ready[name] = added, became
    return made, ready


@checker("ordered-deletion", "the Pods terminate in this order, one at a time: each starts terminating only after "
         "the one before it is gone", ("pods",), (POD,))
def _ordered_deletion(evidence: Evidence, args: Args) -> Observation:
    names = _list(args, "pods")
    expected = []
    for name in names:
        expected += [f"{name} starts terminating", f"{name} is gone"]
    observation = Observation([], expected)
    ends = _terminations(evidence, names, observation)
    if observation.problems:
        return observation
    for previous, name in pairwise(names):
        if ends[name][0].rv < ends[previous][1].rv:
            observation.problems.append(f"{name} started terminating (rv {ends[name][0].rv}) while {previous} still existed "
                                    f"(gone at rv {ends[previous][1].rv})")
    observation.facts = [f"{n} terminating from rv {ends[n][0].rv}, gone at rv {ends[n][1].rv}" for n in names]
    return observation


def _terminations(evidence: Evidence, names: list[str], observation: Observation) -> dict[str, tuple[Event, Event]]:
    ends: dict[str, tuple[Event, Event]] = {}
    for name in names:
        before = evidence.before("Pod", name)
        if before is None:
            observation.problems.append(f"{name} did not exist when the watch began")
            continue
        uid = before["metadata"]["uid"]
        started, gone = termination(evidence, name, uid)
        if started is None or gone is None:
            observation.missing(f"{name} (uid {short(uid)}) was {'never deleted' if started is None else 'not gone'}")
            continue
        ends[name] = (started, gone)
    return ends


@checker("parallel-creation", "the Pods are created without waiting for each other: all of them before any is "
         "Running and Ready", ("pods",), (POD,))
def _parallel_creation(evidence: Evidence, args: Args) -> Observation:
    names = _list(args, "pods")
    observation = Observation([], [f"{', '.join(names)} all created before any of them is Running and Ready"])
    made = {n: e for n in names if (e := created(evidence, n)) is not None}
    missing = [n for n in names if n not in made]
    if missing:
        observation.missing(f"{', '.join(missing)} not created after the watch began")
        return observation
    ready = {n: e for n in names if (e := became_ready(evidence, made[n])) is not None}  # those that did, in order
    for name in names:
        if name not in ready:
            observation.missing(f"{name} (uid {short(made[name].uid)}) never became Running and Ready")
    last = max(names, key=lambda n: made[n].rv)
    first_ready = min(ready, key=lambda n: ready[n].rv, default=None)
    if first_ready is not None and ready[first_ready].rv < made[last].rv:
        observation.problems.append(f"{last} was created (rv {made[last].rv}) only after {first_ready} was Running and "
                                f"Ready (rv {ready[first_ready].rv}): the controller waited for it")
    observation.facts = [f"{n} created at rv {made[n].rv}" + (f", Running and Ready at rv {ready[n].rv}" if n in ready else "")
                     for n in names]
    return observation


@checker("parallel-deletion", "the Pods are deleted without waiting for each other: all start terminating before "
         "any is gone", ("pods",), (POD,))
def _parallel_deletion(evidence: Evidence, args: Args) -> Observation:
    names = _list(args, "pods")
    observation = Observation([], [f"{', '.join(names)} all start terminating before any of them is gone"])
    ends = _terminations(evidence, names, observation)
    if observation.problems:
        return observation
    last = max(names, key=lambda n: ends[n][0].rv)
    first_gone = min(names, key=lambda n: ends[n][1].rv)
    if ends[last][0].rv > ends[first_gone][1].rv:
        observation.problems.append(f"{last} started terminating (rv {ends[last][0].rv}) only after {first_gone} was gone "
                                f"(rv {ends[first_gone][1].rv}): one was deleted after the other")
    observation.facts = [f"{n} terminating from rv {ends[n][0].rv}, gone at rv {ends[n][1].rv}" for n in names]
    return observation


# --- identity, storage, updates --------------------------------------------------------------------

class Replacement(NamedTuple):
    """A Pod deleted and created again under the same name."""

    before: dict[str, Any]  # the old Pod as the window began
    gone: Event  # the old Pod's DELETED event
    new: Event  # the replacement's ADDED event
    ready: Event  # the event at which the replacement became Running and Ready


def _replacement(evidence: Evidence, name: str, observation: Observation) -> Replacement | None:
    """The Pod `name` as the window began, when it was gone, its replacement's ADDED and Ready events."""
    before = evidence.before("Pod", name)
    if before is None:
        observation.problems.append(f"{name} did not exist when the watch began")
        return None
    uid = before["metadata"]["uid"]
    _, gone = termination(evidence, name, uid)
    if gone is None:
        observation.missing(f"{name} (uid {short(uid)}) was not deleted")
        return None
    new = evidence.first(_added_other_than(uid), "Pod", name, after=gone.rv)
    if new is None:
        observation.missing(f"{name} was not created again after it was deleted")
        return None
    ready = became_ready(evidence, new)
    while ready is None:
        # The controller may delete a replacement before it ran and make another (seen on a busy machine):
        # the replacement is the one that ran.
        _, retired = termination(evidence, name, new.uid)
        later = evidence.first(_added_other_than(new.uid), "Pod", name, after=retired.rv) if retired else None
        if later is None:
            break
        new, ready = later, became_ready(evidence, later)
    if ready is None:
        observation.missing(f"the new {name} (uid {short(new.uid)}) never became Running and Ready")
        return None
    return Replacement(before, gone, new, ready)


def _pvcs_of(pod: dict[str, Any]) -> list[str]:
    return list((pod.get("spec") or {}).get("claims") or [])


def _pvc_kept(evidence: Evidence, claim: str, observation: Observation) -> None:
    before, now = evidence.before("PersistentVolumeClaim", claim), evidence.state("PersistentVolumeClaim", claim)
    if before is None:
        observation.problems.append(f"PersistentVolumeClaim {claim} did not exist when the watch began")
        return
    if now is None:
        observation.problems.append(f"PersistentVolumeClaim {claim} (uid {short(before['metadata']['uid'])}) was deleted")
        return
    uid_before, uid_now = before["metadata"]["uid"], now["metadata"]["uid"]
    if uid_before != uid_now:
        observation.problems.append(f"PersistentVolumeClaim {claim} is another object now: uid {short(uid_before)} before, "
                                    f"{short(uid_now)} now")
        return
    churn = [e for e in evidence.window("PersistentVolumeClaim", claim) if e.type in (ADDED, DELETED)]
    if churn:
        observation.problems.append(f"PersistentVolumeClaim {claim} was {churn[0].type.lower()} at rv {churn[0].rv} in "
                                    "between")
        return
    phase = (now.get("status") or {}).get("phase")
    if phase != "Bound":
        observation.problems.append(f"PersistentVolumeClaim {claim} is {phase or 'not Bound'}")
        return
    volume = (now.get("spec") or {}).get("volumeName")
    observation.facts.append(f"PersistentVolumeClaim {claim}: uid {short(uid_now)} before and after, {phase} to {volume}")


@checker("stable-identity", "each Pod is deleted and created again with the same name (a new uid) and mounts the "
         "same PersistentVolumeClaim (same uid, never deleted)", ("pods",), (POD, PVC))
def _stable_identity(evidence: Evidence, args: Args) -> Observation:
    names = _list(args, "pods")
    observation = Observation([], [f"{n} deleted, a new {n} (same name, new uid) Running and Ready, mounting the same claim "
                           "(same uid)" for n in names])
    for name in names:
        found = _replacement(evidence, name, observation)
        if found is None:
            continue
        before, _, new, ready = found
        old_claims, new_claims = _pvcs_of(before), _pvcs_of(ready.object)
        if not old_claims:
            observation.problems.append(f"{name} mounted no PersistentVolumeClaim")
        elif old_claims != new_claims:
            observation.problems.append(f"the new {name} mounts {', '.join(new_claims) or 'no claim'}, the old one "
                                    f"{', '.join(old_claims)}")
        observation.facts.append(f"{name}: uid {short(before['metadata']['uid'])} → {short(new.uid)}, "
                             f"claims {', '.join(new_claims)}")
        for claim in old_claims:
            _pvc_kept(evidence, claim, observation)
    return observation


@checker("pvcs-kept", "the Pods are gone and their PersistentVolumeClaims are still there, the same objects (same "
         "uid), Bound", ("pods",), (POD, PVC))
def _pvcs_kept(evidence: Evidence, args: Args) -> Observation:
    names = _list(args, "pods")
    observation = Observation([], [f"{n} deleted, its claims still there (same uid, Bound)" for n in names])
    ends = _terminations(evidence, names, observation)
    for name in ends:
        claims = _pvcs_of(evidence.before("Pod", name) or {})
        if not claims:
            observation.problems.append(f"{name} mounted no PersistentVolumeClaim")
        for claim in claims:
            _pvc_kept(evidence, claim, observation)
    return observation


@checker("rolling-update", "the Pods are replaced in this order by Pods running `image`, each only after the "
         "replacement before it is Running and Ready", ("pods", "image"), (POD, STS))
def _rolling_update(evidence: Evidence, args: Args) -> Observation:
    names, image = _list(args, "pods"), args["image"]
    expected = []
    for name in names:
        expected += [f"{name} starts terminating", f"new {name} ({image}) Running and Ready"]
    observation = Observation([], expected)
    # Every name is looked up (each one missing is a problem of its own); those found are kept.
    found = {n: r for n in names if (r := _replacement(evidence, n, observation)) is not None}
    if observation.problems:
        return observation
    for name in names:
        new, ready = found[name].new, found[name].ready
        started, _ = termination(evidence, name, found[name].before["metadata"]["uid"])
        if image not in images(new.object):
            observation.problems.append(f"the new {name} runs {', '.join(images(new.object))}, not {image}")
        observation.facts.append(f"{name}: terminating from rv {started.rv if started else '?'}, new uid {short(new.uid)} "
                             f"created at rv {new.rv}, Running and Ready at rv {ready.rv}")
    for previous, name in pairwise(names):
        started, _ = termination(evidence, name, found[name].before["metadata"]["uid"])
        ready_previous = found[previous].ready
        if started is not None and started.rv < ready_previous.rv:
            observation.problems.append(f"{name} started terminating (rv {started.rv}) before the new {previous} was "
                                    f"Running and Ready (rv {ready_previous.rv})")
    return observation


@checker("partition", "the Pod, deleted, is created again with `image` (the old version) because its ordinal is "
         "below the StatefulSet's partition", ("pod", "image"), (POD, STS))
def _partition(evidence: Evidence, args: Args) -> Observation:
    name, image = args["pod"], args["image"]
    observation = Observation([], [f"{name} deleted", f"new {name} created from the old version ({image}) although the "
                                               "template says otherwise, because its ordinal is below the partition"])
    found = _replacement(evidence, name, observation)
    if found is None:
        return observation
    new = found.new
    if image not in images(new.object):
        observation.problems.append(f"the new {name} runs {', '.join(images(new.object))}, not {image}")
    owner = controller(new.object)
    sts = evidence.state("StatefulSet", owner["name"], new.rv) if owner and owner.get("kind") == "StatefulSet" else None
    if owner is None or sts is None:
        observation.problems.append(f"the new {name} has no StatefulSet as its controller")
        return observation
    spec = sts.get("spec") or {}
    partition = ((spec.get("updateStrategy") or {}).get("rollingUpdate") or {}).get("partition")
    number = ordinal(name)
    if partition is None or number is None or number >= int(partition):
        observation.problems.append(f"{name}'s ordinal {number} is not below the partition ({partition})")
    if image in (spec.get("images") or []):
        observation.problems.append(f"the StatefulSet's template already has {image}: nothing shows the partition at work")
    observation.facts.append(f"{name}: new uid {short(new.uid)} runs {', '.join(images(new.object))}; StatefulSet "
                         f"{owner['name']} partition {partition}, template {', '.join(spec.get('images') or [])}")
    return observation


@checker("adopted", "each orphaned Pod keeps its uid and gets the StatefulSet created since the watch began as its "
         "controller", ("pods",), (POD, STS))
def _adopted(evidence: Evidence, args: Args) -> Observation:
    names = _list(args, "pods")
    observation = Observation([], [f"{n}, orphaned, keeps its uid and gets the new StatefulSet as its controller" for n in names])
    for name in names:
        before = evidence.before("Pod", name)
        if before is None:
            observation.problems.append(f"{name} did not exist when the watch began")
            continue
        uid = before["metadata"]["uid"]
        old_owner = controller(before)
        if old_owner is not None:
            observation.problems.append(f"{name} still had a controller when the watch began ({old_owner['name']})")
            continue
        adoption = _adoption(evidence, name, uid)
        if adoption is None:
            observation.missing(f"{name} (uid {short(uid)}) never got a StatefulSet as its controller")
            continue
        owner = controller(adoption.object) or {}
        made = evidence.first(_is(ADDED, owner.get("uid")), "StatefulSet", owner.get("name"))
        if made is None:
            observation.problems.append(f"{name}'s new controller {owner.get('name')} (uid {short(owner.get('uid', ''))}) "
                                    "was not created after the watch began")
        gone = evidence.first(_is(DELETED, uid), "Pod", name, after=None)
        if gone is not None and gone.rv < adoption.rv:
            observation.problems.append(f"{name} was deleted (rv {gone.rv}) before it was adopted")
        observation.facts.append(f"{name}: uid {short(uid)} adopted at rv {adoption.rv} by StatefulSet "
                             f"{owner.get('name')} uid {short(owner.get('uid', ''))}")
    return observation


def _adoption(evidence: Evidence, name: str, uid: str) -> Event | None:
    return evidence.first(lambda e: e.uid == uid and e.type != DELETED and (controller(e.object) or {}).get("kind")
                          == "StatefulSet", "Pod", name)


# --- Services ----------------------------------------------------------------------------------------

def _service(evidence: Evidence, args: Args, observation: Observation) -> dict[str, Any] | None:
    service = evidence.state("Service", args["service"])
    if service is None:
        observation.missing(f"Service {args['service']} does not exist")
    return service


@checker("node-port", "every port of the Service has a node port in the node port range (30000-32767)",
         ("service",), (SERVICE,))
def _node_port(evidence: Evidence, args: Args) -> Observation:
    observation = Observation([], [f"every port of Service {args['service']} has a node port in "
                           f"{NODE_PORTS.start}-{NODE_PORTS.stop - 1}"])
    service = _service(evidence, args, observation)
    if service is None:
        return observation
    spec = service["spec"]
    for port in spec.get("ports") or []:
        node_port = port.get("nodePort")
        if node_port is None:
            observation.missing(f"port {port.get('port')} has no node port")
        elif int(node_port) not in NODE_PORTS:
            observation.problems.append(f"port {port.get('port')} has node port {node_port}, not one in the range")
        else:
            observation.facts.append(f"{spec.get('type')} Service {args['service']}: port {port.get('port')} → node port "
                                 f"{node_port}, in {NODE_PORTS.start}-{NODE_PORTS.stop - 1}")
    return observation


@checker("health-check-node-port", "the Service, with externalTrafficPolicy Local, has a healthCheckNodePort of "
         "its own in the node port range", ("service",), (SERVICE,))
def _health_check_node_port(evidence: Evidence, args: Args) -> Observation:
    observation = Observation([], [f"Service {args['service']} with externalTrafficPolicy Local has a healthCheckNodePort in "
                           f"{NODE_PORTS.start}-{NODE_PORTS.stop - 1}, apart from its node ports"])
    service = _service(evidence, args, observation)
    if service is None:
        return observation
    spec = service["spec"]
    port, node_ports = spec.get("healthCheckNodePort"), {p.get("nodePort") for p in spec.get("ports") or []}
    if spec.get("externalTrafficPolicy") != "Local":
        observation.missing(f"externalTrafficPolicy is {spec.get('externalTrafficPolicy')}, not Local")
    elif port is None:
        observation.missing(f"healthCheckNodePort is {port}: not a port of its own in the node port range")
    elif int(port) not in NODE_PORTS or port in node_ports:
        observation.problems.append(f"healthCheckNodePort is {port}: not a port of its own in the node port range")
    else:
        earlier = [e for e in evidence.history("Service", args["service"]) if e.type != DELETED
                   and (e.object.get("spec") or {}).get("externalTrafficPolicy") != "Local"]
        note = " (it had none while the policy was Cluster)" if earlier and all(
            "healthCheckNodePort" not in e.object["spec"] for e in earlier) else ""
        observation.facts.append(f"{spec.get('type')} Service {args['service']}: healthCheckNodePort {port}{note}")
    return observation


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


@checker("endpoints", "the Service's EndpointSlices list exactly the Ready Pods the selector selects",
         ("service", "selector"), (SERVICE, SLICE, POD))
def _endpoints(evidence: Evidence, args: Args) -> Observation:
    service, selector = args["service"], args["selector"]
    observation = Observation([], [f"the EndpointSlices of Service {service} list exactly the Ready Pods selected by {selector}"])
    pods, listed = _selected(evidence, selector), _listed(evidence, service)
    if not pods:
        observation.missing(f"no Pod matches {selector}")
    extra, missing = sorted(set(listed) - set(pods)), sorted(set(pods) - set(listed))
    if missing:
        observation.missing(f"not listed: {', '.join(missing)}")
    if extra:
        observation.missing(f"listed but not selected by {selector}: {', '.join(extra)}")
    observation.facts = [f"endpoint {name} on node {endpoint.get('nodeName', '?')}" for name, endpoint in sorted(listed.items())]
    return observation


# --- AppArmor --------------------------------------------------------------------------------------

def _manifest(evidence: Evidence, args: Args, observation: Observation) -> dict[str, Any] | None:
    manifest = evidence.manifests.get(args["file"])
    if not isinstance(manifest, dict) or manifest.get("kind") != "Pod":
        observation.problems.append(f"the page has no Pod manifest titled {args['file']}")
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


@checker("apparmor-profile", "the Pod of the page's manifest `file` is stored with its appArmorProfile fields as "
         "written", ("file",), (POD,))
def _apparmor_profile(evidence: Evidence, args: Args) -> Observation:
    observation = Observation([], [f"the Pod of {args['file']} stored with the appArmorProfile fields as written"])
    manifest = _manifest(evidence, args, observation)
    if manifest is None:
        return observation
    name = manifest["metadata"]["name"]
    stored = evidence.state("Pod", name)
    if stored is None:
        observation.missing(f"Pod {name} was not stored")
        return observation
    written, kept = _profiles(manifest), _profiles(stored)
    if not written:
        observation.problems.append(f"{args['file']} sets no appArmorProfile")
    for where, profile in written.items():
        if kept.get(where) != profile:
            observation.problems.append(f"{where}: written {profile}, stored {kept.get(where)}")
        else:
            observation.facts.append(f"Pod {name}, {where}: appArmorProfile {profile} stored as written")
    return observation


def _profile_of(reference: str) -> dict[str, str]:
    """The field value the API server copies an annotation's profile reference into."""
    if reference.startswith("localhost/"):
        return {"type": "Localhost", "localhostProfile": reference.removeprefix("localhost/")}
    return {"runtime/default": {"type": "RuntimeDefault"}, "unconfined": {"type": "Unconfined"}}.get(
        reference, {"type": f"?{reference}"})


@checker("apparmor-annotation", "the Pod, created with the deprecated AppArmor annotation only, keeps the annotation "
         "and has its profile copied into the container's appArmorProfile field", ("pod",), (POD,))
def _apparmor_annotation(evidence: Evidence, args: Args) -> Observation:
    name = args["pod"]
    observation = Observation([], [f"Pod {name} created with only the deprecated annotation: the annotation kept and its "
                           "profile copied into the container's appArmorProfile field"])
    stored = evidence.state("Pod", name)
    if stored is None:
        observation.missing(f"Pod {name} was not stored")
        return observation
    annotations = (stored.get("metadata") or {}).get("annotations") or {}
    if not annotations:
        observation.problems.append(f"Pod {name} has no AppArmor annotation")
    profiles = _profiles(stored)
    for key, reference in annotations.items():
        container = key.rsplit("/", 1)[-1]
        field_value = profiles.get(f"container {container}")
        if field_value != _profile_of(reference):
            observation.problems.append(f"annotation {key}: {reference}, but the field of container {container} is {field_value}")
        else:
            observation.facts.append(f"Pod {name}: annotation {reference} → container {container} appArmorProfile {field_value}")
    return observation


@checker("rejected", "no Pod of this name was ever stored: the API server rejected it", ("pod",), (POD,))
def _rejected(evidence: Evidence, args: Args) -> Observation:
    name = args["pod"]
    observation = Observation([], [f"no Pod {name} is ever stored (the API server rejects it)"])
    stored = evidence.window("Pod", name)
    if stored:
        observation.problems.append(f"Pod {name} was stored (uid {short(stored[0].uid)}, rv {stored[0].rv})")
    else:
        observation.facts.append(f"no event for Pod {name} up to rv {evidence.last_rv()}")
    return observation
