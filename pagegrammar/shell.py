"""The fence languages that mean "shell".

Pages fence commands as ```` ```shell ````; the other names are what writers type out of habit
(and what other sites use). The verifier asks for ``shell`` and names the alias it found; the
translation check and the site treat every one of them as commands.
"""

from __future__ import annotations

#: The one language commands are fenced with on our pages.
SHELL = "shell"
#: Other names for a shell block: accepted by readers of pages, refused by the verifier.
SHELL_ALIASES: frozenset[str] = frozenset(
    {"bash", "sh", "console", "shell-session", "sh-session", "zsh", "shellsession"}
)


def is_shell(language: str) -> bool:
    """Whether a fence's language stands for shell commands (``shell`` or one of its aliases)."""
    return language == SHELL or language in SHELL_ALIASES
