"""Run a case: every step, in both languages, each language in its own chain.

Flow: open the cassette (replay: play it back; record: record into a temp file; live:
none) → start the capture proxy in front of it → for each step run the Python chain's
and the cURL chain's version → compare what each sent and check what came back → bind
ids for the next step → always clean up drafts → yield one :class:`StepResult` a step.
"""

from __future__ import annotations

import contextlib
import datetime
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generator, Iterator

from apidocs.core import content
from apidocs.core.errors import ServerUnreachable
from apidocs.core.files import write_atomically
from apidocs.core.fixtures import MARKER, foreign_records
from apidocs.core.languages import label
from apidocs.core.model import Action, Case, Snippet, Step, Transcript
from apidocs.core.problems import Kind, Problem, only_data_missing
from apidocs.core.settings import Mode, Settings
from apidocs.runner import cassettes
from apidocs.runner.actions import delete_draft, send_action
from apidocs.runner.api import Api, ApiError
from apidocs.runner.capture import CaptureProxy, Exchange, origin
from apidocs.runner.compare import (
    endpoint_problems,
    request_differences,
    request_problems,
    response_problems,
    view,
)
from apidocs.runner.execute import run_snippet
from apidocs.runner.placeholders import bound_values, materialise, substitutions
from apidocs.runner.preflight import require_disposable
from apidocs.runner.results import CaseRun, Ledger, StepResult, StepRun
from apidocs.runner.transcript import run_transcript


@dataclass
class Chain:
    """One language's run through a case: whose tokens, what it bound, and where it stopped
    (it sends to the capture proxy, ``proxy.base_url``, as every chain does)."""

    #: role → its token, for the roles the case uses
    tokens: dict[str, str]
    #: values the responses made (``record_id``, ``request_id``), for the next steps' fields
    bound: dict[str, str] = field(default_factory=dict)
    #: the step whose failure stopped this chain ("" while it runs)
    stopped_by: str = ""
    #: drafts whose DELETE failed (InvenioRDM 14 cannot delete a draft whose curation
    #: request was accepted): published and removed afterwards, if the admin's token allows
    undeleted: list[str] = field(default_factory=list)


#: The tombstone of a published test record (InvenioRDM's TombstoneSchema).
REMOVAL = {"note": "Test record of the verified API docs, removed after the run.", "is_visible": False}


def cassette_path(settings: Settings, case: Case) -> Path:
    return cassettes.path_for(settings.cassettes, case.name)


def run_case(case: Case, settings: Settings, workdir: Path | None = None,
             ledger: Ledger | None = None) -> Generator[StepResult, None, None]:
    """Run ``case`` and yield each step's result as soon as it is known.

    Raises :class:`ApidocsError` for what stops the whole case (no cassette, a broken one,
    a live write to an instance that is not disposable, a missing token). Drafts are
    deleted however the run ends (a failure, Ctrl-C, SIGTERM); records a live run
    published are removed with the admin's token, or listed in ``ledger`` as left behind.
    """
    run = CaseRun(case)
    ledger = ledger if ledger is not None else Ledger()
    if settings.online and case.writes:  # also when run_case is called without the preflight
        require_disposable(settings, case.name)
    chains: dict[str, Chain] = {}
    try:
        with contextlib.ExitStack() as stack:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="apidocs-")))
            if settings.mode is Mode.RECORD:  # runs after the cassette is saved, before tmp goes
                stack.callback(_keep_recording, run, settings, tmp)
            upstream = _open_cassette(case, settings, stack, tmp)
            proxy = stack.enter_context(CaptureProxy(upstream, settings.policy))
            tokens = {role: settings.token(role) for role in case.roles}
            chains.update({lang: Chain(tokens) for lang in case.languages})
            try:
                for step in case.steps:
                    started = time.monotonic()
                    result = _run_step(case, step, chains, proxy, settings, workdir or tmp, ledger.fixtures_missing)
                    result.seconds = time.monotonic() - started
                    if proxy.unreachable:  # every later step would fail the same way: stop the run
                        raise ServerUnreachable(f"{proxy.unreachable} (stopped at {case.name} › {step.name})")
                    run.steps.append(result)
                    yield result
                run.complete = True
            finally:
                run.warnings.extend(_clean_up(case, chains, proxy, settings))
    finally:
        if settings.online and case.cleanup:
            _remove_published(case, chains, settings, ledger)
        # also when the run stops: drafts left behind are named (the console says it)
        ledger.notes += [f"  warning: {case.name}: {warning}" for warning in run.warnings]
    if settings.mode is Mode.RECORD:
        kept = "recorded" if run.ok else "NOT recorded (a step failed), left unchanged:"
        ledger.notes.append(f"  {kept} {cassette_path(settings, case)}")


