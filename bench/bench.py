"""``make bench``: what verification costs on top of running the snippets by hand.

(a) ``apidocs verify`` - every step of every case, both languages, offline, as a user
    runs it (its own process, from the shell);
(b) the bare cost - the same snippets, materialised with the same values, run by hand
    (``python -I snippet.py``, ``bash snippet.sh`` with curl) against the same replay
    proxy (apidocs.runner.capture.CaptureProxy over the same cassettes);
(c) ``make verify`` - the whole main job: every case once and every page checked from
    the same results (plus whatever else the Makefile's target runs);
(d) ``render --check`` on its own: cold (an empty cache: every case replayed) and with
    nothing changed since (the blocks come from the cache);
then the live tier (when the reference instance in .instance/env answers). A profile of
verify in-process says where the time above the bare cost goes. Each figure is the best
of BENCH_REPEAT runs (all runs are printed); the last lines are the ratios to the bare
cost and the time of a check with nothing changed, each with its goal.

Cassettes: the committed ones (``make record`` from the reference instance); without
them the bench stops and says so.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from apidocs.core.languages import language as language_named  # noqa: E402
from apidocs.core.model import API_URL, Case, Snippet  # noqa: E402
from apidocs.core.settings import Mode, Settings, read_env_file  # noqa: E402
from apidocs.entry.loader import load_cases  # noqa: E402
from apidocs.runner import cassettes  # noqa: E402
from apidocs.runner.capture import CaptureProxy  # noqa: E402
from apidocs.runner.engine import run_case  # noqa: E402
from apidocs.runner.placeholders import materialise  # noqa: E402


def _repeat() -> int:
    """BENCH_REPEAT, checked: a bad value is one line and exit 2, as for every setting."""
    value = os.environ.get("BENCH_REPEAT") or "3"
    if not value.isdigit() or int(value) < 1:
        print(f"bench: error: BENCH_REPEAT={value!r}: must be a whole number of runs, 1 or more", file=sys.stderr)
        sys.exit(2)
    return int(value)


REPEAT = _repeat()


def say(text: str = "") -> None:
    print(text, flush=True)


def timed(command: list[str], env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    """Run ``command`` in the project folder as a user would; its wall time and result."""
    environment = {**os.environ, "DOCS_INSTANCE_ENV": "/nonexistent", **(env or {})}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
    return time.perf_counter() - start, done


#: The CLI as a user runs it.
APIDOCS = [sys.executable, "-m", "apidocs"]


def cli(*args: str, env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    return timed([*APIDOCS, *args], env)


def run_ok(what: str, command: list[str], env: dict | None = None) -> float:
    """Seconds ``command`` took; a run that fails stops the bench with its output."""
    seconds, done = timed(command, env)
    if done.returncode != 0:
        say(done.stdout[-2000:] + done.stderr[-2000:])
        raise SystemExit(f"bench: {what} failed (exit {done.returncode})")
    return seconds


def show(what: str, times: list[float]) -> float:
    """Print the best of ``times`` and every run; return the best."""
    say(f"{what + ':':50s}{min(times):6.2f} s   runs: " + ", ".join(f"{t:.2f}" for t in times))
    return min(times)


# ----------------------------------------------------------------- cassettes to run on
def committed_cases() -> tuple[Path, list[Case]]:
    """Every case (loaded once for the whole bench) and the committed cassettes' folder."""
    cases = load_cases()
    committed = ROOT / "cassettes"
    missing = [case.name for case in cases if not cassettes.path_for(committed, case.name).is_file()]
    if missing:
        raise SystemExit(f"bench: no committed cassette for {', '.join(missing)}: run `make record` first")
    return committed, cases


# ----------------------------------------------------------------- (b) by hand
def snippet_tables(folder: Path, cases: list[Case]) -> dict:
    """The values each snippet was materialised with in a replay (ids are the cassette's
    aliases), and the status it got there (a step waiting for DAMAP gets its 500)."""
    settings = Settings(mode=Mode.REPLAY, cassettes=folder)
    tables = {}
    for case in cases:
        for result in run_case(case, settings):
            assert result.ok, result.messages()
            for language, run in result.runs.items():
                if isinstance(result.step, Snippet):
                    tables[(case.name, result.step.name, language)] = (dict(run.table), run.response.status)
    return tables


def bare(folder: Path, cases: list[Case], tables: dict, workdir: Path) -> tuple[float, int]:
    """Seconds spent running the materialised snippets by hand, and how many ran."""
    spent, count = 0.0, 0
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    for case in cases:
        with cassettes.replay(cassettes.path_for(folder, case.name)), \
                CaptureProxy(cassettes.CANONICAL_ORIGIN + "/api") as proxy:
            for step in case.snippets:
                for language in step.languages:
                    lang = language_named(language)
                    table, status = tables[(case.name, step.name, language)]
                    table = {**table, API_URL: proxy.base_url}
                    here = workdir / case.name / step.name / language
                    here.mkdir(parents=True, exist_ok=True)
                    script = here / f"snippet{lang.suffix}"
                    start = time.perf_counter()
                    for name, content in step.files.items():
                        (here / name).write_bytes(content)
                    script.write_text(materialise(step.texts[language], table) + "\n", encoding="utf-8")
                    done = subprocess.run(lang.argv(str(script)), cwd=here, env={**env, "HOME": str(here)},
                                          capture_output=True, text=True)
                    spent += time.perf_counter() - start
                    count += 1
                    if proxy.exchanges[-1].status != status or proxy.exchanges[-1].error:
                        raise SystemExit(f"bench: {case.name}/{step.name}/{language} failed by hand: "
                                         f"{done.stderr[-300:]} {proxy.exchanges[-1].error or ''}")
    return spent, count


