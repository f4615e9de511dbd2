"""The page template: valid Jinja with i18n, the seed's structure and every translatable string."""

from __future__ import annotations

import re

import jinja2
import pytest
from conftest import theme_page

from apidocs.core.blocks import INLINE_KINDS, blocks_of, kind_of
from apidocs.entry.loader import load_cases
from apidocs.render import markers, template
from apidocs.render.preview import render_html

#: Every message of the seed page (invenio-theme-tuw 2025.1.13, about_api.html), as
#: jinja2's i18n extraction sees it. The page keeps all of them unchanged.
SEED_MESSAGES = {
    ('The %(sitename)s API provides programmatic access to datasets, metadata, search functionalities, '
     'and more.', None),
    '<a href="%(case_link)s"> Case %(index)s - %(case)s </a>',
    ('<strong>Note: </strong>Operations such as creating records or attaching files require an access token. You can '
     'generate one <a href="%(token_link)s">here</a>. Other operations (like retrieving metadata) are public.'),
    'A thorough review system now includes new ways to interact through the interface.',
    'API Documentation',
    'API Usage Examples',
    'Additional Customizations',
    'Additional Resources',
    ('As a data scientist, I want to search for datasets using keywords and publication ranges, or author names so '
     'that I can find data that matches my research criteria without browsing through irrelevant records.'),
    ('As a lab scientist, I want to automate the upload of new datasets along with detailed metadata so that my '
     'research outputs are quickly published, discoverable, and citable through an assigned DOI.'),
    ('As a project manager, I want to attach supplementary files (like additional data or documentation) to an '
     'existing dataset record so that all components of the research project are organized and accessible in one '
     'place.'),
    ('As a researcher, I want to download an individual file from a dataset so that I can analyze its contents '
     'locally without navigating through multiple interfaces.'),
    ('As a researcher, I want to quickly retrieve detailed metadata for a dataset using its unique identifier so that '
     'I can verify its relevance and incorporate accurate information into my analysis.'),
    'Authentication',
    ("Case 1 - Retrieve a Dataset's Metadata: Quickly fetch detailed metadata for a dataset using its persistent "
     "identifier."),
    'Case 2 - Search for Datasets: Execute advanced searches with filters (keywords, authors, dates, etc.).',
    'Case 3 - Upload a New Dataset: Automate metadata submissions and record creation.',
    ('Case 4 - Attach a File to an Existing Record: Enrich records by associating files using a multi-step upload '
     'process.'),
    'Case 5 - File Download: Retrieving Contents from a Record.',
    'Commit draft file upload:',
    'Common Query Parameters',
    'Create a new curation request:',
    'Create a new draft:',
    'Curation Workflow Requests:',
    'Curation Workflow:',
    'Custom Permissions:',
    'Endpoint:',
    'Endpoints',
    'Example Response',
    'Example Response Headers',
    'Extended Functionality: Custom Endpoints',
    ('For detailed examples of our enhanced Curation Workflow and Invenio-DAMAP integration, please see the <a '
     'href=%(tuw_customizations_link)s>Additional Customizations</a> section below.'),
    'For further details about this integration, visit the dedicated <a href="%(damap_page_link)s">DAMAP page</a>.',
    ('For further details, please refer to the official <a href="%(inveniordm_api_ref_link)s" target="_blank" '
     'rel="noopener">InvenioRDM API Documentation</a>.'),
    ('For instance, an extra "guard" ensures that users can\'t create drafts in the system without being granted '
     'access by an administrator.'),
    'For search endpoints, the most relevant parameters include:',
    ('Hint: You can refer to our <a href="%(search_link)s">search guide</a> for further details on how to construct '
     'simple or advanced search queries.</p>'),
    'In this page we list the most common API operations which include:',
    'Initialize the file upload:',
    'Invenio-DAMAP Integration:',
    ('More details about query parameters can be found in the official <a href="%(inveniordm_api_ref_link)s" '
     'target="_blank" rel="noopener">InvenioRDM API Documentation</a>.'),
    ('Moreover, records prior to publication go also through an administrative review, thus ensuring that only '
     'curated high-quality content can be publicly available.'),
    'No',
    ('Our customized instance of the repository comes with additional endpoints that differ from what would be '
     'expected from a standard Invenio RDM installation.'),
    'Our deployment includes extended functionality through the Invenio-DAMAP package.',
    'Pagination control',
    ('Publish the draft: (After curation request has been accepted - See <a href="%(tuw_customizations_link)s" '
     'rel="noopener">curation endpoint</a>)</p>'),
    'Query Parameters:',
    'Request a DOI:',
    'Results size per page',
    'Snippets',
    'Sorting criteria',
    'Step 1: Create a new draft',
    'Step 1: Initialize File Upload',
    'Step 2: Request a DOI',
    'Step 2: Upload File Content',
    'Step 3: Commit Draft File Upload',
    ('Step 4: Publish the Draft (After curation request has been accepted - See <a href="%(tuw_customizations_link)s" '
     'rel="noopener">curation endpoint</a>)'),
    'The search query',
    ('These endpoints allow curators to review submissions, add annotations, and approve records before they are '
     'published, ensuring compliance with data quality and regulatory standards.'),
    'These improvements cover the following:',
    ('They allow to directly link your record to a DAMAP-based system, by automatically filling specific DMP fields, '
     'saving you time and effort.'),
    ('This API lets you automate data management tasks, integrate with external systems, or build custom workflows '
     'for data analysis and visualization.'),
    ('This is the additional fine layer of advanced digital asset management such as automatic population of DMP '
     'fields and enriched file-specific metadata in the <a href="%(tuw_dmp_tool_link)s">TU Wien DMP Tool</a>.'),
    'This workflow guarantees that data quality and compliance standards are met prior to data being made public.',
    'To parent page',
    'Token Required:',
    'Unlike the standard InvenioRDM, our instance enforces enhanced permission settings.',
    'Upload the file content:',
    'User Story:',
    ('We offer an API that supports a custom curation process. Custom endpoints assign curators to records, review '
     'submissions, add curation notes, and allow publishing of curated content.'),
    ('While our customized implementation inherits all the core functionalities from a vanilla InvenioRDM instance, '
     'it introduces several enhancements to better serve the research community:'),
    'Workflow:',
    'Yes — generate one <a href="%(token_link)s">here</a>.',
    'e.g.',
}
#: Messages of the seed changed on purpose (old → new); none so far.
CHANGED: dict = {}


