"""The documented effects hold for whatever records an instance has, not only for ours."""

from __future__ import annotations

import pytest
import requests

from apidocs.core.checks import searchable_text, title_contains

TITLES = ["Clímate-Data, 2023! Überflutung (climate)", "naïve_x ©2024 it's", "CLIMATE: Wien/Graz", "Klimadaten"]


def page(*titles: str) -> dict:
    return {"hits": {"total": len(titles), "hits": [{"id": str(n), "metadata": {"title": t}}
                                                    for n, t in enumerate(titles)]}}


def test_a_title_the_search_matched_passes_whatever_its_accents_case_and_punctuation():
    """q=metadata.title:climate on staging may match "Clímate" or "CLIMATE:": InvenioRDM
    folds accents, case and punctuation; so does the check."""
    check = title_contains("climate")
    assert check(page("Climate Change Data 2023", "Clímate data", "CLIMATE: Wien/Graz", "Cli-mate"), {}) is None
    problem = check(page("Climate Change Data 2023", "Klimadaten"), {})
    assert problem == "hit 1 has metadata.title = 'Klimadaten', not a title with 'climate'"


@pytest.mark.live
def test_searchable_text_is_what_the_search_cluster_makes_of_a_title(instance_env):
    """The reference instance's own OpenSearch analyses each title as the records' mapping says."""
    aliases = requests.get(f"{instance_env['OPENSEARCH_URL']}/_cat/aliases?h=alias,index", timeout=30).text
    by_version = {tuple(int(n) for n in alias.rsplit("-v", 1)[1].split(".")): index
                  for alias, index in (line.split() for line in aliases.splitlines())
                  if alias.startswith("rdmrecords-records-record-v")}
    index = by_version[max(by_version)]  # the mapping new records are indexed with
    for title in TITLES:
        answer = requests.post(f"{instance_env['OPENSEARCH_URL']}/{index}/_analyze", timeout=30,
                               json={"field": "metadata.title", "text": title})
        assert answer.status_code == 200, answer.text
        assert [t["token"] for t in answer.json()["tokens"]] == searchable_text(title).split(), title
