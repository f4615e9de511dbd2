"""Markers: blocks are found by name; anything wrong with the markers is refused, in one line."""

from __future__ import annotations

import pytest

from apidocs.render import markers
from apidocs.render.errors import MarkerError

PAGE = """<p>before</p>
<pre>
{#- apidocs:begin c1/get/curl #}
curl old
{#- apidocs:end #}
</pre>
<code>{#- apidocs:begin c2/param-q/inline #}q=x{#- apidocs:end #}</code>
<p>after</p>
"""


def test_find_by_name_and_replace_touches_only_the_insides():
    assert markers.contents(PAGE) == {"c1/get/curl": "\ncurl old\n", "c2/param-q/inline": "q=x"}
    new = markers.replace(PAGE, {"c1/get/curl": "\ncurl new\n", "c2/param-q/inline": "q=y"})
    assert new == PAGE.replace("curl old", "curl new").replace("q=x", "q=y")


@pytest.mark.parametrize("broken, message", [
    (PAGE.replace("{#- apidocs:end #}\n</pre>", "</pre>", 1), "begins inside block 'c1/get/curl'"),
    (PAGE.replace("{#- apidocs:begin c2/param-q/inline #}", ""), "end marker without a begin marker"),
    (PAGE + "{#- apidocs:begin c1/get/curl #}x{#- apidocs:end #}", "appears twice"),
    (PAGE + "{#- apidocs:begin c9/x/y #}", "has no end marker"),
    (PAGE.replace("apidocs:begin c1/get/curl", "apidocs:begin C1 get"), "malformed marker"),
    (PAGE.replace("apidocs:end #}\n</pre>", "apidocs:ende #}\n</pre>"), "malformed marker"),
])
def test_broken_markers_are_refused(broken, message):
    with pytest.raises(MarkerError, match=message) as info:
        markers.replace(broken, {"c1/get/curl": "", "c2/param-q/inline": ""}, where="page.html")
    assert "\n" not in str(info.value) and str(info.value).startswith("page.html:")


def test_missing_and_unknown_blocks_are_named():
    with pytest.raises(MarkerError, match=r"no markers for 1 block\(s\): c3/new/python"):
        markers.replace(PAGE, {"c1/get/curl": "", "c2/param-q/inline": "", "c3/new/python": ""})
    with pytest.raises(MarkerError, match="markers no case produces: 'c2/param-q/inline' at line 7"):
        markers.replace(PAGE, {"c1/get/curl": ""})


def test_a_misspelt_marker_is_named_with_its_line_and_what_was_meant():
    with pytest.raises(MarkerError, match=r"^page.html:3: malformed marker '\{#- apidocs:begin c1/get/cURL #\}'"
                                          r" \(did you mean 'c1/get/curl'\?\)"):
        markers.replace(PAGE.replace("c1/get/curl", "c1/get/cURL"), {"c1/get/curl": "", "c2/param-q/inline": ""},
                        where="page.html")
    with pytest.raises(MarkerError, match=r"^page.html has markers no case produces: 'c1/get/crul' at line 3"
                                          r" \(did you mean 'c1/get/curl'\?\)$"):
        markers.replace(PAGE.replace("c1/get/curl", "c1/get/crul"), {"c1/get/curl": "", "c2/param-q/inline": ""},
                        where="page.html")


def test_an_end_marker_without_a_begin_names_the_block_before_it():
    with pytest.raises(MarkerError, match=r"^page.html:7: end marker without a begin marker"
                                          r" \(the block before it, 'c1/get/curl' from line 3, has ended\)$"):
        markers.find(PAGE.replace("{#- apidocs:begin c2/param-q/inline #}", ""), where="page.html")
