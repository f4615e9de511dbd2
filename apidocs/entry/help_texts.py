"""The words of ``apidocs --help``: each command's help, and ``apidocs render``'s usage."""

MODES = {
    "verify": "replay every case against the committed cassettes (offline; the default job)",
    "live": "run every case against $DOCS_API_URL (default: the reference instance's .instance/env)",
    "record": "re-record the cassettes from $DOCS_API_URL (scrubbed, normalised); only complete runs are kept",
}
CHECK_PAGES = ("also check each page whose cases all ran against the blocks rendered from this run's results"
               " (as `render --check`, without a second replay)")
READ_ONLY = "run only the steps that need no token and send no write (also when no token is set)"
LINT = ("lint every snippet with its placeholders filled in (ruff for Python, shellcheck for cURL),"
        " as `make verify` does")
REPORT = ("print the verdict of a report a live run wrote (--report DIR); exit 0 when clean, 1 when a step"
          " failed, drifted or was left unverified, 2 when there is no report: the nightly job's last command")
PREVIEW = ("a headless Chromium screenshot of the whole of each page as the app serves it (preview/<page>.png),"
           " when the instance (--app, default: .instance/env's) answers and serves this clone's page/;"
           " otherwise each page rendered to HTML through a stand-in base template, then its screenshot"
           " (preview/<page>.html, .png)")
PREVIEW_APP = ("the app serving the pages (default: the origin of $DOCS_API_URL or .instance/env's);"
               " `--app none` always uses the stand-in")
INSTALL_PAGES = ("link every page's template into an InvenioRDM instance's templates/ folder at the theme's"
                 " path (each page's theme_template, cases/project.toml), where the app finds it before the"
                 " theme's")
UPDATE = ("after a snippet changed: record the named cases again against $DOCS_API_URL (default: the reference"
          " instance), or without names the cases whose requests are not in their cassettes; then render"
          " every page, verify, and print what changed (cassettes, page blocks with a short diff)")
LINKS = ("check the links of every page as the app (--app, default: the origin of $DOCS_API_URL or"
         " .instance/env's) serves it: each page answers 200 (every url_for built; each endpoint's link is"
         " named), every internal link answers below 400 and its #fragment exists; external links are listed,"
         " and checked with --external. Exit 1 names each broken link and its page, 2 when the app does not"
         " answer")
LINKS_APP = ("the app serving the pages (default: the origin of $DOCS_API_URL or .instance/env's),"
             " e.g. http://127.0.0.1:5000")
PROVISION = ("make sure the records the examples rely on (cases/fixtures.toml) exist on $DOCS_API_URL:"
             " find them by marker, create and publish what is missing; a second run changes nothing")
RENDER_PAGE = ("render only this page, a name cases/project.toml declares (default: every page;"
               " with --into or --notebook: the first)")
RENDER_PATCH = ("with --theme-repo: write the patch that makes each theme file the verified page here"
                " (removed when every file is; default: print it)")
RENDER_API_URL = "the API URL the notebook's first cell sets (default: the site's, cases/project.toml)"
RENDER_NO_CACHE = "replay the cases even when the cache ($DOCS_CACHE) holds blocks from identical inputs"

#: ``apidocs render -h``: its first paragraph the description, the rest the epilog (plain text).
RENDER = """apidocs render: the page's blocks from the verified cases.

    render                    replay every case, write the blocks into each page's template
                              (page/<page>.html, cases/project.toml); a page whose inputs
                              are byte for byte those of an earlier render or verify
                              --check-pages takes its blocks from the cache (DOCS_CACHE)
    render --check            exit 1 with a unified diff when a block differs (writes nothing)
    render --no-cache         replay even when the cache holds the blocks of byte-identical
                              inputs (cases, cassettes, the tool's version; apidocs.render.cache)
    render --page NAME        only that page (a name cases/project.toml declares)
    render --into PATH        the same, for an external copy of one page (a theme checkout;
                              --page says which, default the first); a file without markers is
                              adopted first: a marker pair goes around every block it shows,
                              nothing else changes (README, "Adopting a theme template")
    render --from THEME.html  take the page's text outside the blocks from a theme release's
                              template (the theme's file of the page), adopted,
                              with the verified blocks, into page/<page>.html (or --into)
    render --check --theme-repo DIR [--patch FILE]
                              also check a theme repository's own files (its templates folder
                              and each page's theme template, as cases/project.toml declares
                              them) against the verified pages, and write FILE, a
                              `git apply`-able patch at DIR's root that makes each the verified
                              page (the nightly job; without theme files: our pages only)
    render --notebook OUT     write a page's Python snippets as a Jupyter notebook (default: the first page)

Exit codes: 0 done / up to date; 1 --check found a difference; 2 the page cannot be
rendered (a case fails in replay, a cassette is missing, markers are wrong): one line.
"""
