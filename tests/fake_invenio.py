"""A small stand-in for the InvenioRDM REST API, for the report and drift tests.

It answers the read-only cases (1 metadata, 2 search, 5 download) and case 3 (create a
draft, reserve its DOI, delete it) with InvenioRDM's shapes, so that ``apidocs record``
records a real cassette from it and ``apidocs live`` runs against it. ``changes`` turns
on one deliberate change of behaviour at a time, the kind an upgrade brings:

- ``resource_type_title_str``: ``metadata.resource_type.title`` becomes a string
  (a field the page's example shows changes type; the snippet still works);
- ``rename_publication_date``: ``metadata.publication_date`` → ``metadata.publicationDate``;
- ``require_funding``: creating a draft without ``metadata.funding`` is a 400 listing it;
- ``rename_sort_newest``: the sort option ``newest`` is now ``latest`` (``newest`` → 400);
- ``drop_content_disposition``: downloads lose their Content-Disposition header.

Every server instance has its own volatile values (revision ids, timestamps, ETags,
draft ids, its port), so a record on one and a live run on another must show no drift.
"""

from __future__ import annotations

import json
import random
import string
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TOKENS = {"depositor-token-123", "curator-token-456"}
CSV = b"year,station,mean_temperature_c\n2023,Vienna,12.9\n2024,Vienna,13.4\n"


def _pid() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(random.choices(alphabet, k=5)) + "-" + "".join(random.choices(alphabet, k=5))


