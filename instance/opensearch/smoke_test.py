#!/usr/bin/env python3
"""Smoke test of the embedded OpenSearch: the features InvenioRDM relies on.

Runs against a live node (default http://127.0.0.1:9200), creates indices named
``smoke-*`` and removes them afterwards. Standard library only.

    python3 smoke_test.py [--url URL] [--mappings DIR ...] [--keep]

``--mappings DIR`` also PUTs every ``*.json`` under DIR as InvenioRDM's
invenio-search would: a file with ``index_patterns`` becomes an index template
(composable when it has a ``template`` key, legacy otherwise), any other file
the body of a new index. ``__SEARCH_INDEX_PREFIX__`` is replaced by ``smoke-``.

Prints one line per check and ``N passed, N failed`` at the end; exit 1 on failure.
"""

import argparse
import json
import pathlib
import sys
import time
import urllib.error
import urllib.request

PREFIX = "smoke-"


class Client:
    def __init__(self, url):
        self.url = url.rstrip("/")

    def call(self, method, path, body=None, ok=(200, 201), ndjson=False):
        data = None
        headers = {}
        if body is not None:
            if ndjson:
                data = ("\n".join(json.dumps(line) for line in body) + "\n").encode()
                headers["Content-Type"] = "application/x-ndjson"
            else:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        payload = json.loads(raw) if raw else {}
        if ok and status not in ok:
            raise AssertionError(f"{method} {path} -> {status}: {json.dumps(payload)[:600]}")
        return payload


RESULTS = []


def check(name):
    def wrap(fn):
        def run(*args):
            try:
                detail = fn(*args)
                RESULTS.append((name, True, detail or ""))
                print(f"PASS {name}" + (f" — {detail}" if detail else ""))
            except Exception as e:  # noqa: BLE001 - report every failure and go on
                RESULTS.append((name, False, str(e)))
                print(f"FAIL {name} — {e}")
        return run
    return wrap


def hits(res):
    return [h["_id"] for h in res["hits"]["hits"]]


RECORDS = PREFIX + "records"

RECORDS_BODY = {
    "settings": {
        "number_of_shards": 1,
        "number_of_replicas": 0,
        "analysis": {
            "char_filter": {
                "drop_punct": {"type": "pattern_replace", "pattern": "[\\p{Punct}\\p{S}]", "replacement": ""}
            },
            "filter": {"prefixes": {"type": "edge_ngram", "min_gram": 2, "max_gram": 20}},
            "tokenizer": {"emails": {"type": "uax_url_email"}},
            "analyzer": {
                "folded": {
                    "type": "custom", "tokenizer": "standard",
                    "char_filter": ["drop_punct"], "filter": ["lowercase", "asciifolding"],
                },
                "folded_prefixes": {
                    "type": "custom", "tokenizer": "standard",
                    "char_filter": ["drop_punct"], "filter": ["lowercase", "asciifolding", "prefixes"],
                },
                "email": {"type": "custom", "tokenizer": "emails", "filter": ["lowercase"]},
            },
        },
    },
    "mappings": {
        "dynamic_templates": [
            {"ids": {"path_match": "pids.*", "match_mapping_type": "object",
                     "mapping": {"type": "object", "properties": {"identifier": {"type": "keyword"}}}}}
        ],
        "properties": {
            "timeline": {"type": "join", "relations": {"record": "event"}},
            "title": {
                "type": "text", "analyzer": "folded",
                "fields": {
                    "prefix": {"type": "text", "analyzer": "folded_prefixes", "search_analyzer": "folded"},
                    "keyword": {"type": "keyword"},
                },
            },
            "suggest": {"type": "search_as_you_type"},
            "contact": {"type": "text", "analyzer": "email"},
            "publication_date": {"type": "date_range", "format": "yyyy-MM-dd||yyyy-MM||yyyy"},
            "created": {"type": "date"},
            "location": {"type": "geo_point"},
            "area": {"type": "geo_shape"},
            "client_ip": {"type": "ip"},
            "year": {"type": "integer"},
            "downloads": {"type": "long"},
        },
    },
}

