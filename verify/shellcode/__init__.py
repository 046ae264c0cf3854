"""How the verifier reads a shell command line, for both tiers.

`lexer` cuts a logical command line into simple commands and a simple command into words,
assignments and redirections; `invocations` says which programs those run (through wrappers such
as ``sudo`` and ``timeout``) and cuts out each ``kubectl …`` with its variables made concrete. The
static tier checks and reviews what it finds; the live tier's guard decides from it what a step
does to the cluster.
"""
