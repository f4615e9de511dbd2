"""The documented effects hold for whatever records an instance has, not only for ours."""

from __future__ import annotations

import dataclasses
import json

import pytest
import requests

from apidocs.core.checks import page_size, searchable_text, sorted_newest_first, title_contains
from apidocs.core.model import Expect, Sent
from apidocs.runner.capture import Exchange
from apidocs.runner.compare import response_problems

TITLES = ["Clímate-Data, 2023! Überflutung (climate)", "naïve_x ©2024 it's", "CLIMATE: Wien/Graz", "Klimadaten"]


def page(*titles: str) -> dict:
    return {"hits": {"total": len(titles), "hits": [{"id": str(n), "metadata": {"title": t}}
                                                    for n, t in enumerate(titles)]}}


def test_a_title_the_search_matched_passes_whatever_its_accents_case_and_punctuation():
    """q=metadata.title:climate on staging may match "Clímate" or "CLIMATE:": InvenioRDM
    folds accents, case and punctuation; so does the check."""
    check = title_contains("climate")
    assert check(page("Climate Change Data 2023", "Clímate data", "CLIMATE: Wien/Graz", "Cli-mate"), Sent()) is None
    problem = check(page("Climate Change Data 2023", "Klimadaten"), Sent())
    assert problem == "hit 1 has metadata.title = 'Klimadaten', not a title with 'climate'"


def answer(path: str, document: dict) -> Exchange:
    """A search request as sent (``path``, with its query) and its JSON answer."""
    return Exchange("GET", path, {}, b"", 200, {"Content-Type": "application/json"}, json.dumps(document).encode())


def test_a_message_names_the_parameters_the_request_actually_sent():
    """A changed snippet sent sort=oldest: the message says so, not that sort=newest failed."""
    oldest_first = {"hits": {"total": 2, "hits": [{"id": "a", "created": "2024-01-01T00:00:00+00:00"},
                                                  {"id": "b", "created": "2025-01-01T00:00:00+00:00"}]}}
    expect = Expect(200, checks=(sorted_newest_first(),))
    sent = answer("/api/records?q=x&sort=oldest", oldest_first)

    def messages(exchange: Exchange, expect: Expect = expect) -> list[str]:
        return [str(problem) for problem in response_problems(exchange, expect, {})]

    assert messages(sent) == [
        "sort=oldest (sent in place of sort=newest) did not return the most recently created records first"]
    assert messages(dataclasses.replace(sent, path="/api/records?q=x")) == [
        "no sort (sent in place of sort=newest) did not return the most recently created records first"]
    assert messages(dataclasses.replace(sent, path="/api/records?q=x&sort=newest")) == [
        "sort=newest did not return the most recently created records first"]
    three = {"hits": {**oldest_first["hits"], "total": 3}}
    assert messages(answer("/api/records?q=x&size=2", three), Expect(200, checks=(page_size(50),))) == [
        "size=2 (sent in place of size=50): 2 hits on the page of 3, expected 3"]


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
