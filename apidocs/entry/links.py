"""``apidocs links``: the links of our pages, as the app serves them, followed.

Each page the docs project declares (:func:`apidocs.core.content.pages`) is fetched from the app (``--app``, else the
origin of ``$DOCS_API_URL``). A page that answers 200 built every ``url_for`` of its
template (Flask answers 500 when one names no route); the link each endpoint made is
found on the page (:mod:`apidocs.render.links`). Every internal link (the app's own origin: hrefs,
stylesheets, scripts, images) is then fetched: it must answer below 400, and a
``#fragment`` must name an element of the page it leads to. External links are listed;
with ``--external`` (the nightly job, which has network) they are fetched too.

Exit 0 when nothing is broken, 1 when a page or a link is (each named with its page), 2
when the check could not run: the app does not answer, or no external link could be
reached at all (no network) — after the report of what was checked.
"""

from __future__ import annotations

import argparse
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable
from urllib.parse import urljoin

import requests

from apidocs.core import settings as settings_module
from apidocs.core import validate
from apidocs.core.content import pages as declared_pages
from apidocs.core.errors import ServerUnreachable, SettingError
from apidocs.core.files import check_folder, write_atomically
from apidocs.core.pages import Page
from apidocs.core.settings import ForwardPolicy, Mode
from apidocs.entry.render_cli import shown
from apidocs.render.errors import RenderError
from apidocs.render.link_report import LinkCheck, ServedPage, as_json, console_lines, markdown, served_page, target_urls
from apidocs.render.links import (
    RATE_LIMITED,
    RATE_LIMITED_NOTE,
    Answer,
    Document,
    origin_of,
    parse,
    template_anchors,
    url_for_endpoints,
)
from apidocs.runner.api import retry_after

#: Redirects of an internal link followed to say where they end.
MAX_REDIRECTS = 5
#: Targets fetched at once.
WORKERS = 8
HEADERS = {"User-Agent": "apidocs-links (verified API docs: link check)"}
#: Why a request got no answer, by what it raised: the first class that matches (most specific first).
FAILURES: tuple[tuple[type[Exception], str], ...] = (
    (requests.Timeout, "no answer within {timeout:g} s"),
    (requests.exceptions.SSLError, "TLS handshake failed"),
    (requests.exceptions.ProxyError, "could not connect through the proxy"),
    (requests.ConnectionError, "could not connect"),
    (requests.RequestException, "the request failed"),
)
#: The operating system's word for it, inside urllib3's long message.
ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")
REPORT_FILES = {"links.md": markdown, "links.json": as_json}


def reason(exc: requests.RequestException, timeout: float) -> str:
    """A request's failure in a few words: what happened, and the system's reason when it gave one."""
    what = next(text for kind, text in FAILURES if isinstance(exc, kind)).format(timeout=timeout)
    detail = ERRNO.findall(str(exc))
    return f"{what}: {detail[-1].strip()}" if detail else what


def get(url: str, policy: ForwardPolicy, internal: bool) -> tuple[int, str, Document | None]:
    """One GET, retried after a 429 as a run's requests are (``DOCS_RETRIES``,
    ``DOCS_RETRY_AFTER_MAX``): the status, where it redirects (absolute, or ""), and, for an
    HTML page of the app, its document. The app is asked directly, its redirects not followed,
    its answer read to the end (its connection then closes cleanly); other sites through the
    environment's proxy (``HTTPS_PROXY``: a CI runner's way out), to the end of their
    redirects, without reading more than the status and headers."""
    with requests.Session() as session:
        session.trust_env = not internal
        attempt = 0
        while True:
            with session.get(url, timeout=policy.timeout, allow_redirects=not internal, stream=not internal,
                             headers=HEADERS) as response:
                wait = retry_after(response)
                if response.status_code != 429 or attempt == policy.max_retries or wait is None:
                    location = urljoin(url, response.headers["Location"]) if response.is_redirect else ""
                    read = internal and not location and is_html(response)
                    return response.status_code, location, parse(response.text) if read else None
            time.sleep(min(wait, policy.max_retry_after))
            attempt += 1


def is_html(response: requests.Response) -> bool:
    return response.headers.get("Content-Type", "").startswith("text/html")