# ----------------------------------------------------------------- profile
def profile(folder: Path, cases: list[Case]) -> None:
    """Where verify's time goes: in-process engine run under cProfile, plus wall-clock splits."""
    from apidocs.runner import capture, execute
    from apidocs.runner.cassettes import playback

    splits = {"snippet processes": 0.0, "proxy forwarding (cassette match)": 0.0, "cassette load+check": 0.0,
              "proxy shutdown": 0.0}
    originals = (execute.run_snippet, capture.CaptureProxy.forward, playback.load_checked,
                 capture.CaptureProxy.__exit__)

    def timed(name, function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                splits[name] += time.perf_counter() - start
        return wrapper

    import apidocs.runner.engine as engine
    engine.run_snippet = timed("snippet processes", originals[0])
    capture.CaptureProxy.forward = timed("proxy forwarding (cassette match)", originals[1])
    playback.load_checked = timed("cassette load+check", originals[2])
    capture.CaptureProxy.__exit__ = timed("proxy shutdown", originals[3])
    settings = Settings(mode=Mode.REPLAY, cassettes=folder)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    try:
        profiler.enable()
        for case in cases:
            for _ in run_case(case, settings):
                pass
        profiler.disable()
    finally:
        (engine.run_snippet, capture.CaptureProxy.forward, playback.load_checked,
         capture.CaptureProxy.__exit__) = originals
    total = time.perf_counter() - start
    say(f"profile (in-process verify, {total:.2f} s wall):")
    for name, seconds in splits.items():
        say(f"  {name:44s} {seconds:6.2f} s  ({100 * seconds / total:4.1f} %)")
    rest = total - sum(v for k, v in splits.items() if not k.startswith("proxy forwarding"))
    say(f"  {'everything else (engine, actions, checks)':44s} {rest:6.2f} s"
        "  (forwarding overlaps the snippet processes)")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime")
    stats.print_stats(12)
    say("  top functions by own time (main thread):")
    for line in out.getvalue().splitlines():
        if line.strip() and (line.strip()[0].isdigit()):
            say("    " + line.strip()[:150])


# ----------------------------------------------------------------- main
def instance_url() -> str | None:
    env = read_env_file(ROOT / ".instance" / "env")
    url = env.get("DOCS_API_URL")
    if not url:
        return None
    try:
        with urllib.request.urlopen(f"{url}/records?size=1", timeout=5) as response:
            return url if response.status == 200 else None
    except OSError:
        return None


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="apidocs-bench-") as name:
        tmp = Path(name)
        folder, cases = committed_cases()
        names = [case.name for case in cases]
        steps = sum(len(c.steps) for c in cases)
        texts = sum(len(s.texts) for c in cases for s in c.snippets)
        say(f"bench: {len(cases)} case(s), {steps} steps ({texts} snippet texts); committed cassettes")
        say(f"bench: best of {REPEAT} runs each; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        cache = tmp / "cache"
        env = {"DOCS_CACHE": str(cache), "DOCS_CASSETTES": str(folder)}

        # interleaved, so that a load that comes and goes (2 cores, shared) weighs on each alike
        times: dict[str, list[float]] = {"verify": [], "bare": [], "make": [], "cold": [], "warm": []}
        tables = snippet_tables(folder, cases)
        for index in range(REPEAT):
            times["verify"].append(run_ok("apidocs verify", [*APIDOCS, "verify", *names], env))
            seconds, count = bare(folder, cases, tables, tmp / f"bare{index}")
            times["bare"].append(seconds)
            times["make"].append(run_ok("make verify", ["make", "-s", "verify"], env))
            shutil.rmtree(cache, ignore_errors=True)
            times["cold"].append(run_ok("render --check", [*APIDOCS, "render", "--check"], env))
            times["warm"].append(run_ok("render --check", [*APIDOCS, "render", "--check"], env))
        verify = show("(a) apidocs verify (every step, both languages)", times["verify"])
        bare_best = show(f"(b) bare: {count} snippets run by hand", times["bare"])
        whole = show("(c) make verify (every case once, every page)", times["make"])
        cold = show("(d) render --check, cold (empty cache)", times["cold"])
        warm = show("(d) render --check, nothing changed (cache)", times["warm"])

        url = instance_url()
        if url:
            seconds, done = cli("live", env={"DOCS_INSTANCE_ENV": str(ROOT / ".instance" / "env")})
            say(f"live tier against {url}: {seconds:6.2f} s   (exit {done.returncode})")
        else:
            say("live tier:                                        skipped (reference instance not up: .instance/env)")

        say()
        profile(folder, cases)
        say()
        seconds, _ = cli("list")
        say(f"apidocs start-up (apidocs list):                  {seconds:6.2f} s")
        say(f"render --check cold/warm: {cold:.2f} s / {warm:.2f} s")
        say(f"verify/bare ratio: {verify / bare_best:.2f}   (goal <= 1.3)")
        say(f"make verify/bare ratio: {whole / bare_best:.2f}   (goal <= 1.4)")
        say(f"render --check, nothing changed: {warm:.2f} s   (goal <= 0.3 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
