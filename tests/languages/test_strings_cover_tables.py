"""Tables declared once in the verifier whose entries the site shows in words: every language names each entry.

A need added to `verify.needs.NEEDS` is shown on the site ("Not run: needs …"); without its words in
a language the page would fail to build only when a record happens to name it. These tests fail at
once instead, naming the language and the entry.
"""

from __future__ import annotations

import pytest

from languages import LANGUAGES
from languages.strings import section
from verify.needs import NEEDS


@pytest.mark.parametrize("lang", LANGUAGES, ids=lambda lang: lang.code)
def test_every_need_has_words_in_every_language(lang) -> None:
    words = section(lang.code, "verification.needs")
    missing = sorted(set(NEEDS) - set(words))
    unknown = sorted(set(words) - set(NEEDS))
    assert not missing, f"languages/strings/{lang.code}.yaml: verification.needs lacks {missing} (declared in verify/needs.py)"
    assert not unknown, (f"languages/strings/{lang.code}.yaml: verification.needs names {unknown}, "
                         "which verify/needs.py does not declare")
