"""`<!-- verify: pod-security=privileged reason="…" -->`: a step whose Pods need more than baseline says so, with why."""

from __future__ import annotations

import pytest

from verify.directives import DirectiveError, build, parse_options
from verify.model import Directive


def _directive(text: str) -> Directive:
    options, _used = parse_options(text)
    return build(options)


def test_a_level_above_baseline_with_a_reason_is_read() -> None:
    directive = _directive('pod-security=privileged reason="reads the nodes\' /var/log"')
    assert (directive.pod_security, directive.pod_security_reason) == ("privileged", "reads the nodes' /var/log")
    assert directive.skip_reason is None and directive.allow == ()


@pytest.mark.parametrize(("text", "message"), [
    ("pod-security=privileged", "needs a reason"),
    ('pod-security=restricted reason="x"', "not a level above baseline"),
    ('pod-security=privileged skip reason="x"', "needs its own reason"),
])
def test_a_bad_pod_security_directive_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(DirectiveError, match=message):
        _directive(text)
