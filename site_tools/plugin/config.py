"""The options of the site plugin (``k8s-site`` under ``plugins:`` in mkdocs.yml), typed."""

from __future__ import annotations

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config


class SiteConfig(Config):
    """What a language's config (mkdocs.yml, mkdocs.en.yml) says to the plugin.

    ``docs_dirs`` and ``verification_dir`` are for builds from elsewhere (the tests build fixture
    translations and records); ``site_tools.build`` sets them, a config file normally does not.
    """

    #: Navigation titles of directories that have no index.md, keyed by directory, in this language.
    section_titles = opt.DictOfItems(opt.Type(str), default={})
    #: Where a language's pages are read from (language code → directory), when not its registry folder.
    docs_dirs = opt.DictOfItems(opt.Type(str), default={})
    #: Where the verification records are read from, when not ``verification/``.
    verification_dir = opt.Optional(opt.Type(str))
