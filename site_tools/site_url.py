"""Where the site lives: the one base URL every language and every absolute URL of the site follow.

The site's root URL is ``$K8S_SITE_URL`` when it is set (``nox -s site -- --site-url URL`` sets it for
the builds; the publishing workflow passes the URL of the GitHub Pages site), else ``site_url`` of the
source language's config (mkdocs.yml). Each language's build is at the root plus its registry prefix
(``…/en/``): the site plugin sets that as the build's ``site_url``, so the translations' configs set no
``site_url`` of their own. From it come the canonical links (MkDocs), the hreflang links (the plugin),
the sitemap index and its sitemaps, and ``robots.txt`` (``site_tools.sitemap``). A root below a path
(``https://owner.github.io/repo/``) works: every link between pages is relative, and MkDocs gives the
404 page absolute paths below that path.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from languages import SOURCE_LANGUAGE, Language

ENV = "K8S_SITE_URL"
REPO_ROOT = Path(__file__).resolve().parent.parent


class SiteUrlError(ValueError):
    """A base URL the site cannot live at; the message says which and why."""


def normalized(url: str, where: str) -> str:
    """``url`` as the site's root: absolute http(s), no query or fragment, ending in ``/``."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SiteUrlError(f"{where}: {url!r} is not an absolute http(s) URL (e.g. https://owner.github.io/repo/)")
    if parts.query or parts.fragment:
        raise SiteUrlError(f"{where}: {url!r} has a query or fragment; the site's base URL is a folder")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}/"


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without constructing its ``!!python/…`` tags (the slugify function)."""


_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def configured_root(root: Path = REPO_ROOT) -> str:
    """``site_url`` of the source language's config, the default root."""
    config_file = root / SOURCE_LANGUAGE.config_file
    config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    if not isinstance(config, dict) or not config.get("site_url"):
        raise SiteUrlError(f"{config_file}: no site_url (the site's default base URL)")
    return normalized(str(config["site_url"]), f"site_url in {config_file}")


def site_root_url(root: Path = REPO_ROOT) -> str:
    """The site's root URL: ``$K8S_SITE_URL``, else mkdocs.yml's ``site_url``."""
    explicit = os.environ.get(ENV)
    return normalized(explicit, ENV) if explicit else configured_root(root)


def language_url(root_url: str, lang: Language) -> str:
    """Where ``lang``'s build lives: the root plus its prefix (``https://…/en/``)."""
    return root_url + lang.prefix
