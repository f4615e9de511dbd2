"""TU Wien's publish flow is declared once, by the docs project (``cases/flows.py``): the
requests the API page documents for it (cases 3, 4 and 6) are the ones ``apidocs provision``
sends, and the engine takes it from there."""

from __future__ import annotations

import pytest
from conftest import ROOT

from apidocs.core.errors import ApidocsError
from apidocs.core.model import API_PREFIX
from apidocs.entry.loader import load_cases, load_publish
from cases import flows

#: page step → the flow's action that sends the same request
DOCUMENTED = {
    ("case3_upload", "create"): "create-draft",
    ("case3_upload", "reserve-doi"): "reserve-doi",
    ("case4_attach_file", "init"): "init",
    ("case4_attach_file", "upload"): "upload",
    ("case4_attach_file", "commit"): "commit",
    ("case4_attach_file", "publish"): "publish",
    ("case6_curation", "create-request"): "request-curation",
}
FILE = "example_dataset.csv"


def test_the_documented_steps_send_the_flows_requests():
    cases = {case.name: case for case in load_cases(page="api")}
    flow = {action.name: action for action in flows.publish({}, ((FILE, b""),))}
    for (case, step), action_name in DOCUMENTED.items():
        snippet, action = cases[case].step(step), flow[action_name]
        assert snippet.method == action.method, (case, step)
        assert snippet.endpoint == API_PREFIX + action.path.replace(FILE, "{file_name}"), (case, step)
        assert snippet.role == action.role, (case, step)


def test_the_cases_take_their_plumbing_from_the_flow():
    cases = {case.name: case for case in load_cases()}
    curation = flows.curation_accepted()
    case4 = [step.name for step in cases["case4_attach_file"].steps]
    assert case4[case4.index("commit") + 1:case4.index("publish")] == [a.name for a in curation]
    assert cases["case4_attach_file"].step("accept") == curation[-1]
    assert cases["case6_curation"].step("create-draft").path == flows.publish({}, ((FILE, b""),))[0].path


def test_provision_takes_the_projects_flow():
    publish = load_publish(ROOT / "cases")
    assert publish({}, ((FILE, b""),)) == flows.publish({}, ((FILE, b""),))


def test_a_cases_folder_without_a_flow_is_one_line(tmp_path):
    with pytest.raises(ApidocsError, match=r"flows.py is missing: it declares how a record is published"):
        load_publish(tmp_path)
    (tmp_path / "flows.py").write_text("PUBLISH = None\n")
    with pytest.raises(ApidocsError, match=r"flows.py declares no publish\(metadata, files\)"):
        load_publish(tmp_path)