DOCS = {
    "r1": {"title": "Temperature series Zürich", "suggest": "Temperature series Zürich",
           "contact": "anna.muster@tuwien.ac.at", "publication_date": {"gte": "2019-01-01", "lte": "2019-12-31"},
           "created": "2024-03-01T10:00:00Z", "location": {"lat": 47.37, "lon": 8.54},
           "area": {"type": "polygon",
                    "coordinates": [[[8.4, 47.3], [8.7, 47.3], [8.7, 47.5], [8.4, 47.5], [8.4, 47.3]]]},
           "client_ip": "10.1.2.3", "year": 2019, "downloads": 5, "timeline": {"name": "record"}},
    "r2": {"title": "Climate model output, Vienna (v2)", "suggest": "Climate model output Vienna",
           "contact": "data@example.org", "publication_date": {"gte": "2021-06-01", "lte": "2021-06-30"},
           "created": "2024-05-01T10:00:00Z", "location": {"lat": 48.21, "lon": 16.37},
           "area": {"type": "point", "coordinates": [16.37, 48.21]},
           "client_ip": "192.0.2.7", "year": 2021, "downloads": 12, "timeline": {"name": "record"}},
    "r3": {"title": "Precipitation grid Graz", "suggest": "Precipitation grid Graz",
           "contact": "someone@example.net", "publication_date": {"gte": "2023-01-01", "lte": "2023-12-31"},
           "created": "2025-01-01T10:00:00Z", "location": {"lat": 47.07, "lon": 15.44},
           "area": {"type": "envelope", "coordinates": [[15.3, 47.1], [15.5, 47.0]]},
           "client_ip": "2001:db8::1", "year": 2023, "downloads": 1, "timeline": {"name": "record"}},
}


@check("root answers as OpenSearch 2.19.x")
def t_root(c):
    info = c.call("GET", "/")
    v = info["version"]
    assert info["version"]["distribution"] == "opensearch", info
    assert v["number"].startswith("2.19."), v["number"]
    return f"{v['distribution']} {v['number']}, lucene {v['lucene_version']}"


@check("plugins loaded")
def t_plugins(c):
    rows = c.call("GET", "/_cat/plugins?format=json")
    names = sorted({r["component"].rsplit(".", 1)[-1] for r in rows})
    for needed in ("Netty4Plugin", "CommonAnalysisPlugin", "MapperExtrasPlugin", "ParentJoinPlugin",
                   "PainlessPlugin", "ReindexPlugin", "GeoModulePlugin"):
        assert needed in names, f"{needed} missing from {names}"
    return ", ".join(names)


@check("create index: analysers (pattern_replace, edge_ngram, asciifolding, uax_url_email) + join, "
       "search_as_you_type, geo_point, geo_shape, date_range, ip")
def t_create(c):
    c.call("DELETE", f"/{RECORDS}", ok=None)
    c.call("PUT", f"/{RECORDS}", RECORDS_BODY)
    m = c.call("GET", f"/{RECORDS}/_mapping")[RECORDS]["mappings"]["properties"]
    return ", ".join(f"{k}:{m[k]['type']}" for k in ("timeline", "suggest", "area", "location", "publication_date"))


@check("index documents (bulk) incl. join children with routing")
def t_index(c):
    lines = []
    for _id, doc in DOCS.items():
        lines += [{"index": {"_index": RECORDS, "_id": _id, "routing": _id}}, doc]
    lines += [{"index": {"_index": RECORDS, "_id": "e1", "routing": "r1"}},
              {"timeline": {"name": "event", "parent": "r1"}, "title": "comment accepted",
               "created": "2024-03-02T10:00:00Z"}]
    lines += [{"index": {"_index": RECORDS, "_id": "e2", "routing": "r2"}},
              {"timeline": {"name": "event", "parent": "r2"}, "title": "review requested",
               "created": "2024-05-02T10:00:00Z"}]
    res = c.call("POST", "/_bulk?refresh=true", lines, ndjson=True)
    assert not res["errors"], json.dumps(res)[:800]
    return f"{len(res['items'])} docs"


