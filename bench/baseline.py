"""The site build's baseline: a plain one-language `mkdocs build` with mkdocs-material.

The configuration is derived from the project's own ``mkdocs.yml`` (so the comparison follows it):
the same theme (Material with its own options: language, palette, features, no web fonts), the same
Markdown extensions (the pages need pymdownx.snippets to include their manifests), and MkDocs'
built-in search plugin with the same options. Left out is everything the project adds: its plugin
(``k8s-site``), ``custom_dir`` (the theme overrides, which read what the plugin computes) and the icon in it,
``extra`` (the language switcher, section titles) and ``watch``. The build is not strict, since
pages written for the project's hooks may say things a plain build warns about.
"""

from __future__ import annotations

from pathlib import Path

import yaml

#: Top-level keys of mkdocs.yml the baseline keeps (site_dir and docs_dir are set to the benchmark's).
KEEP = ("site_name", "site_url", "theme", "plugins", "markdown_extensions")
#: Keys of `theme` that are the project's own additions, not Material's options (the favicon is a file of
#: `custom_dir`: the plain build keeps Material's own).
DROP_THEME = ("custom_dir", "favicon")
#: The only plugin kept: MkDocs' built-in search (Material's search).
KEEP_PLUGINS = ("search",)


def _scalar(value: str) -> yaml.ScalarNode:
    return yaml.ScalarNode("tag:yaml.org,2002:str", value)


def _rebase_snippets(extensions: yaml.Node, root: Path) -> None:
    """Point pymdownx.snippets' base_path (relative to the project's working directory) at `root`."""
    if not isinstance(extensions, yaml.SequenceNode):
        return
    for item in extensions.value:
        if isinstance(item, yaml.MappingNode):
            for key, options in item.value:
                if key.value == "pymdownx.snippets" and isinstance(options, yaml.MappingNode):
                    for index, (name, _) in enumerate(options.value):
                        if name.value == "base_path":
                            options.value[index] = (name, yaml.SequenceNode("tag:yaml.org,2002:seq", [_scalar(str(root))]))


def baseline_config(root: Path, docs_dir: Path, site_dir: Path) -> str:
    """The text of the baseline mkdocs.yml for the project at `root` (its mkdocs.yml is read, not run)."""
    # Composing keeps the YAML nodes as written, tags included (the toc slugify function), unconstructed.
    node = yaml.compose((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    assert isinstance(node, yaml.MappingNode)
    kept: list[tuple[yaml.Node, yaml.Node]] = []
    for key, value in node.value:
        if key.value not in KEEP:
            continue
        if key.value == "theme" and isinstance(value, yaml.MappingNode):
            value.value = [(k, v) for k, v in value.value if k.value not in DROP_THEME]
        if key.value == "plugins":
            if isinstance(value, yaml.MappingNode):
                value.value = [(k, v) for k, v in value.value if k.value in KEEP_PLUGINS]
            elif isinstance(value, yaml.SequenceNode):
                value.value = [v for v in value.value if (v.value if isinstance(v, yaml.ScalarNode)
                                                           else v.value[0][0].value) in KEEP_PLUGINS]
        if key.value == "markdown_extensions":
            _rebase_snippets(value, root)
        kept.append((key, value))
    kept += [(_scalar("docs_dir"), _scalar(str(docs_dir))), (_scalar("site_dir"), _scalar(str(site_dir))),
             (_scalar("strict"), yaml.ScalarNode("tag:yaml.org,2002:bool", "false"))]
    node.value = kept
    return yaml.serialize(node, allow_unicode=True)


def write_baseline_config(root: Path, docs_dir: Path, site_dir: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(baseline_config(root, docs_dir, site_dir), encoding="utf-8")
    return dest
