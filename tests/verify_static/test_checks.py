"""The pieces of the static checks, one behaviour at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.confinement.process import Confined
from verify.confinement.sandbox import required
from verify.directives import DirectiveError, build, parse_options
from verify.model import Location, Output, Step, StepKind
from verify.shellcode.invocations import kubectl_invocations
from verify.static.commands import parse_patch, payload_problem
from verify.static.kubectl import find_kubectl, run_one
from verify.static.outputs import check_header, check_messages

HERE = Path("page.md")

CONFINED = Confined(required())  # kubectl on a page's arguments runs sandboxed, as in the static tier


def args_of(command: str) -> list[tuple[str, ...]]:
    return [inv.args for inv in kubectl_invocations(command)]


# -- finding kubectl in a command ------------------------------------------------------------------
@pytest.mark.parametrize(
    "command, expected",
    [
        ('for i in 0 1; do kubectl exec "web-$i" -- sh -c \'echo "$(hostname)"\'; done',
         [("exec", "web-0", "--", "sh", "-c", 'echo "$(hostname)"')]),
        ("for i in {0..2}; do kubectl get pod web-$i; done", [("get", "pod", "web-0")]),
        ("kubectl delete pod <pod_name>", [("delete", "pod", "x")]),
        ("echo $(kubectl get pods -o name)", [("get", "pods", "-o", "name")]),
        ("POD=$(kubectl get pod -l app=nginx -o name) && kubectl exec $POD -- hostname",
         [("get", "pod", "-l", "app=nginx", "-o", "name"), ("exec", "x", "--", "hostname")]),
        ("kubectl get pods -n kube-system | grep kube-state 2>&1", [("get", "pods", "-n", "kube-system")]),
        ("cat <<EOF | kubectl apply -f -\nkind: Pod\nEOF", [("apply", "-f", "-")]),
        ("kubectl get pod web-0 --template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'",
         [("get", "pod", "web-0", "--template", "{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}")]),
        ("kubectl get pod ${POD:-web-1}", [("get", "pod", "web-1")]),
        ("curl -s http://localhost:8080", []),
        ("kubectl scale sts web --replicas=$N", [("scale", "sts", "web", "--replicas=1")]),
        ("kubectl wait pod/web-0 --for=delete --timeout $T", [("wait", "pod/web-0", "--for=delete", "--timeout", "1s")]),
        ("sudo -u admin kubectl get pods", [("get", "pods")]),
        ("timeout 10 kubectl get pods -w", [("get", "pods", "-w")]),
        ("env KUBECONFIG=k kubectl get pods", [("get", "pods")]),
        ("A=1 watch -n 2 kubectl get pods", [("get", "pods")]),
        ("until kubectl get pod web-0; do sleep 1; done", [("get", "pod", "web-0")]),
        ("kubectl logs web-0 2>&1 >logs.txt", [("logs", "web-0")]),
        ("kubectl get pods > pods.txt 2> /dev/null", [("get", "pods")]),
        ("command -v kubectl", []),
    ],
)
def test_kubectl_invocations_are_cut_out_and_made_concrete(command: str, expected: list) -> None:
    assert args_of(command) == expected


# -- what kubectl itself says ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def kubectl() -> str:
    path = find_kubectl()
    assert path is not None
    return path


@pytest.mark.parametrize(
    "args, ok, words",
    [
        (("get", "pods", "-l", "app=nginx"), True, "tried the API server"),
        (("apply", "-f", "web.yaml"), True, "does not exist"),
        (("apply", "-f", "https://k8s.io/examples/application/web/web.yaml"), True, "tried the API server"),
        (("get", "pods", "--replica=3"), False, "unknown flag: --replica"),
        (("gett", "pods"), False, 'unknown command "gett"'),
        (("scale", "statefulset", "web"), False, "required flag(s) \"replicas\" not set"),
        (("delete", "statefulset", "web", "--cascade=sometimes"), False, "cascade"),
    ],
)
def test_the_real_kubectl_separates_syntax_errors_from_a_missing_cluster(kubectl: str, args: tuple, ok: bool, words: str) -> None:
    answer = run_one(kubectl, args, CONFINED)
    assert answer.ok is ok
    assert words in answer.message


# -- patches -----------------------------------------------------------------------------------------
def test_patch_arguments_are_understood() -> None:
    call = parse_patch(("patch", "sts", "web", "--type=json", "-p", "[]"))
    assert (call.target, call.patch_type, call.payload) == (("sts", "web"), "json", "[]")
    assert parse_patch(("patch", "statefulset/web", "-p={}")).target == ("statefulset", "web")


@pytest.mark.parametrize(
    "payload, patch_type, problem",
    [
        ('{"spec":{"replicas":3}}', "strategic", None),
        ('{"spec":{"replicas":3}', "strategic", "not valid JSON"),
        ('[{"op":"replace","path":"/spec/replicas","value":3}]', "json", None),
        ('{"op":"replace"}', "json", "must be a list"),
        ('[{"op":"change","path":"/spec"}]', "json", 'no valid "op"'),
        ('[{"op":"replace","path":"spec/replicas","value":3}]', "json", "starts with /"),
        ('[{"op":"add","path":"/spec/replicas"}]', "json", 'needs a "value"'),
        ('[1]', "merge", "must be a JSON object"),
        ("{}", "jsonpatch", "--type=jsonpatch"),
    ],
)
def test_patch_payloads(payload: str, patch_type: str, problem: str | None) -> None:
    found = payload_problem(payload, patch_type)
    assert (found is None) if problem is None else (problem in (found or ""))


# -- documented outputs --------------------------------------------------------------------------------
def command_with_output(command: str, text: str) -> Step:
    output = Output(text=text, mode="like", location=Location(HERE, 10))
    return Step(kind=StepKind.COMMAND, location=Location(HERE, 5), text=command, commands=(command,), output=output)


@pytest.mark.parametrize(
    "command, header, ok",
    [
        ("kubectl get pods", "NAME      READY   STATUS    RESTARTS   AGE", True),
        ("kubectl get pods -o wide", "NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES", True),
        ("kubectl get pods -o wide", "NAME READY STATUS RESTARTS AGE", False),
        ("kubectl get pods -A", "NAMESPACE NAME READY STATUS RESTARTS AGE", True),
        ("kubectl get pods --show-labels", "NAME READY STATUS RESTARTS AGE LABELS", True),
        ("kubectl get pods -L app.kubernetes.io/name", "NAME READY STATUS RESTARTS AGE NAME", True),
        ("kubectl get pods -w -l app=nginx", "NAME READY STATUS RESTARTS AGE", True),
        ("kubectl get sts web", "NAME DESIRED CURRENT AGE", False),
        ("kubectl get statefulset.apps/web", "NAME READY AGE", True),
        ("kubectl get pvc -l app=nginx", "NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE", True),
        ("kubectl get pvc -l app=nginx", "NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS AGE", False),
        ("kubectl get events", "LAST SEEN TYPE REASON OBJECT MESSAGE", True),
        ("kubectl get events", "LAST SEEN FIRST SEEN COUNT NAME KIND SUBOBJECT TYPE REASON SOURCE MESSAGE", False),
        ("kubectl get svc nginx", "NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE", True),
        ("kubectl get nodes -o wide",
         "NAME STATUS ROLES AGE VERSION INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME", True),
        ("kubectl get deployments", "NAME READY UP-TO-DATE AVAILABLE AGE", True),
        ("kubectl get deployments", "NAME DESIRED CURRENT UP-TO-DATE AVAILABLE AGE", False),
    ],
)
def test_get_table_headers_are_the_ones_kubectl_1_37_prints(command: str, header: str, ok: bool) -> None:
    step = command_with_output(command, header + "\nweb-0   1/1")
    assert step.output is not None
    findings = check_header(step, step.output)
    assert [f.ok for f in findings] == [ok]
    assert findings[0].location.line == 11


@pytest.mark.parametrize(
    "command",
    ["kubectl get pods -o yaml", "kubectl get pods,svc", "kubectl get all", "kubectl get pods --no-headers",
     "kubectl get pods | grep web", "kubectl get widgets"],
)
def test_outputs_that_are_not_one_known_table_are_not_judged(command: str) -> None:
    step = command_with_output(command, "NAME DESIRED CURRENT AGE")
    assert step.output is not None
    assert check_header(step, step.output) == []


@pytest.mark.parametrize(
    "line, ok, words",
    [
        ("statefulset.apps/web created", True, ""),
        ("service/nginx unchanged", True, ""),
        ("deployment.extensions/frontend scaled", False, "'deployment.apps', not 'deployment.extensions'"),
        ("statefulset/web scaled", False, "'statefulset.apps', not 'statefulset'"),
        ("clusterrolebinding.rbac.authorization.k8s.io/cluster-admin-binding created", True, ""),
        ("clusterrolebinding/cluster-admin-binding created", False, "rbac.authorization.k8s.io"),
        ('pod "web-0" deleted from default namespace', True, ""),
        ('pod "web-0" deleted', False, "deleted from <namespace> namespace"),
        ('clusterrolebinding.rbac.authorization.k8s.io "x" deleted', True, ""),
        ('clusterrolebinding.rbac.authorization.k8s.io "x" deleted from default namespace', False, "cluster-scoped"),
        ("pods/web-0 created", False, "singular"),
    ],
)
def test_action_and_delete_messages(line: str, ok: bool, words: str) -> None:
    findings = check_messages(Output(text=f"first line\n{line}", mode="like", location=Location(HERE, 20)))
    assert [(f.ok, f.location.line) for f in findings] == [(ok, 22)]
    assert words in findings[0].message


def test_lines_that_are_not_messages_are_left_alone() -> None:
    output = Output(text="web-0\nHostname: x\nwidget.example.com/a created", mode="like", location=Location(HERE, 1))
    assert check_messages(output) == []


# -- directives ------------------------------------------------------------------------------------------
def test_a_directive_with_several_options() -> None:
    options, used = parse_options('terminal=watch show timeout=120 requires=exec,multi-node skip reason="needs Elastic Cloud"')
    directive = build(options)
    assert (directive.terminal, directive.terminal_show, directive.timeout) == ("watch", True, 120.0)
    assert directive.requires == ("exec", "multi-node")
    assert directive.skip_reason == "needs Elastic Cloud"
    assert used == ["terminal", "timeout", "requires", "skip", "skip"]


@pytest.mark.parametrize(
    "text, words",
    [
        ("fuzzy", "match mode 'fuzzy'"),
        ("mode=fuzzy", "match mode 'fuzzy' does not exist"),
        ("like exact", "two match modes"),
        ("timeout=soon", "not a number"),
        ("requires=gpu", "unknown requirement(s) gpu"),
        ("interactive=telepathy", "interactive=telepathy"),
        ("skip", "skip needs a reason"),
        ("show", "only goes with terminal"),
        ("terminal=split", "unknown terminal 'split'"),
    ],
)
def test_bad_directives_say_what_is_wrong(text: str, words: str) -> None:
    with pytest.raises(DirectiveError) as error:
        build(parse_options(text)[0])
    assert words in str(error.value)