@check("analysers: asciifolding, edge_ngram prefix, pattern_replace, uax_url_email")
def t_analysis(c):
    assert hits(c.call("POST", f"/{RECORDS}/_search", {"query": {"match": {"title": "zurich"}}})) == ["r1"]
    assert hits(c.call("POST", f"/{RECORDS}/_search", {"query": {"match": {"title.prefix": "tempe"}}})) == ["r1"]
    assert hits(c.call("POST", f"/{RECORDS}/_search", {"query": {"match": {"title": "v2"}}})) == ["r2"]
    toks = c.call("POST", f"/{RECORDS}/_analyze", {"analyzer": "email", "text": "mail anna.muster@tuwien.ac.at now"})
    assert "anna.muster@tuwien.ac.at" in [t["token"] for t in toks["tokens"]], toks
    assert hits(c.call("POST", f"/{RECORDS}/_search",
                       {"query": {"match": {"contact": "anna.muster@tuwien.ac.at"}}})) == ["r1"]
    return "zurich→Zürich, tempe→Temperature, email kept whole"


@check("search_as_you_type (multi_match bool_prefix)")
def t_sayt(c):
    res = c.call("POST", f"/{RECORDS}/_search", {"query": {"multi_match": {
        "query": "climate mod", "type": "bool_prefix",
        "fields": ["suggest", "suggest._2gram", "suggest._3gram"]}}})
    assert hits(res)[:1] == ["r2"], hits(res)
    return "'climate mod' → r2"


@check("query_string with index.query.default_field-like fields and a range on a date_range field")
def t_qs_range(c):
    res = c.call("POST", f"/{RECORDS}/_search", {"query": {"bool": {"must": [
        {"query_string": {"query": "climate OR temperature OR precipitation", "fields": ["title"]}},
        {"range": {"publication_date": {"gte": "2020", "lte": "2023-12-31", "relation": "intersects"}}}]}}})
    assert sorted(hits(res)) == ["r2", "r3"], hits(res)
    return "2020..2023 → r2, r3"


@check("date_histogram on a date_range field with format (publication-date facet) + terms + stats")
def t_aggs(c):
    res = c.call("POST", f"/{RECORDS}/_search", {
        "size": 0, "query": {"exists": {"field": "publication_date"}}, "aggs": {
            "years": {"date_histogram": {"field": "publication_date", "calendar_interval": "year",
                                         "format": "yyyy", "min_doc_count": 1}},
            "titles": {"terms": {"field": "title.keyword"}},
            "dl": {"stats": {"field": "downloads"}}}})
    years = {b["key_as_string"]: b["doc_count"] for b in res["aggregations"]["years"]["buckets"]}
    assert years == {"2019": 1, "2021": 1, "2023": 1}, years
    assert res["aggregations"]["dl"]["sum"] == 18, res["aggregations"]["dl"]
    return f"years {years}"


@check("join: has_child with inner_hits, has_parent, parent_id")
def t_join(c):
    res = c.call("POST", f"/{RECORDS}/_search", {"query": {"has_child": {
        "type": "event", "query": {"match": {"title": "accepted"}}, "inner_hits": {}}}})
    assert hits(res) == ["r1"], hits(res)
    inner = res["hits"]["hits"][0]["inner_hits"]["event"]["hits"]["hits"]
    assert [h["_id"] for h in inner] == ["e1"], inner
    res = c.call("POST", f"/{RECORDS}/_search", {"query": {"has_parent": {
        "parent_type": "record", "query": {"match": {"title": "vienna"}}}}})
    assert hits(res) == ["e2"], hits(res)
    res = c.call("POST", f"/{RECORDS}/_search", {"query": {"parent_id": {"type": "event", "id": "r1"}}})
    assert hits(res) == ["e1"], hits(res)
    return "r1 ⟵ e1 via inner_hits"


