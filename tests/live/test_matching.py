"""The output matcher: each mode accepts what it should and rejects, with a readable diff, what it
should not."""

from __future__ import annotations

import pytest

from verify.live.matching import match, watch_progress
from verify.matchers import token_match

PODS = """\
NAME    READY   STATUS    RESTARTS   AGE
web-0   1/1     Running   0          1m
web-1   1/1     Running   0          1m
"""


# --- like -------------------------------------------------------------------------------------

def test_like_tolerates_ages_and_column_spacing() -> None:
    actual = "NAME READY STATUS RESTARTS AGE\nweb-0 1/1 Running 0 3s\nweb-1   1/1   Running   0   2s\n"
    result = match(PODS, actual, "like")
    assert result.ok
    assert [(t.documented, t.actual, t.kind) for t in result.tolerated] == [("1m", "3s", "duration"),
                                                                         ("1m", "2s", "duration")]


def test_like_rejects_a_different_status_and_shows_a_diff_with_tolerated_tokens_marked() -> None:
    actual = PODS.replace("1m\nweb-1   1/1     Running", "9s\nweb-1   0/1     Pending")
    result = match(PODS, actual, "like")
    assert not result.ok
    lines = result.diff.splitlines()
    assert lines[0].startswith("documented vs actual, mode like")
    assert "  ~ web-0   1/1     Running   0          [1m≈9s]" in lines
    assert "  - web-1   1/1     Running   0          1m" in lines
    assert "  + web-1   0/1     Pending   0          1m" in lines


def test_like_tolerates_ips_generated_suffixes_and_placeholders() -> None:
    documented = ("kube-state-metrics-89d656bf8-vdthm   1/1   Running   0   1m\n"
                  "www-web-0   Bound   pvc-15c268c7-b507-11e6-932f-42010a800002   1Gi\n"
                  "Address 1: 10.244.1.6\n"
                  "Name: <pod-name>.nginx\n")
    actual = ("kube-state-metrics-7c9d8f5b4-x2k9q   1/1   Running   0   4s\n"
              "www-web-0   Bound   pvc-b37c19c2-7332-4865-b7ea-c68508e286da   1Gi\n"
              "Address 1: 10.244.2.17\n"
              "Name: web-0.nginx\n")
    result = match(documented, actual, "like")
    assert result.ok, result.diff
    assert {t.kind for t in result.tolerated} == {"generated", "duration", "ip", "placeholder"}


def test_like_does_not_tolerate_different_names_or_counts() -> None:
    assert token_match("web-0", "web-1") is None
    assert token_match("nginx", "redis") is None
    assert token_match("kube-system", "kube-public") is None
    assert token_match("1Gi", "2Gi") is None
    assert token_match("<none>", "10.0.0.1") is None  # kubectl's own <none> is a value, not a placeholder
    assert not match("statefulset.apps/web created\n", "statefulset.apps/web configured\n", "like").ok


def test_like_ellipsis_lines_and_tokens_stand_for_anything() -> None:
    documented = "NAME    READY\n...\nweb-4   1/1\n"
    assert match(documented, "NAME READY\nweb-0 1/1\nweb-1 1/1\nweb-4 1/1\n", "like").ok
    assert match(documented, "NAME READY\nweb-4 1/1\n", "like").ok
    assert not match(documented, "NAME READY\nweb-0 1/1\n", "like").ok
    assert match("Server: ... kube-dns\n", "Server: 10.96.0.10 something kube-dns\n", "like").ok


def test_like_reads_the_runs_namespace_as_default() -> None:
    documented = 'pod "web-0" deleted from default namespace\nNo resources found in default namespace.\n'
    actual = ('pod "web-0" deleted from verify-basic-stateful-set-3fa2c1 namespace\n'
              "No resources found in verify-basic-stateful-set-3fa2c1 namespace.\n")
    assert match(documented, actual, "like", namespace="verify-basic-stateful-set-3fa2c1").ok
    assert not match(documented, actual, "like").ok
    # only the run's own namespace reads as default, not any other
    assert not match(documented, actual.replace("verify-basic-stateful-set-3fa2c1", "other"), "like",
                     namespace="verify-basic-stateful-set-3fa2c1").ok


# --- exact, contains, regex, unordered ----------------------------------------------------------

def test_exact_ignores_only_trailing_spaces_and_blank_lines() -> None:
    assert match("web-0\nweb-1\n", "web-0  \nweb-1\n\n\n", "exact").ok
    result = match("web-0\nweb-1\n", "web-0\nweb-2\n", "exact")
    assert not result.ok and "  - web-1" in result.diff and "  + web-2" in result.diff
    assert not match("a  b\n", "a b\n", "exact").ok


