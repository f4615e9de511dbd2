"""Support for the render tests (no tests here): a small fake InvenioRDM to record cassettes from.

The real cassettes are recorded from the reference instance; these tests must not depend
on them (nor on their content), so they record their own through the runner's real
record mode, against this fake, and then render from the replay like `make render` does.
"""

from __future__ import annotations

import email.utils
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import threading
import uuid
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cases import load_cases
from runner.engine import run_case
from runner.settings import Settings

FILE_KEY = "climate_series.csv"
FILE_BODY = b"date,temperature\n2024-01-01,1.5\n2024-01-02,<2.0 & rising\n"


class FakeInvenio:
    """Just enough of the InvenioRDM REST API for the six cases (and their checks)."""

    def __init__(self, records: int = 12) -> None:
        self.records = [{
            "id": f"rec{i:02d}-{i:05d}",
            "created": f"2025-0{1 + i % 9}-{10 + i:02d}T10:00:00.000000+00:00",
            "metadata": {
                "title": f"Climate observations <{i}> & more",
                "publication_date": f"{2023 + i % 3}-0{1 + i % 9}-01",
                "creators": [{"person_or_org": {"name": "Doe, Jane", "type": "personal"}}],
                "resource_type": {"title": {"en": "Dataset"}, "id": "dataset"},
            },
        } for i in range(1, records + 1)]
        self.drafts: dict[str, dict] = {}
        self.published: set[str] = set()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, headers, payload = server.route(self.command, self.path, self.headers, body)
                if not isinstance(payload, bytes):
                    payload = json.dumps(payload).encode()
                    headers = {"Content-Type": "application/json", **headers}
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/api"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _record(self, record: dict) -> dict:
        links = {"self": f"{self.url}/records/{record['id']}", "files": f"{self.url}/records/{record['id']}/files",
                 "self_html": f"{self.url[:-4]}/records/{record['id']}"}
        return {**record, "links": links}

    def route(self, method: str, target: str, headers, body: bytes):
        parts = urlsplit(target)
        path = parts.path.removeprefix("/api").rstrip("/").split("/")[1:]
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        authorised = bool(headers.get("Authorization"))
        if method != "GET" and not authorised:
            return 403, {}, {"status": 403, "message": "Permission denied."}
        if method == "GET" and path == ["records"]:
            return 200, {}, self.search(query)
        if path[:1] == ["records"] and len(path) >= 2:
            pid, rest = path[1], path[2:]
            if method == "GET" and not rest:
                found = [r for r in self.records if r["id"] == pid]
                return (200, {}, self._record(found[0])) if found else (404, {}, {"status": 404})
            if method == "GET" and rest == ["files"]:
                return 200, {}, {"entries": [{"key": FILE_KEY, "size": len(FILE_BODY)}]}
            if method == "GET" and rest[:1] == ["files"] and rest[-1:] == ["content"]:
                return 200, {"Content-Type": "text/csv", "Content-Disposition": f'inline; filename="{rest[1]}"',
                             "ETag": f'"{hashlib.md5(FILE_BODY).hexdigest()}"',
                             "Last-Modified": email.utils.formatdate(0, usegmt=True)}, FILE_BODY
            return self.draft(method, pid, rest, body)
        if method == "POST" and path == ["records"]:
            pid = f"drf{len(self.drafts):02d}-{len(self.drafts):05d}"
            self.drafts[pid] = json.loads(body)
            return 201, {}, {"id": pid, "is_draft": True, "metadata": self.drafts[pid]["metadata"],
                             "links": {"self": f"{self.url}/records/{pid}/draft"}}
        if method == "POST" and path == ["curations"]:
            return 201, {}, {"id": str(uuid.uuid4()), "type": "rdm-curation", "status": "submitted"}
        if method == "POST" and path[:1] == ["requests"]:
            return 200, {}, {"id": path[1], "status": path[-1]}
        return 404, {}, {"status": 404, "message": f"fake: no route for {method} {parts.path}"}

    def draft(self, method: str, pid: str, rest: list[str], body: bytes):
        if pid not in self.drafts or pid in self.published:
            return 404, {}, {"status": 404}
        if method == "DELETE" and rest == ["draft"]:
            del self.drafts[pid]
            return 204, {}, b""
        if rest == ["draft", "pids", "doi"]:
            return 201, {}, {"pids": {"doi": {"identifier": f"10.12345/{pid}", "provider": "datacite"}}}
        if rest == ["draft", "files"]:
            return 201, {}, {"entries": [{"key": e["key"], "status": "pending"} for e in json.loads(body)]}
        if rest[:2] == ["draft", "files"] and rest[-1] == "content":
            return 200, {}, {"key": rest[2], "status": "pending"}
        if rest[:2] == ["draft", "files"] and rest[-1] == "commit":
            return 200, {}, {"key": rest[2], "status": "completed", "checksum": "md5:" + "0" * 32}
        if rest == ["draft", "actions", "publish"]:
            self.published.add(pid)
            return 202, {}, {"id": pid, "is_published": True,
                             "pids": {"doi": {"identifier": f"10.12345/{pid}", "provider": "datacite"}}}
        return 404, {}, {"status": 404}

    def search(self, query: dict) -> dict:
        hits = sorted(self.records, key=lambda r: r["created"], reverse=query.get("sort") != "oldest")
        size, page = int(query.get("size", 10)), int(query.get("page", 1))
        shown = hits[(page - 1) * size: page * size]
        base = f"{self.url}/records?page={{}}&q={query.get('q', '')}&size={size}&sort={query.get('sort', 'newest')}"
        links = {"self": base.format(page)}
        if page * size < len(hits):
            links["next"] = base.format(page + 1)
        return {"hits": {"hits": [self._record(r) for r in shown], "total": len(hits)}, "links": links}


def record_cassettes(folder: Path) -> Path:
    """Record every case against a fresh fake, with the runner's record mode, into ``folder``."""
    fake = FakeInvenio()
    try:
        settings = Settings(mode="record", api_url=fake.url, disposable=True, instance_version="fake",
                            tokens={"depositor": "dep-secret-1234", "curator": "cur-secret-5678"}, cassettes=folder)
        for case in load_cases():
            failed = [m for r in run_case(case, settings) for m in r.messages()]
            assert not failed, f"{case.name}: {failed}"
    finally:
        fake.close()
    return folder


def theme_page(folder: Path) -> Path | None:
    """invenio-theme-tuw's about_api.html: $APIDOCS_THEME_PAGE, the installed package, or
    ``pip download`` of the version the seed came from into ``folder``; None if none works."""
    if os.environ.get("APIDOCS_THEME_PAGE"):
        return Path(os.environ["APIDOCS_THEME_PAGE"])
    spec = importlib.util.find_spec("invenio_theme_tuw")
    if spec and spec.origin:
        found = list(Path(spec.origin).parent.rglob("about_api.html"))
        if found:
            return found[0]
    done = subprocess.run([sys.executable, "-m", "pip", "download", "invenio-theme-tuw==2025.1.13", "--no-deps",
                           "-q", "-d", str(folder)], capture_output=True, text=True, timeout=300)
    wheels = list(folder.glob("*.whl"))
    if done.returncode or not wheels:
        return None
    with zipfile.ZipFile(wheels[0]) as wheel:
        name = next(n for n in wheel.namelist() if n.endswith("invenio_theme_tuw/about_api.html"))
        wheel.extract(name, folder)
    return folder / name