@check("geo: geo_shape intersects, geo_distance, geo_bounding_box, geo_bounds / geotile_grid aggs")
def t_geo(c):
    austria = {"type": "envelope", "coordinates": [[9.5, 49.0], [17.2, 46.4]]}
    res = c.call("POST", f"/{RECORDS}/_search", {"query": {"geo_shape": {"area": {
        "shape": austria, "relation": "intersects"}}}})
    assert sorted(hits(res)) == ["r2", "r3"], hits(res)
    res = c.call("POST", f"/{RECORDS}/_search", {"query": {"geo_distance": {
        "distance": "50km", "location": {"lat": 48.2, "lon": 16.4}}}})
    assert hits(res) == ["r2"], hits(res)
    res = c.call("POST", f"/{RECORDS}/_search", {"query": {"geo_bounding_box": {"location": {
        "top_left": {"lat": 48, "lon": 8}, "bottom_right": {"lat": 47, "lon": 16}}}}})
    assert sorted(hits(res)) == ["r1", "r3"], hits(res)
    res = c.call("POST", f"/{RECORDS}/_search", {"size": 0, "aggs": {
        "box": {"geo_bounds": {"field": "location"}},
        "tiles": {"geotile_grid": {"field": "location", "precision": 4}}}})
    assert "bounds" in res["aggregations"]["box"], res["aggregations"]
    assert res["aggregations"]["tiles"]["buckets"], res["aggregations"]
    return "ok"


@check("painless: update script, script_fields, script sort, script query")
def t_painless(c):
    c.call("POST", f"/{RECORDS}/_update/r1?routing=r1&refresh=true", {"script": {
        "lang": "painless", "source": "ctx._source.downloads += params.n", "params": {"n": 10}}})
    doc = c.call("GET", f"/{RECORDS}/_doc/r1?routing=r1")
    assert doc["_source"]["downloads"] == 15, doc["_source"]["downloads"]
    res = c.call("POST", f"/{RECORDS}/_search", {
        "query": {"bool": {"filter": [{"exists": {"field": "downloads"}},
                                      {"script": {"script": "doc['downloads'].value > 2"}}]}},
        "script_fields": {"twice": {"script": {"source": "doc['downloads'].value * 2"}}},
        "sort": {"_script": {"type": "number", "order": "desc",
                             "script": {"source": "doc['year'].value"}}}})
    assert hits(res) == ["r2", "r1"], hits(res)
    assert res["hits"]["hits"][1]["fields"]["twice"] == [30], res["hits"]["hits"][1]
    return "downloads 5→15"


@check("_reindex, _update_by_query (painless), _delete_by_query")
def t_reindex(c):
    dest = PREFIX + "records-copy"
    c.call("DELETE", f"/{dest}", ok=None)
    c.call("PUT", f"/{dest}", RECORDS_BODY)
    res = c.call("POST", "/_reindex?refresh=true", {"source": {"index": RECORDS}, "dest": {"index": dest}})
    assert res["created"] == 5 and not res["failures"], res
    res = c.call("POST", f"/{dest}/_update_by_query?refresh=true", {
        "query": {"term": {"timeline": "record"}},
        "script": {"lang": "painless", "source": "ctx._source.year = ctx._source.year + 1"}})
    assert res["updated"] == 3, res
    res = c.call("POST", f"/{dest}/_delete_by_query?refresh=true", {"query": {"term": {"timeline": "event"}}})
    assert res["deleted"] == 2, res
    assert c.call("GET", f"/{dest}/_count")["count"] == 3
    c.call("DELETE", f"/{dest}")
    return "5 copied, 3 updated, 2 deleted"