def test_contains_wants_each_documented_line_in_order() -> None:
    actual = "Warning: something\npod/web-0 condition met\npod/web-1 condition met\n"
    assert match("pod/web-0 condition met\npod/web-1 condition met\n", actual, "contains").ok
    result = match("pod/web-1 condition met\npod/web-0 condition met\n", actual, "contains")
    assert not result.ok and "  - pod/web-0 condition met" in result.diff


def test_regex_matches_the_whole_output() -> None:
    assert match(r"registry\.k8s\.io/nginx-slim:0\.\d+", "registry.k8s.io/nginx-slim:0.24\n", "regex").ok
    assert not match(r"nginx-slim:0\.\d+", "registry.k8s.io/nginx-slim:0.24\n", "regex").ok
    assert "invalid regular expression" in match("(", "x", "regex").diff


def test_unordered_is_a_multiset_of_lines() -> None:
    assert match("b 1s\na 2s\n", "a 5s\nb 9s\n", "unordered").ok
    result = match("a\na\nb\n", "a\nb\nb\n", "unordered")
    assert not result.ok and "  - a" in result.diff and "  + b" in result.diff


def test_an_unknown_mode_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        match("a", "a", "fuzzy")


# --- watch ------------------------------------------------------------------------------------

WATCH = """\
NAME    READY   STATUS              RESTARTS   AGE
web-0   0/1     Pending             0          0s
web-0   0/1     ContainerCreating   0          0s
web-0   1/1     Running             0          19s
web-1   0/1     Pending             0          0s
web-1   1/1     Running             0          18s
"""


INTERLEAVED = """\
NAME    READY   STATUS    RESTARTS   AGE
web-0   0/1     Pending   0          0s
web-0   0/1     Pending   0          0s
web-1   0/1     Pending   0          0s
web-0   0/1     ContainerCreating   0          0s
web-1   0/1     ContainerCreating   0          0s
web-0   1/1     Running             0          2s
web-1   1/1     Running             0          2s
"""


def test_watch_rows_are_one_ordered_subsequence_of_the_whole_stream() -> None:
    # Rows are matched as one subsequence of the whole stream, not per object: matched per object, a
    # stream in which web-1 starts before web-0 is Running would match a page that says it does not.
    result = match(WATCH, INTERLEAVED, "watch")
    assert not result.ok
    assert "  - web-1   0/1     Pending             0          0s" in result.diff
    assert "  = web-0   1/1     Running             0          2s" in result.diff
    ordered = INTERLEAVED.replace("web-1   0/1     Pending   0          0s\n", "").replace(
        "web-1   0/1     ContainerCreating   0          0s\n", "") + "web-1 0/1 Pending 0 0s\nweb-1 1/1 Running 0 1s\n"
    assert match(WATCH, ordered, "watch").ok


def test_watch_tolerates_more_rows_of_the_same_objects_between_the_documented_ones() -> None:
    actual = ("web-0 0/1 Pending 0 0s\nweb-0 0/1 Pending 0 0s\nweb-0 0/1 Pending 0 0s\nweb-0 0/1 ContainerCreating 0 0s\n"
              "web-0 0/1 Running 0 1s\nweb-0 1/1 Running 0 1s\nweb-1 0/1 Pending 0 0s\nweb-1 0/1 ContainerCreating 0 0s\n"
              "web-1 1/1 Running 0 1s\n")
    assert match(WATCH, actual, "watch").ok


def test_watch_objects_the_page_calls_concurrent_may_interleave_in_any_order() -> None:
    assert match(WATCH, INTERLEAVED, "watch", concurrent=["web-0", "web-1"]).ok
    # ... but each object's own rows stay in order
    swapped = INTERLEAVED.replace("web-0   1/1     Running             0          2s\n", "")
    swapped = swapped.replace("NAME    READY   STATUS    RESTARTS   AGE\n",
                              "NAME READY STATUS RESTARTS AGE\nweb-0 1/1 Running 0 2s\n")
    assert not match(WATCH, swapped, "watch", concurrent=["web-0", "web-1"]).ok


def test_watch_concurrent_objects_keep_their_order_against_other_objects() -> None:
    documented = "web-0 1/1 Terminating 0 1m\nweb-1 1/1 Terminating 0 1m\nweb-2 0/1 Pending 0 0s\n"
    before = "web-2 0/1 Pending 0 0s\nweb-1 1/1 Terminating 0 1m\nweb-0 1/1 Terminating 0 1m\n"
    after = "web-1 1/1 Terminating 0 1m\nweb-0 1/1 Terminating 0 1m\nweb-2 0/1 Pending 0 0s\n"
    assert match(documented, after, "watch", concurrent=["web-0", "web-1"]).ok
    assert not match(documented, before, "watch", concurrent=["web-0", "web-1"]).ok