def _open_cassette(case: Case, settings: Settings, stack: contextlib.ExitStack, tmp: Path) -> str:
    """Enter the cassette this mode needs and return the URL the proxy forwards to."""
    if settings.mode is Mode.REPLAY:
        stack.enter_context(cassettes.replay(cassette_path(settings, case)))
        return cassettes.CANONICAL_ORIGIN + "/api"
    if settings.mode is Mode.RECORD:
        secrets = list(settings.tokens.values())
        recorder = cassettes.make_vcr(secrets, upstream_origin=origin(settings.api_url))
        recording = stack.enter_context(recorder.use_cassette(str(tmp / "recording.yaml"), record_mode="all"))
        recording.get_metadata("recorded", {
            "date": datetime.date.today().isoformat(),
            "instance": settings.instance_version or "unknown (set DOCS_INSTANCE_VERSION)",
            "by": "make record",
        })
    return settings.api_url


def _keep_recording(run: CaseRun, settings: Settings, tmp: Path) -> None:
    """Move a complete recording (every step passed) over the committed cassette (same
    folder, then rename); a failed one leaves the cassette as it was."""
    if not run.ok:
        return
    target = cassette_path(settings, run.case)
    write_atomically(target, (tmp / "recording.yaml").read_text(encoding="utf-8"))


def _run_step(case: Case, step: Step, chains: dict[str, Chain], proxy: CaptureProxy, settings: Settings,
              workdir: Path, fixtures_missing: tuple[str, ...]) -> StepResult:
    runs = {}
    for language, chain in chains.items():
        if chain.stopped_by:
            runs[language] = StepRun(language, stopped_by=chain.stopped_by)
            continue
        if isinstance(step, Snippet):
            run = _run_snippet(case, step, language, chain, proxy, settings,
                               workdir / case.name / language / step.name)
        elif isinstance(step, Transcript):
            run = run_transcript(case, step, chain.bound, proxy, settings, workdir / case.name / step.name)
        else:
            run = _run_action(step, language, chain, proxy)
            if step.stand_in and fixtures_missing and only_data_missing(run.problems):
                run = _run_action(step.stand_in, language, chain, proxy)
                run.stand_in = True
        if not fixtures_missing:  # the data is there: too few hits is the page's fault
            run.problems = [problem.as_failure() for problem in run.problems]
        if run.problems:
            chain.stopped_by = step.name
        runs[language] = run
    result = StepResult(case.name, step, runs)
    requests = {language: r.request for language, r in runs.items() if r.request is not None}
    if isinstance(step, Snippet) and len(requests) == len(runs):
        first, *others = requests
        for other in others:
            differences = request_differences(requests[first], requests[other], label(first), label(other))
            prefix = f"{label(first)} and {label(other)} sent different requests — "
            concerned = _changed((first, other), runs)
            result.problems += [Problem(Kind.MISMATCH, prefix + d, languages=concerned) for d in differences]
    return result


def _changed(pair: tuple[str, str], runs: dict[str, StepRun]) -> tuple[str, ...]:
    """The languages of ``pair`` whose snippets a mismatch between them concerns: the one whose
    own run found a problem when the other's passed (its snippet changed: the cassette lacks
    its request, or its answer failed a check), else both (nothing tells which one is wrong)."""
    failed = tuple(language for language in pair if runs[language].problems)
    return failed if len(failed) == 1 else pair


def _run_snippet(case: Case, step: Snippet, language: str, chain: Chain, proxy: CaptureProxy,
                 settings: Settings, workdir: Path) -> StepRun:
    run = StepRun(language, table=substitutions(case, proxy.base_url, chain.tokens.get(step.role, ""), chain.bound))
    text = materialise(step.texts[language], run.table)
    first = len(proxy.exchanges)
    run.process = process = run_snippet(language, text, workdir, step.files, timeout=settings.policy.timeout * 2 + 10)
    run.exchanges = proxy.exchanges[first:]
    if not run.exchanges:
        run.problems.append(Problem(Kind.REQUEST,
                                    f"sent no request (exit code {process.exit_code}: {process.tail()})"))
        return run
    if len(run.exchanges) > 1:
        run.problems.append(Problem(Kind.REQUEST, f"sent {len(run.exchanges)} requests, the page documents one"))
    response = run.exchanges[-1]
    run.request = request = view(response, run.table)
    run.problems += request_problems(request, step.needs_token, step.method, content.of_project().no_body)
    run.problems += endpoint_problems(request, step.method, step.endpoint, proxy.api_path)
    if step.upstream and step.upstream.unanswered(response.status) and not run.problems:
        run.waiting = step.upstream.waiting(response.status)
    else:
        run.problems += response_problems(response, step.expect, chain.bound)
    if settings.mode is Mode.RECORD and step.example is not None and not run.problems:
        run.problems += foreign_problems(response)
    if process.exit_code != 0 and not run.problems and not run.waiting:  # a reader's run fails there too
        run.problems.append(Problem(Kind.REQUEST,
                                    f"the snippet exited with code {process.exit_code}: {process.tail()}"))
    if step.saves and not run.problems:
        run.problems += _saved_file_problems(process.workdir, response, materialise(step.saves, run.table))
    if not run.problems:
        run.problems += _bind(step.bind, response, chain.bound)
    return run


