"""TU Wien's publish flow is declared once (``apidocs.core.flows``): the requests the API
page documents for it (cases 3, 4 and 6) are the ones ``apidocs provision`` sends."""

from __future__ import annotations

from apidocs.core import flows
from apidocs.core.model import API_PREFIX
from apidocs.entry.loader import load_cases

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
    flow = {action.name: action for action in flows.publish({}, FILE, b"")}
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
    assert cases["case6_curation"].step("create-draft").path == flows.publish({}, FILE, b"")[0].path