def environment() -> jinja2.Environment:
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    env.install_null_translations(newstyle=True)
    return env


def messages(text: str) -> set:
    extractor = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    return {message for _, _, message in extractor.extract_translations(text)}


def test_parses_with_i18n_and_extends_the_base_template():
    text = template("api").read_text(encoding="utf-8")
    environment().parse(text)
    assert re.search(r"^\{%-? extends config\.BASE_TEMPLATE %\}$", text, re.M)


def test_keeps_every_translatable_string_of_the_seed():
    ours = messages(template("api").read_text(encoding="utf-8"))
    missing = {m for m in SEED_MESSAGES if m not in CHANGED} - ours
    assert not missing
    assert set(CHANGED.values()) <= ours


def test_seed_snapshot_matches_the_theme_package(tmp_path):
    """The snapshot above is the package's page (skipped only when no copy can be had)."""
    path = theme_page(tmp_path)
    if path is None:
        pytest.skip("invenio-theme-tuw is not at hand (set APIDOCS_THEME_PAGE, or allow pip download)")
    assert messages(path.read_text(encoding="utf-8")) == SEED_MESSAGES


def test_every_preformatted_area_holds_one_named_block():
    text = template("api").read_text(encoding="utf-8")
    areas = re.findall(r"PREFORMATTED AREA TEXT BEGIN #+ #\}(.*?)\{#- #+ PREFORMATTED AREA TEXT END", text, re.S)
    catalogue = [block for case in load_cases(page="api") for step in case.steps
                 for block in blocks_of(case.name, step)]
    preformatted = [block for block in catalogue if block.kind not in INLINE_KINDS]
    # one area for each block that is not inline
    assert len(areas) == len(preformatted)
    names = []
    for area in areas:
        found = markers.find(area)
        assert (len(found) == 1 and area.startswith("{#- apidocs:begin ")
                and area.endswith("{#- apidocs:end #}"))
        names += list(found)
    assert sorted(names) == sorted(block.name for block in preformatted)
    inline = [n for n in markers.find(text) if kind_of(n) in INLINE_KINDS]
    assert sorted(inline) == sorted(block.name for block in catalogue if block.kind in INLINE_KINDS)


@pytest.mark.parametrize("page", ["api", "damap"])
def test_the_page_covers_every_case_and_its_endpoints(page):
    """Each step's Endpoint and Token Required lines read, in the HTML, as they always did."""
    text = template(page).read_text(encoding="utf-8")
    html = render_html(template(page))
    one_line = re.sub(r"\s*(</?strong>)\s*", r"\1", html.replace("\n", ""))  # the theme's layout, either way
    names = set(markers.find(text))
    for case in load_cases(page=page):
        for snippet in case.snippets:
            assert {block.name for block in blocks_of(case.name, snippet)} <= names
            assert f"<code>{snippet.method} {snippet.endpoint}</code>" in html, (case.name, snippet.name)
            token = ("Token Required:</strong>Yes — generate one <a href=" if snippet.needs_token
                     else "Token Required:</strong>No</p>")
            assert token in one_line
        if page == "api":
            assert case.story in messages(text), case.name


def test_curation_case_sits_in_additional_customizations():
    text = template("api").read_text(encoding="utf-8")
    section = text.index('<h2 id="tuw_customizations">')
    resources = text.index('{{ _("Additional Resources") }}')
    blocks = markers.find(text)
    for kind in ("curl", "python"):
        assert section < blocks[f"case6_curation/create-request/{kind}"].start < resources
    assert all(b.start < section for n, b in blocks.items() if not n.startswith("case6_"))
