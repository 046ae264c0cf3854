"""The macros of the pages, for mkdocs-macros-plugin (mkdocs.yml's ``macros: module_name: docs/macros``).

They are written in `site_tools.plugin.macros`; this file is where the plugin looks for them.
"""

from site_tools.plugin.macros import check_macro_names as on_pre_page_macros
from site_tools.plugin.macros import define_env

__all__ = ["define_env", "on_pre_page_macros"]
