"""Preview the site locally.

``python -m site_tools.serve`` builds every language of the registry (parallel,
strict), serves the merged ``site/`` on http://127.0.0.1:8000/ (the source
language at ``/``, each translation under its prefix, ``/en/``) and rebuilds it
when a page, manifest, hook or config changes; reload the browser page to see the
result.  The switcher works here exactly as on the published site.

``--lang en`` (or any code of the registry) previews one language with ``mkdocs
serve`` instead: live reload, but the other languages are not served, so the
switcher's links lead nowhere.
"""

from __future__ import annotations

import argparse
import functools
import os
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from languages import TRANSLATIONS, language
from site_tools.build import BuildFailed, build_site, input_digest, is_fresh
from site_tools.languages import REPO_ROOT


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves files from the site root, which the rebuild swaps underneath it."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib signature)
        # log_request passes (request line, status, size): only failed requests are shown.
        # Other messages (one argument, e.g. "Request timed out: …") are always shown.
        if len(args) < 2 or str(args[1]).startswith(("4", "5")):
            super().log_message(format, *args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page_404 = Path(self.directory) / "404.html"
        if code == 404 and page_404.is_file():
            body = page_404.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)


class _SiteServer(ThreadingHTTPServer):
    """Serves the site; a reader's browser that drops a connection mid-answer is not an error."""

    def handle_error(self, request: Any, client_address: Any) -> None:  # the stdlib's private request types
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return  # the browser went on (a new page, a cancelled prefetch): nothing to report
        super().handle_error(request, client_address)


def serve_directory(root: Path, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """A static HTTP server for ``root`` (not started); port 0 picks a free port."""
    handler = functools.partial(_SiteHandler, directory=str(root))
    return _SiteServer((host, port), handler)


def base_url(server: ThreadingHTTPServer) -> str:
    """``http://HOST:PORT`` of a server from serve_directory, with the port it was given."""
    host, port = server.server_address[:2]
    name = host.decode() if isinstance(host, bytes) else host  # typeshed allows bytes; an IPv4 server has a str
    return f"http://{name}:{port}"


def _rebuild_forever(out: Path, interval: float) -> None:
    digest = input_digest()
    while True:
        time.sleep(interval)
        current = input_digest()
        if current == digest:
            continue
        digest = current
        started = time.monotonic()
        print("change detected: rebuilding...", flush=True)
        try:
            build_site(out)
            print(f"rebuilt in {time.monotonic() - started:.1f} s: reload the page", flush=True)
        except BuildFailed as err:
            print(f"{err}\nthe previous build is still served", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m site_tools.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", help="preview one language with `mkdocs serve` (live reload)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "site")
    args = parser.parse_args(argv)

    if args.lang:
        config = language(args.lang).config_file
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        cmd = [sys.executable, "-m", "mkdocs", "serve", "-f", config, "-a", f"{args.host}:{args.port}"]
        return subprocess.call(cmd, cwd=REPO_ROOT, env=env)

    if not is_fresh(args.out, input_digest()):
        try:
            build_site(args.out)
        except BuildFailed as err:
            print(err, file=sys.stderr)
            return 1
    server = serve_directory(args.out, args.host, args.port)
    threading.Thread(target=_rebuild_forever, args=(args.out, 1.0), daemon=True).start()
    url = base_url(server)
    others = ", ".join(f"{lang.english_name}: {url}/{lang.prefix}" for lang in TRANSLATIONS)
    print(f"serving {args.out} on {url}/ ({others}); Ctrl-C stops", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