@check("aliases (invenio-search writes through aliases)")
def t_alias(c):
    c.call("POST", "/_aliases", {"actions": [{"add": {"index": RECORDS, "alias": PREFIX + "rdmrecords"}}]})
    assert c.call("GET", f"/{PREFIX}rdmrecords/_count")["count"] == 5
    return "ok"


@check("data stream from an index template (audit-log style, flat_object field) + rollover")
def t_datastream(c):
    name = PREFIX + "auditlog"
    c.call("DELETE", f"/_data_stream/{name}", ok=None)
    c.call("DELETE", f"/_index_template/{name}", ok=None)
    c.call("PUT", f"/_index_template/{name}", {
        "index_patterns": [name + "*"], "data_stream": {}, "priority": 100,
        "template": {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
                     "mappings": {"dynamic": "strict", "properties": {
                         "@timestamp": {"type": "date"}, "action": {"type": "keyword"},
                         "user": {"properties": {"id": {"type": "keyword"}}},
                         "metadata": {"type": "flat_object"}}}}})
    for i, action in enumerate(("record.create", "record.publish")):
        c.call("POST", f"/{name}/_doc", {"@timestamp": f"2026-01-0{i + 1}T00:00:00Z", "action": action,
                                        "user": {"id": "1"}, "metadata": {"parent": {"id": f"rec-{i}"}}})
    c.call("POST", f"/{name}/_refresh")
    res = c.call("POST", f"/{name}/_search", {"query": {"bool": {"filter": [
        {"term": {"action": "record.publish"}}, {"term": {"metadata.parent.id": "rec-1"}}]}}})
    assert res["hits"]["total"]["value"] == 1, res["hits"]
    info = c.call("GET", f"/_data_stream/{name}")["data_streams"][0]
    roll = c.call("POST", f"/{name}/_rollover")
    assert roll["rolled_over"], roll
    c.call("DELETE", f"/_data_stream/{name}")
    c.call("DELETE", f"/_index_template/{name}")
    return f"{info['name']} ({info['status']}), backing {info['indices'][0]['index_name']}"


@check("legacy + composable index templates with component template (invenio-stats style)")
def t_templates(c):
    c.call("PUT", f"/_component_template/{PREFIX}base", {"template": {"settings": {"number_of_replicas": 0}}})
    c.call("PUT", f"/_index_template/{PREFIX}events", {
        "index_patterns": [PREFIX + "events-*"],
        "composed_of": [PREFIX + "base"],
        "template": {"mappings": {"properties": {"timestamp": {"type": "date"}}}}})
    c.call("PUT", f"/_template/{PREFIX}legacy", {"index_patterns": [PREFIX + "legacy-*"],
                                                 "mappings": {"properties": {"count": {"type": "integer"}}}})
    c.call("POST", f"/{PREFIX}events-2026-01/_doc?refresh=true", {"timestamp": "2026-01-01T00:00:00"})
    c.call("POST", f"/{PREFIX}legacy-2026/_doc?refresh=true", {"count": 1})
    m = c.call("GET", f"/{PREFIX}events-2026-01/_mapping")
    assert m[PREFIX + "events-2026-01"]["mappings"]["properties"]["timestamp"]["type"] == "date"
    for p in (f"/{PREFIX}events-2026-01", f"/{PREFIX}legacy-2026", f"/_index_template/{PREFIX}events",
              f"/_component_template/{PREFIX}base", f"/_template/{PREFIX}legacy"):
        c.call("DELETE", p)
    return "ok"


