"""Case 2 - Search for Datasets, and the page's Common Query Parameters.

The search snippets query ``metadata.publication_date:[2023-01-01 TO 2025-12-31]``: the
field is a keyword, so a range compares strings and ``[2023 TO 2025]`` silently drops
``2025-03-01`` (``"2025-03-01" > "2025"``). Full dates bound it correctly.
"""

from apidocs.core.checks import (
    finds_at_least,
    has_next_page,
    page_size,
    published_between,
    sorted_newest_first,
    title_contains,
)
from apidocs.core.model import Action, Case, Expect, Snippet
from cases.common import TITLE_QUERY

#: Both climate fixtures match ``metadata.title:climate`` once in a four-word title, so
#: relevance ties them, and a tie is broken by the search index's history (which record
#: was reindexed last). An example that is not about sorting asks for a stable order, so
#: recording it again gives the same cassette on any instance of the same data.
STABLE_ORDER = {"sort": "oldest"}


def _parameter(name: str, inline: str, params: dict, *checks) -> Action:
    """A Common Query Parameters example: accepted, and has its documented effect."""
    return Action(
        name=f"param-{name}",
        method="GET",
        path="/records",
        params=params if "sort" in params else params | STABLE_ORDER,
        inline=inline,
        expect=Expect(200, checks=(finds_at_least(1), *checks)),
    )


CASE = Case(
    name="case2_search",
    title="Search for Datasets",
    story=(
        "As a data scientist, I want to search for datasets using keywords and publication ranges, or author "
        "names so that I can find data that matches my research criteria without browsing through irrelevant records."
    ),
    steps=(
        Snippet(
            name="search",
            title="Search by keyword and publication date",
            method="GET",
            endpoint="/api/records",
            shows_query=True,
            expect=Expect(200, fields={"hits.total": int, "hits.hits": list, "links.self": str}, checks=(
                finds_at_least(2),
                published_between("2023-01-01", "2025-12-31"),
                sorted_newest_first(),
            )),
            example=(
                "hits.total", "hits.hits.*.id", "hits.hits.*.metadata.title",
                "hits.hits.*.metadata.publication_date", "links.self",
            ),
        ),
        _parameter("q", "q=metadata.title:climate", {"q": TITLE_QUERY}, title_contains("climate")),
        _parameter("sort", "sort=newest", {"q": TITLE_QUERY, "sort": "newest"}, sorted_newest_first()),
        _parameter("size", "size=50", {"q": TITLE_QUERY, "size": "50"}, page_size(50)),
        _parameter("page", "page=1", {"q": TITLE_QUERY, "size": "1", "page": "1"}, page_size(1), has_next_page(1)),
    ),
)