def foreign_problems(exchange: Exchange) -> list[Problem]:
    """A recording whose example shows records that are not our fixtures is refused: the
    page would show other people's data (and change with it on every re-record)."""
    try:
        foreign = foreign_records(exchange.json())
    except ValueError:
        return []
    if not foreign:
        return []
    return [Problem(Kind.FOREIGN,
                    f"the example response shows {len(foreign)} record(s) that are not fixtures of the verified API"
                    f" docs (no {MARKER!r} subject): {', '.join(foreign[:5])}{' …' if len(foreign) > 5 else ''};"
                    " recorded, they would be on the page: narrow the snippet's query to the fixtures, or remove"
                    " those records from the instance")]


def _saved_file_problems(workdir: Path, response: Exchange, name: str) -> list[Problem]:
    saved = workdir / name
    if not saved.is_file():
        return [Problem(Kind.EFFECT, f"did not save the file as {name!r} in its working directory")]
    if saved.read_bytes() != response.response_body:
        return [Problem(Kind.EFFECT, f"saved {name!r}, but its content differs from the response body")]
    return []


def _run_action(action: Action, language: str, chain: Chain, proxy: CaptureProxy) -> StepRun:
    run = StepRun(language)
    exchange = send_action(action, chain.tokens, chain.bound, proxy.api_path, proxy.send)
    run.exchanges = [exchange]
    run.problems = response_problems(exchange, action.expect, chain.bound)
    if not run.problems:
        run.problems = _bind(action.bind, exchange, chain.bound)
    return run


def _bind(bind: dict[str, str], exchange: Exchange, bound: dict) -> list[Problem]:
    if not bind:
        return []
    try:
        # one by one: an id bound before a missing field stays, so its draft is still cleaned up
        bound.update(bound_values(bind, exchange.json()))
    except (ValueError, KeyError) as exc:
        return [Problem(Kind.FIELD, f"cannot take the next step's id from the response: {exc} not found")]
    return []


def _created(case: Case, chains: dict[str, Chain]) -> Iterator[tuple[str, str]]:
    """(language, record id) of every record the run created, from the case's clean-up bindings (``Case.cleanup``)."""
    for language, chain in chains.items():
        for name in case.cleanup:
            if name in chain.bound:
                yield language, chain.bound[name]


def _clean_up(case: Case, chains: dict[str, Chain], proxy: CaptureProxy, settings: Settings) -> list[str]:
    """Delete the drafts a run created (it is also recorded, so replay does the same)."""
    warnings = []
    for language, record_id in _created(case, chains):
        why = delete_draft(record_id, chains[language].tokens["depositor"], proxy.api_path, proxy.send)
        if why:
            chains[language].undeleted.append(record_id)
            if not settings.online or not settings.tokens.get("admin"):
                warnings.append(f"{label(language)} chain: could not delete draft {record_id}: {why}")
    return warnings


def _publish_to_remove(api: Api, record_id: str, depositor: str, ledger: Ledger) -> None:
    """A draft that cannot be deleted (its curation was accepted) can be published, and a
    published record removed: the only way InvenioRDM 14 leaves nothing of it in search."""
    try:
        api.call("POST", f"/records/{record_id}/draft/actions/publish", depositor, expect=(202,))
    except ApiError as exc:
        ledger.warnings.append(f"draft {record_id} could be neither deleted nor published: {exc}")
        ledger.left_behind.append(record_id)


def _remove_published(case: Case, chains: dict[str, Chain], settings: Settings, ledger: Ledger) -> None:
    """Records the run published: removed with the admin's token (a tombstone, out of
    search), else listed as left behind. Outside the cassette: housekeeping, not a step."""
    api = Api(settings.api_url, settings.policy.timeout)
    admin = settings.tokens.get("admin", "")
    for language, record_id in _created(case, chains):
        if admin and record_id in chains[language].undeleted:
            _publish_to_remove(api, record_id, settings.tokens.get("depositor", ""), ledger)
        try:
            api.call("GET", f"/records/{record_id}", settings.tokens.get("depositor"))
        except ApiError as exc:
            if exc.status not in (404, 410):  # not published (a draft, deleted above): nothing to do
                ledger.warnings.append(f"{case.name}: cannot tell whether {record_id} was published: {exc}")
            continue
        if not admin:
            ledger.left_behind.append(record_id)
            continue
        try:
            api.call("DELETE", f"/records/{record_id}/delete", admin, expect=(204,), json=REMOVAL)
            ledger.removed.append(record_id)
        except ApiError as exc:
            ledger.left_behind.append(record_id)
            ledger.warnings.append(f"{case.name}: could not remove published record {record_id}: {exc}")