def fetch_internal(url: str, policy: ForwardPolicy) -> Answer:
    """What a link into the app answers itself: its status decides. Its redirects within the
    app are followed only to say where they end when that fails: they are mostly the login a
    reader who is not signed in is sent to, so their end says nothing of the link (and one to
    another site, a login service, is not followed)."""
    try:
        status, moved_to, document = get(url, policy, internal=True)
    except requests.RequestException as exc:
        return Answer(error=reason(exc, policy.timeout))
    if status == RATE_LIMITED:
        return Answer(status, note=RATE_LIMITED_NOTE)
    reached, end, location = url, status, moved_to
    try:
        for _ in range(MAX_REDIRECTS):
            if not location or origin_of(location) != origin_of(url):
                break
            reached = location
            end, location, document = get(reached, policy, internal=True)
    except requests.RequestException as exc:
        return Answer(status, moved_to=moved_to,
                      note=f"it leads on to {reached}, which does not answer: {reason(exc, policy.timeout)}")
    note = (RATE_LIMITED_NOTE if end == RATE_LIMITED else f"it leads on to {reached}, which answers HTTP {end}"
            if moved_to and end >= 400 else "")
    return Answer(status, document=document, moved_to=moved_to, note=note)


def fetch_external(url: str, policy: ForwardPolicy) -> Answer:
    """What a link to another site answers at the end of its redirects: a page moved to a
    404 is broken for every reader."""
    try:
        return Answer(get(url, policy, internal=False)[0])
    except requests.RequestException as exc:
        return Answer(error=reason(exc, policy.timeout))


def fetch_all(urls: list[str], fetch: Callable[[str, ForwardPolicy], Answer],
              policy: ForwardPolicy) -> dict[str, Answer]:
    """``fetch`` every URL, :data:`WORKERS` at a time."""
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return dict(zip(urls, pool.map(lambda url: fetch(url, policy), urls), strict=True))


def page_check(page: Page, app: str, policy: ForwardPolicy) -> ServedPage:
    """One page as the app serves it, with its template's url_for endpoints and links."""
    url = app + page.served_at
    answer = fetch_internal(url, policy)
    if answer.status is None:
        raise ServerUnreachable(f"the app at {app} does not answer ({url}: {answer.error}):"
                                " start it (`make instance`) or give --app URL")
    where = shown(page.path)
    try:
        source = page.path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RenderError(f"cannot read {where}: {exc.strerror}") from None
    return served_page(page.name, url, where, url_for_endpoints(source, where), template_anchors(page.path),
                       answer, app)


def check_links(app: str, policy: ForwardPolicy, external: bool) -> LinkCheck:
    """Every page fetched from ``app``, then every internal target, then (``external``) the others."""
    started = time.monotonic()
    pages = [page_check(page, app, policy) for page in declared_pages().values()]
    answers = {page.url: page.answer for page in pages}
    unasked = [url for url in target_urls(pages, internal=True) if url not in answers]
    answers |= fetch_all(unasked, fetch_internal, policy)
    if stopped := next((url for url, answer in answers.items() if answer.status is None), None):
        raise ServerUnreachable(f"the app at {app} stopped answering: {stopped}: {answers[stopped].error}")
    if external:
        answers |= fetch_all(target_urls(pages, internal=False), fetch_external, policy)
    return LinkCheck(app, tuple(pages), answers, external, time.monotonic() - started)


def app_to_check(given: str | None, app_url: str) -> str:
    """``--app``, else where ``$DOCS_API_URL``'s app serves its pages; one line when neither is there."""
    if given:
        try:
            return validate.api_url(given)
        except validate.Invalid as exc:
            raise SettingError(f"--app={given!r}: {exc}") from None
    if not app_url:
        raise SettingError("no app to check: give --app URL, or set DOCS_API_URL (default: .instance/env's,"
                           " written by `make instance`)")
    return app_url


def links(args: argparse.Namespace) -> int:
    """The command: check, print, write the report; the exit code."""
    loaded = settings_module.load(Mode.REPLAY)
    app = app_to_check(args.app, loaded.app_url)
    if args.report:  # found out before the check, not after it
        check_folder(args.report, "the link report")
    what = "checked" if args.external else "listed"
    print(f"apidocs links: {len(declared_pages())} pages served by {app} (external links {what})", flush=True)
    check = check_links(app, loaded.policy, args.external)
    print("\n".join(console_lines(check)))
    for name, text in REPORT_FILES.items() if args.report else ():
        write_atomically(Path(args.report) / name, text(check))
        print(f"report: {shown(Path(args.report) / name)}")
    unreachable = check.unreachable()
    if unreachable and len(unreachable) == len(check.external()):
        first = check.answers[unreachable[0]].error
        raise ServerUnreachable(f"none of the {len(unreachable)} external links could be reached ({first}):"
                                " no network here? The internal links were checked (see above)")
    return 1 if check.broken() else 0
