"""The live tier: run each page's commands, in order, against a cluster and confirm the documented
outputs.

`runner` drives a page (`PageRunner`) and a whole run (`run_live`); `shell` is the page's terminal
(a pseudo-terminal per command, plus background "first terminals"); `commands` classifies command
lines (read-only or not, what they need, whether they touch kube-system); `probe` finds out what
the cluster offers; `cleanup` removes what a page created and checks nothing is left; `redact`
keeps secrets out of every output; `results` holds step results and writes the report and JUnit.
"""