@check("ingest pipeline (ingest-common) and mustache search template")
def t_ingest_mustache(c):
    c.call("PUT", f"/_ingest/pipeline/{PREFIX}pipe", {"processors": [
        {"set": {"field": "ingested", "value": True}}, {"lowercase": {"field": "title"}}]})
    res = c.call("POST", f"/_ingest/pipeline/{PREFIX}pipe/_simulate", {"docs": [{"_source": {"title": "ABC"}}]})
    assert res["docs"][0]["doc"]["_source"] == {"title": "abc", "ingested": True}, res
    c.call("DELETE", f"/_ingest/pipeline/{PREFIX}pipe")
    res = c.call("POST", f"/{RECORDS}/_search/template", {
        "source": {"query": {"match": {"title": "{{q}}"}}}, "params": {"q": "graz"}})
    assert hits(res) == ["r3"], hits(res)
    return "ok"


@check("scroll and search_after (used by invenio-indexer / exports)")
def t_scroll(c):
    res = c.call("POST", f"/{RECORDS}/_search?scroll=1m", {"size": 2, "sort": ["_doc"]})
    seen = hits(res)
    sid = res["_scroll_id"]
    while True:
        res = c.call("POST", "/_search/scroll", {"scroll": "1m", "scroll_id": sid})
        if not res["hits"]["hits"]:
            break
        seen += hits(res)
        sid = res["_scroll_id"]
    c.call("DELETE", "/_search/scroll", {"scroll_id": sid})
    assert len(seen) == 5, seen
    res = c.call("POST", f"/{RECORDS}/_search", {"size": 2, "sort": [{"created": "asc"}, {"title.keyword": "asc"}],
                                                 "query": {"term": {"timeline": "record"}}})
    res2 = c.call("POST", f"/{RECORDS}/_search", {"size": 2, "sort": [{"created": "asc"}, {"title.keyword": "asc"}],
                                                  "query": {"term": {"timeline": "record"}},
                                                  "search_after": res["hits"]["hits"][-1]["sort"]})
    assert hits(res) + hits(res2) == ["r1", "r2", "r3"], (hits(res), hits(res2))
    return "ok"


def put_real_mappings(c, dirs):
    files = []
    for d in dirs:
        files += sorted(pathlib.Path(d).rglob("*.json"))
    for f in files:
        raw = f.read_text().replace("__SEARCH_INDEX_PREFIX__", PREFIX)
        body = json.loads(raw)
        label = f"{f.parent.name}/{f.name}"

        @check(f"real mapping accepted: {label}")
        def one(c, body=body, f=f):
            if "index_patterns" in body:
                name = PREFIX + "tpl-" + f.stem
                kind = "_index_template" if "template" in body else "_template"
                c.call("PUT", f"/{kind}/{name}", body)
                c.call("DELETE", f"/{kind}/{name}")
                return kind
            name = (PREFIX + "map-" + f.parent.name + "-" + f.stem).lower().replace(".", "-")
            c.call("DELETE", f"/{name}", ok=None)
            c.call("PUT", f"/{name}", body)
            props = c.call("GET", f"/{name}/_mapping")[name]["mappings"].get("properties", {})
            c.call("DELETE", f"/{name}")
            return f"{len(props)} top-level fields"

        one(c)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:9200")
    ap.add_argument("--mappings", action="append", default=[], help="folder of InvenioRDM mapping JSON files")
    ap.add_argument("--keep", action="store_true", help=f"keep the {RECORDS} index")
    args = ap.parse_args()
    c = Client(args.url)
    t0 = time.time()
    for t in (t_root, t_plugins, t_create, t_index, t_analysis, t_sayt, t_qs_range, t_aggs, t_join, t_geo,
              t_painless, t_reindex, t_alias, t_datastream, t_templates, t_ingest_mustache, t_scroll):
        t(c)
    put_real_mappings(c, args.mappings)
    if not args.keep:
        c.call("DELETE", f"/{RECORDS}", ok=None)
    passed = sum(1 for r in RESULTS if r[1])
    failed = len(RESULTS) - passed
    print(f"({time.time() - t0:.1f} s)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
