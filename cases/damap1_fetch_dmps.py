"""DAMAP page - Fetch your maDMPs: invenio-damap lists the caller's maDMPs, which DAMAP holds.

The list comes from TU Wien's DAMAP server, which invenio-damap calls with a JWT naming
the caller. Where DAMAP does not answer, the step is verified up to that call (see
:class:`apidocs.core.model.Upstream`).
"""

from apidocs.core.model import Action, Case, Expect, Snippet, Upstream

DAMAP = Upstream(
    name="DAMAP",
    returns=(
        "HTTP 200 with the maDMPs DAMAP holds for you: \"hits\" has \"hits\", one entry per maDMP "
        "(its id, created, project with id, title and description, datasets, links), and \"total\"; "
        "\"links\" has \"self\". The entries are DAMAP's own data."
    ),
)

CASE = Case(
    name="damap1_fetch_dmps",
    title="Fetch your maDMPs",
    story="Fetch your maDMPs:",
    steps=(
        Action(
            name="token-required",
            method="GET",
            path="/invenio_damap/damap/dmp",
            expect=Expect(403),
        ),
        Snippet(
            name="list",
            title="Fetch your maDMPs",
            method="GET",
            endpoint="/api/invenio_damap/damap/dmp",
            expect=Expect(200, fields={"hits.hits": list, "hits.total": int, "links.self": str}),
            example=("hits", "links"),
            upstream=DAMAP,
        ),
    ),
)