class FakeInvenio:
    def __init__(self, *changes: str) -> None:
        self.changes = set(changes)
        self.requests: list[str] = []
        self.epoch = datetime.now(timezone.utc) - timedelta(minutes=random.randint(1, 10_000))
        self.revision = random.randint(2, 50)
        self.records = [
            self._record(_pid(), "Climate Change Data", "2025-01-01", 3),
            self._record(_pid(), "Climate Temperature Records", "2024-12-25", 2),
            self._record(_pid(), "Climate archive of 2019", "2019-05-01", 1),
        ]
        self.drafts: dict[str, dict] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.requests.append(f"{self.command} {self.path}")
                status, headers, payload = server.handle(self.command, self.path, dict(self.headers.items()), body)
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

    # ------------------------------------------------------------ lifecycle
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/api"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> "FakeInvenio":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ data
    def _stamp(self, hours: int) -> str:
        return (self.epoch + timedelta(hours=hours)).isoformat()

    def _record(self, pid: str, title: str, date: str, age: int) -> dict:
        return {
            "id": pid,
            "created": self._stamp(age), "updated": self._stamp(age + 1),
            "revision_id": self.revision,
            "metadata": {
                "title": title,
                "creators": [{"person_or_org": {"name": "Doe, John", "type": "personal"}}],
                "publication_date": date,
                "resource_type": {"id": "dataset", "title": {"en": "Dataset"}},
            },
            "files": {"enabled": True},
            "is_published": True,
        }

    def _shown(self, record: dict, origin: str) -> dict:
        record = json.loads(json.dumps(record))
        metadata = record["metadata"]
        if "resource_type_title_str" in self.changes:
            metadata["resource_type"]["title"] = "Dataset"
        if "rename_publication_date" in self.changes and "publication_date" in metadata:
            metadata["publicationDate"] = metadata.pop("publication_date")
        base = f"{origin}/api/records/{record['id']}"
        record["links"] = {"self": base, "files": f"{base}/files"}
        return record

    # ------------------------------------------------------------ routing
    def handle(self, method: str, path: str, headers: dict, body: bytes) -> tuple[int, dict, bytes]:
        parts = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        origin = "http://" + next((v for k, v in headers.items() if k.lower() == "host"), "localhost")
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        segments = [s for s in parts.path.split("/") if s][1:]  # drop "api"
        if method in ("POST", "PUT", "DELETE") and auth.removeprefix("Bearer ") not in TOKENS:
            return self._json(403, {"status": 403, "message": "Permission denied."})
        match method, segments:
            case "GET", ["records"]:
                return self._search(query, origin)
            case "GET", ["records", pid]:
                record = self._find(pid)
                return self._json(200, self._shown(record, origin)) if record else self._missing()
            case "GET", ["records", pid, "files"]:
                return self._json(200, {"entries": [{"key": "example_dataset.csv", "size": len(CSV)}]})
            case "GET", ["records", pid, "files", key, "content"]:
                return self._download(key)
            case "POST", ["records"]:
                return self._create(json.loads(body or b"{}"), origin)
            case "POST", ["records", pid, "draft", "pids", "doi"]:
                draft = self.drafts.get(pid)
                if draft is None:
                    return self._missing()
                draft["pids"] = {"doi": {"identifier": f"10.99999/{pid}", "provider": "datacite", "client": "datacite"}}
                return self._json(201, self._shown(draft, origin))
            case "DELETE", ["records", pid, "draft"]:
                return (204, {}, b"") if self.drafts.pop(pid, None) else self._missing()
        return self._missing()

    def _json(self, status: int, document) -> tuple[int, dict, bytes]:
        return status, {"Content-Type": "application/json"}, json.dumps(document).encode()

    def _missing(self):
        return self._json(404, {"status": 404, "message": "The persistent identifier does not exist."})

    def _find(self, pid: str) -> dict | None:
        return next((r for r in self.records if r["id"] == pid), None)

    def _search(self, query: dict, origin: str):
        sort = query.get("sort", "bestmatch")
        options = {"bestmatch", "oldest", "mostviewed", "newest" if "rename_sort_newest" not in self.changes else "latest"}
        if sort not in options:
            return self._json(400, {"status": 400, "message": f"Invalid sort option '{sort}'."})
        hits = [r for r in self.records if _matches(r, query.get("q", ""))]
        if sort in ("newest", "latest"):
            hits.sort(key=lambda r: r["created"], reverse=True)
        elif sort == "oldest":
            hits.sort(key=lambda r: r["created"])
        size, page = int(query.get("size", 10)), int(query.get("page", 1))
        shown = hits[(page - 1) * size: page * size]
        base = f"{origin}/api/records?q={query.get('q', '')}&sort={sort}&size={size}"
        links = {"self": f"{base}&page={page}"}
        if page * size < len(hits):
            links["next"] = f"{base}&page={page + 1}"
        return self._json(200, {"hits": {"hits": [self._shown(r, origin) for r in shown], "total": len(hits)},
                                "links": links, "sortBy": sort})

    def _download(self, key: str):
        headers = {
            "Content-Type": "text/csv",
            "Content-Disposition": f'inline; filename="{key}"',
            "ETag": f'"{random.randint(10**8, 10**9)}"',
            "Last-Modified": "Sun, 01 Dec 2024 13:34:43 GMT",
        }
        if "drop_content_disposition" in self.changes:
            del headers["Content-Disposition"]
        return 200, headers, CSV

    def _create(self, data: dict, origin: str):
        metadata = data.get("metadata") or {}
        if "require_funding" in self.changes and "funding" not in metadata:
            return self._json(400, {"status": 400, "message": "A validation error occurred.",
                                    "errors": [{"field": "metadata.funding",
                                                "messages": ["Missing data for required field."]}]})
        pid = _pid()
        now = datetime.now(timezone.utc).isoformat()
        draft = {"id": pid, "created": now, "updated": now, "revision_id": self.revision,
                 "metadata": metadata, "files": data.get("files", {}), "is_draft": True, "is_published": False,
                 "pids": {}}
        self.drafts[pid] = draft
        return self._json(201, self._shown(draft, origin))


def _matches(record: dict, q: str) -> bool:
    metadata = record["metadata"]
    for term in [t.strip() for t in q.split(" AND ") if t.strip()]:
        if term.startswith("metadata.title:"):
            if term.split(":", 1)[1].lower() not in metadata["title"].lower():
                return False
        elif term.startswith("metadata.publication_date:["):
            low, _, high = term.split(":", 1)[1].strip("[]").partition(" TO ")
            date = metadata.get("publication_date", "")
            if not (low <= date <= high):
                return False
        elif term.lower() not in json.dumps(metadata).lower():
            return False
    return True


# ------------------------------------------------------------ running the real engine against it
READ_AND_WRITE_CASES = ["case1_metadata", "case2_search", "case3_upload", "case5_download"]


def settings_for(mode: str, url: str, cassettes):
    from runner.settings import Settings

    return Settings(mode=mode, api_url=url, tokens={"depositor": "depositor-token-123", "curator": "curator-token-456"},
                    disposable=True, cassettes=cassettes)


def run_cases(mode: str, url: str, cassettes, names=READ_AND_WRITE_CASES) -> list:
    """Every StepResult of ``names`` run by the engine in ``mode`` (record writes cassettes)."""
    from cases import load_cases
    from runner.engine import run_case

    results = []
    for case in load_cases(names):
        results += list(run_case(case, settings_for(mode, url, cassettes)))
    return results
