"""What confines the processes a page makes the verifier start, in both tiers.

A page is code from a contributor. Every process started with arguments or files a page controls
(the static tier's kubectl and `bash -n` checks, the live tier's shell) runs in a bubblewrap
sandbox (`sandbox`): only the system's programs, a few files of /etc, the pinned kubectl (a
private copy, so the repository's path never shows) and the page's own directory exist; no
capabilities; a network namespace of its own. Each page's processes are also bounded (`limits`):
a cgroup for processes and memory, a size limit per file, a cap on the output kept per step, a
ceiling on any step's timeout.

The sandbox is required. A maintainer who cannot have it passes the loudly named
``--unsafe-no-sandbox`` (or sets ``VERIFY_UNSAFE_NO_SANDBOX=1``), and every run says so.
"""
