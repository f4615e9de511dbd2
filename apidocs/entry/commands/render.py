"""``apidocs render``: the pages' blocks from the verified cases, written into each page's
template (or ``--into`` an external copy, ``--from`` a theme release's prose), checked
(``--check``, also a theme repository's own files), or a page's Python snippets as a
notebook; its options and their words: :data:`apidocs.entry.help_texts.RENDER`.

Exit codes: 0 done / up to date; 1 ``--check`` found a difference; 2 the page cannot be
rendered (a case fails in replay, a cassette is missing, markers are wrong): one line.
"""

from __future__ import annotations

from pathlib import Path

from apidocs.core import content
from apidocs.core.exits import ExitCode
from apidocs.core.files import check_file, write_atomically
from apidocs.core.messages import shown
from apidocs.core.settings import Mode, Settings
from apidocs.entry.console import Console
from apidocs.entry.loader import load_cases
from apidocs.entry.options import RenderOptions, cases_folder, load_settings
from apidocs.render import adopt, cache, check, page, template, theme
from apidocs.render.errors import RenderError


def main(options: RenderOptions, console: Console) -> int:
    refuse_clashes(options)
    settings = load_settings(Mode.REPLAY, options.cassettes)
    folder = cases_folder(options.cases_dir)
    one_file = options.into or options.notebook or options.source
    declared = list(content.pages())
    pages = [content.page(options.page).name] if options.page else (declared[:1] if one_file else declared)
    check_outputs(options, pages)
    if options.notebook:
        return write_notebook(pages[0], options.notebook, options.api_url, folder, settings, console)
    keys = {} if options.no_cache else cache.keys(pages, folder, settings.cassettes)
    code = max(render_page(name, options, folder, settings, keys.get(name), console) for name in pages)
    if options.theme_repo:
        code = max(code, check_theme(options.theme_repo, options.patch, pages, folder, settings, keys, console))
    return code


def refuse_clashes(options: RenderOptions) -> None:
    """Options that do not go together are one line, before anything is read."""
    if options.notebook and (options.check or options.into or options.source):
        raise RenderError("--notebook writes only the notebook: use it without --check, --into and --from")
    if options.api_url and not options.notebook:
        raise RenderError("--api-url is for the notebook: use it with --notebook")
    if options.theme_repo and not options.check or options.theme_repo and (options.into or options.source):
        raise RenderError("--theme-repo only checks: use it with --check, without --into and --from")
    if options.patch and not options.theme_repo:
        raise RenderError("--patch is the theme files' patch: use it with --check --theme-repo DIR")


def check_outputs(options: RenderOptions, pages: list[str]) -> None:
    """An output that cannot be written is found out before the replay."""
    if options.notebook:
        check_file(options.notebook, "the notebook")
    elif not options.check:
        for name in [options.into] if options.into else [template(p) for p in pages]:
            check_file(name, "the page")
    elif options.patch:
        check_file(options.patch, "the patch")


def check_theme(repository: Path, patch: Path | None, pages: list[str], folder: Path, settings: Settings,
                keys: dict[str, str | None], console: Console) -> int:
    """Check the theme repository's own files of ``pages``; the patch that fixes them (1), or none (0)."""
    files = theme.found(repository, [content.page(name) for name in pages])
    if not files:
        console.say(f"render: {shown(repository)} holds no theme templates"
                    f" ({theme.theme_file(content.page(pages[0])).parent}/*.html): checked our pages only")
    hunks = []
    for name, relative in files.items():
        path = repository / relative
        blocks = verified_blocks(name, folder, settings, keys.get(name))
        try:
            outcome = check.check_page(name, blocks, path)
        except adopt.AdoptError:  # our page may be ahead: a new case's section, not in the theme yet
            ours = check.check_page(name, blocks).text
            compared = adopt.compare_prose(ours, page.read(path))
            if compared.prose is not adopt.Prose.AHEAD:
                raise
            console.warn(f"render: {relative} lacks what our page adds for {', '.join(compared.new_cases)}"
                         f" ({len(compared.added)} line(s)): the patch adds it")
            hunks.append(theme.git_diff(page.read(path), ours, relative))
            continue
        if not outcome.changed:
            console.say(f"render: {relative} is the verified page ({outcome.blocks} blocks)")
            continue
        why = ("was never adopted: it has no markers" if outcome.adopted
               else f"differs from the verified page in {len(outcome.stale)} block(s) ({', '.join(outcome.stale)})")
        console.warn(f"render: {relative} {why}")
        hunks.append(theme.git_diff(page.read(path), outcome.text, relative))
    if patch is None:
        console.write("".join(hunks))
    elif hunks:
        write_atomically(patch, "".join(hunks))
        console.warn(f"render: wrote {shown(patch)}: `git apply {shown(patch)}` at {shown(repository)} makes"
                     f" {len(hunks)} file(s) the verified page(s)")
    else:
        patch.unlink(missing_ok=True)  # a patch from an earlier run would fail the report
    return ExitCode.passed(not hunks)


def render_page(name: str, options: RenderOptions, folder: Path, settings: Settings, key: str | None,
                console: Console) -> int:
    """Render one page into its template or ``--into`` (with ``--check``: only compare), from
    the cache entry under ``key``, else from a replay of its cases."""
    blocks = verified_blocks(name, folder, settings, key)
    if options.check:
        found = check.check_page(name, blocks, options.into, options.source)
        console.page_check(found, "render: ")
        return ExitCode.passed(not found.changed)
    target = options.into or template(name)
    outcome = page.update(target, blocks, source=options.source)
    how = "adopted and updated" if outcome.adopted else "updated" if outcome.changed else "unchanged"
    taken = f", its prose from {shown(options.source)}" if options.source else ""
    console.say(f"render: {shown(target)} {how} ({outcome.blocks} blocks{taken})")
    return ExitCode.PASSED


def verified_blocks(name: str, folder: Path, settings: Settings, key: str | None) -> dict[str, str]:
    """The template source of the page's blocks: cached while every input is byte for byte
    the same (``key`` None: not cached), else from a replay of its cases."""
    return check.page_blocks(name, key, settings, lambda: replayed(name, folder, settings))


def replayed(name: str, folder: Path, settings: Settings) -> dict[str, str]:
    """Page ``name``'s blocks from a replay of its cases in ``folder``."""
    from apidocs.render import verified  # the replay, imported on a cache miss only: a hit starts fast

    cases = load_cases(folder=folder, page=name)
    return verified.page_contents(cases, verified.replay(cases, settings))


def write_notebook(name: str, out: Path, api_url: str | None, folder: Path, settings: Settings,
                   console: Console) -> int:
    """Page ``name``'s Python snippets as a notebook, once its cases pass in replay."""
    from apidocs.render import notebook, verified  # the replay, as for a cache miss

    cases = load_cases(folder=folder, page=name)
    verified.replay(cases, settings)  # a notebook of snippets that do not pass is not written
    notebook.write(out, notebook.build(cases, api_url or content.of_project().api_url))
    console.say(f"render: wrote {out} ({len(cases)} cases)")
    return ExitCode.PASSED
