"""The theme's Jinja templates, compiled once per content rather than on every build.

Each language build compiles Material's templates and the site's overrides into Python code before it
renders a page: about a sixth of a build of the real pages. Jinja's own bytecode cache keeps the
compiled code in ``.cache/site/templates/``, under the template's name, and checks it against a hash
of the template's source on every use, so an edited template (or a new Material release) is compiled
again. Parts that render a template of their own get an environment with the same cache.
"""

from __future__ import annotations

import jinja2
from mkdocs.config.defaults import MkDocsConfig

from site_tools.languages import REPO_ROOT

CACHE_DIR = REPO_ROOT / ".cache" / "site" / "templates"


def with_template_cache(env: jinja2.Environment) -> jinja2.Environment:
    """``env`` keeping its compiled templates in :data:`CACHE_DIR`."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(CACHE_DIR))
    return env


def theme_env(config: MkDocsConfig) -> jinja2.Environment:
    """A template environment of the build's theme (``docs/overrides`` first), with the cache."""
    return with_template_cache(config.theme.get_env())
