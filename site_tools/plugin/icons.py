"""The verification icons' shapes, once, at the end of the site's stylesheet (``site_tools.icons``).

The theme's ``assets/stylesheets/k8s-site.css`` (``docs/overrides``) is replaced, in the build only, by
itself followed by one rule per icon a page may show (``site_tools.verification.ICON_NAMES``). The build
fails, naming the file, when the stylesheet is not among the theme's files.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from site_tools.icons import with_icon_rules
from site_tools.plugin.part import Part
from site_tools.verification import ICON_NAMES

STYLESHEET = "assets/stylesheets/k8s-site.css"


class IconStyles(Part):
    def on_files(self, files: Files, config: MkDocsConfig) -> None:
        sheet = files.get_file_from_path(STYLESHEET)
        if sheet is None:
            raise PluginError(f"{STYLESHEET} is not among the theme's files (docs/overrides): the icons have no stylesheet")
        content = with_icon_rules(sheet.content_string, ICON_NAMES)
        files.remove(sheet)
        files.append(File.generated(config, STYLESHEET, content=content))