def test_watch_an_object_the_page_never_shows_fails_the_match() -> None:
    actual = INTERLEAVED + "web-2 0/1 Pending 0 0s\n"
    result = match(WATCH, actual, "watch", concurrent=["web-0", "web-1"])
    assert not result.ok
    assert "objects in the stream that the documented output never shows: web-2 (1 row)" in result.diff


def test_watch_a_leading_ellipsis_leaves_out_objects_seen_only_before_the_excerpt() -> None:
    documented = "...\nweb-3 0/1 Pending 0 0s\nweb-3 1/1 Running 0 1s\n"
    actual = "web-0 1/1 Running 0 1m\nweb-3 0/1 Pending 0 0s\nweb-3 1/1 Running 0 1s\n"
    assert match(documented, actual, "watch").ok
    assert not match(documented.replace("...\n", ""), actual, "watch").ok
    assert not match(documented, actual + "web-4 0/1 Pending 0 0s\n", "watch").ok


def test_watch_rejects_rows_out_of_order_for_one_object() -> None:
    actual = "web-0 1/1 Running 0 2s\nweb-0 0/1 Pending 0 0s\nweb-0 0/1 ContainerCreating 0 0s\n" \
             "web-1 0/1 Pending 0 0s\nweb-1 1/1 Running 0 1s\n"
    result = match(WATCH, actual, "watch")
    assert not result.ok
    assert "must appear in this order" in result.diff
    assert "  - web-0   1/1     Running             0          19s" in result.diff
    assert "  = web-0 0/1 ContainerCreating 0 0s" in result.diff


def test_watch_repeated_rows_count_once() -> None:
    documented = "web-3 0/1 Pending 0 0s\nweb-3 0/1 Pending 0 0s\nweb-3 0/1 Pending 0 7s\nweb-3 1/1 Running 0 9s\n"
    assert match(documented, "web-3 0/1 Pending 0 0s\nweb-3 1/1 Running 0 1s\n", "watch").ok
    assert not match(documented, "web-3 0/1 Pending 0 0s\n", "watch").ok


def test_watch_progress_tells_when_every_documented_row_has_been_seen() -> None:
    partial = "NAME READY STATUS RESTARTS AGE\nweb-0 0/1 Pending 0 0s\nweb-0 0/1 ContainerCreating 0 0s\n"
    progress = watch_progress(WATCH, partial)
    assert not progress.satisfied
    assert list(progress.missing) == ["web-0", "web-1"]
    assert [row.split()[0] for row, _ in progress.matched] == ["web-0", "web-0"]
    done = partial + "web-0 1/1 Running 0 1s\nweb-1 0/1 Pending 0 0s\nweb-1 1/1 Running 0 1s\n"
    assert watch_progress(WATCH, done).satisfied


def test_node_ports_the_api_server_allocated_may_differ_but_service_ports_may_not() -> None:
    assert match("  healthCheckNodePort: 32122\n", "  healthCheckNodePort: 30633\n").ok
    assert match("lb   LoadBalancer   10.0.65.118   <pending>   80:32143/TCP   5m\n",
                 "lb   LoadBalancer   10.96.4.7     <pending>   80:30001/TCP   1s\n").ok
    assert not match("lb   LoadBalancer   10.0.65.118   <pending>   80:32143/TCP   5m\n",
                     "lb   LoadBalancer   10.96.4.7     <pending>   8080:30001/TCP   1s\n").ok
    assert not match("  port: 8080\n", "  port: 8081\n").ok  # outside the node port range
    assert not match("  healthCheckNodePort: 32122\n", "  healthCheckNodePort: 29999\n").ok


def test_the_default_storage_class_reads_as_standard_whatever_the_cluster_calls_it() -> None:
    documented = "www-web-0   Bound   pvc-15c268c7-b507-11e6-932f-42010a800002   1Gi   RWO   standard   48s\n"
    actual = "www-web-0   Bound   pvc-0b6e2a0c-51a5-4c5b-9c1f-0e3f8f1a2b3c   1Gi   RWO   local-path   2s\n"
    assert match(documented, actual, storage_class="local-path").ok
    failed = match(documented, actual)
    assert not failed.ok
    other = match(documented, actual.replace("local-path", "premium"), storage_class="local-path")
    assert not other.ok and "the default StorageClass local-path reads as standard" in other.diff


def test_a_key_value_token_tolerates_what_its_value_alone_would() -> None:
    assert token_match("client_address=10.244.3.8", "client_address=10.244.1.6") == "ip"
    assert token_match("host=10.0.170.92", "host=10.96.59.55") == "ip"
    assert token_match("client_address=10.244.3.8", "server_address=10.244.1.6") is None  # another key
    assert token_match("method=GET", "method=POST") is None  # not a value the cluster chooses
    assert token_match("client_address=10.244.3.8", "client_address=") is None
    assert match("\tclient_address=10.180.1.1\n", "\tclient_address=10.250.0.11\n", "like").ok
