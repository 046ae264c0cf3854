"""Search loads its index when a reader opens the search, not with every page.

Material's search fetches ``search/search_index.json`` (every page's text: about 260 KB for the Japanese
pages) and its worker script (about 40 KB) as soon as any page loads, although few readers search. So:

- after Material's search plugin has written the index, ``search/search_index.json`` becomes the index's
  configuration alone (Material's script reads it at load, for the search and for highlighting), in
  which ``k8s_documents`` names the file holding the documents, ``search_index.<hash>.json`` (its content's hash: a host may
  cache it for good);
- Material's worker is kept, unchanged, as ``material-<its name>``; its place goes to
  ``search-worker.js`` of this folder, which answers the page at once and gives Material's worker the
  documents when the page says the search was opened (``partials/search-on-demand.html``: on focus of
  the search field or on opening the search) or at the first query, whichever comes first. A query
  typed before the documents arrived waits for them, so search works from the first keystroke.

The build fails, naming the file, when Material's worker is not where this expects it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePosixPath

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from atomic_files import write_text
from site_tools.plugin.part import Part

INDEX = PurePosixPath("search/search_index.json")
WORKERS = PurePosixPath("assets/javascripts/workers")
WORKER_SOURCE = Path(__file__).with_name("search-worker.js")
MATERIAL_PREFIX = "material-"
#: Where the stub names the documents' file: in the index's configuration, the part of it that Material's
#: script hands on to its worker unchanged.
DOCUMENTS_KEY = "k8s_documents"


def _is_material_worker(file: File) -> bool:
    path = PurePosixPath(file.src_uri)
    return path.parent == WORKERS and path.name.startswith("search.") and path.name.endswith(".min.js")


def split_index(index: dict) -> tuple[dict, str, str]:
    """The stub the page loads, the documents' file name, and the documents' file content."""
    documents = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    name = f"search_index.{hashlib.sha256(documents.encode()).hexdigest()[:12]}.json"
    return {"config": {**index["config"], DOCUMENTS_KEY: name}, "docs": []}, name, documents


class SearchOnDemand(Part):
    def on_files(self, files: Files, config: MkDocsConfig) -> None:
        workers = [file for file in files if _is_material_worker(file)]
        if len(workers) != 1:
            raise PluginError(f"expected Material's search worker in {WORKERS}/, found {[f.src_uri for f in workers]}: "
                              "see site_tools/plugin/search_index.py before upgrading mkdocs-material")
        worker = workers[0]
        name = PurePosixPath(worker.src_uri).name
        ours = WORKER_SOURCE.read_text(encoding="utf-8").replace("__MATERIAL_WORKER__", MATERIAL_PREFIX + name)
        files.remove(worker)
        files.append(File.generated(config, str(WORKERS / (MATERIAL_PREFIX + name)), content=worker.content_bytes))
        files.append(File.generated(config, worker.src_uri, content=ours))

    def on_post_build(self, config: MkDocsConfig) -> None:
        path = Path(config.site_dir) / INDEX
        try:
            index = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise PluginError(f"{path}: Material's search index is not there to split: {err}") from err
        stub, name, documents = split_index(index)
        write_text(path.with_name(name), documents)
        write_text(path, json.dumps(stub, ensure_ascii=False, separators=(",", ":")))
