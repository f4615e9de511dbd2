"""Set up and seed the reference instance in ONE process (the app is created once).

Run by instance/instance.py (in .instance/venv, with INVENIO_INSTANCE_PATH set) on
an empty database:

    python setup_instance.py --state .instance/state.json

Each `invenio ...` CLI call would spend 11-16 s creating the app; here the same
click commands run through Flask's CLI runner against one app, and the rest goes
through the public services / the REST API (Flask test client, same WSGI app as
gunicorn serves):

 1. tables, search indices, queues, files location, custom fields
 2. roles admin (superuser-access), trusted-user, reviewer (TU Wien's names: see
    invenio_config_tuw.permissions and CURATIONS_MODERATION_ROLE)
 3. reduced vocabularies (instance/app_data/vocabularies.yaml + InvenioRDM's own)
 4. OAI sets / static pages (`invenio rdm fixtures`)
 5. users depositor (trusted-user), curator (reviewer), untrusted (no role), each
    with a personal access token
 6. indexer queues processed (else users show as "Deleted user")
 7. three published records with a small CSV file each, through TU Wien's flow:
    draft -> DOI -> file -> curation request -> review + accept (curator) -> publish
 8. state file (tokens, record ids) written atomically; its presence means "done"
"""

import argparse
import io
import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

T0 = time.monotonic()
API_BASE = "http://127.0.0.1:{port}"

USERS = {
    # key: (email, username, profile, roles)
    "depositor": ("depositor@example.org", "depositor",
                  {"full_name": "Jane Doe", "given_name": "Jane", "family_name": "Doe",
                   "affiliations": "TU Wien"}, ["trusted-user"]),
    "curator": ("curator@example.org", "curator",
                {"full_name": "Max Mustermann", "given_name": "Max",
                 "family_name": "Mustermann", "affiliations": "TU Wien"}, ["reviewer"]),
    "untrusted": ("untrusted@example.org", "untrusted",
                  {"full_name": "Erika Musterfrau", "given_name": "Erika",
                   "family_name": "Musterfrau"}, []),
}

RECORDS = [
    {
        "title": "Climate Change Data 2023",
        "publication_date": "2023-06-15",
        "file": "climate_change_data_2023.csv",
        "keywords": ["climate", "temperature", "precipitation"],
        "description": "<p>Monthly mean temperature and precipitation at three Austrian "
                       "stations in 2023 (reference-instance seed record).</p>",
        "rows": [("2023-01", "Wien", 1.9, 38.2), ("2023-02", "Wien", 3.1, 25.0),
                 ("2023-01", "Innsbruck", -1.2, 51.4), ("2023-02", "Innsbruck", 0.4, 40.9),
                 ("2023-01", "Graz", 0.8, 30.1), ("2023-02", "Graz", 2.2, 22.7)],
        "header": ("month", "station", "mean_temperature_c", "precipitation_mm"),
    },
    {
        "title": "Temperature Records 2024",
        "publication_date": "2024-12-25",
        "file": "temperature_records_2024.csv",
        "keywords": ["temperature", "weather station"],
        "description": "<p>Daily minimum and maximum air temperatures measured on the "
                       "TU Wien campus in December 2024 (reference-instance seed "
                       "record).</p>",
        "rows": [("2024-12-01", -2.5, 4.1), ("2024-12-02", -1.0, 5.3),
                 ("2024-12-03", 0.2, 6.8), ("2024-12-04", 1.1, 7.0)],
        "header": ("date", "t_min_c", "t_max_c"),
    },
    {
        "title": "Glacier Climate Observations 2025",
        "publication_date": "2025-03-01",
        "file": "glacier_climate_observations_2025.csv",
        "keywords": ["climate", "glacier", "mass balance"],
        "description": "<p>Winter mass balance and snow depth at two Alpine glaciers, "
                       "early 2025 (reference-instance seed record).</p>",
        "rows": [("Pasterze", "2025-01-15", -0.12, 1.85),
                 ("Pasterze", "2025-02-15", -0.05, 2.10),
                 ("Hintereisferner", "2025-01-15", -0.08, 1.60),
                 ("Hintereisferner", "2025-02-15", -0.02, 1.95)],
        "header": ("glacier", "date", "mass_balance_m_we", "snow_depth_m"),
    },
]


def say(msg):
    print(f"[setup {time.monotonic() - T0:6.1f}s] {msg}", flush=True)


@contextmanager
def step(name):
    t = time.monotonic()
    yield
    say(f"{name} ({time.monotonic() - t:.1f}s)")


class SetupError(Exception):
    pass


def csv_bytes(rec):
    out = io.StringIO()
    out.write(",".join(rec["header"]) + "\n")
    for row in rec["rows"]:
        out.write(",".join(str(v) for v in row) + "\n")
    return out.getvalue().encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--state", required=True, type=Path)
    args = ap.parse_args()
    port = int(os.environ.get("INSTANCE_APP_PORT", "5000"))

    with step("app created"):
        from invenio_app.factory import create_app

        app = create_app()

    from invenio_app.cli import cli

    runner = app.test_cli_runner()

    def invenio(*argv):
        """Run an `invenio ...` command against the already created app."""
        result = runner.invoke(cli, list(argv), catch_exceptions=True)
        if result.exit_code != 0:
            sys.stderr.write(result.output)
            if result.exception:
                import traceback

                traceback.print_exception(result.exception, file=sys.stderr)
            raise SetupError(f"`invenio {' '.join(argv)}` failed (exit {result.exit_code})")
        return result.output

    files_dir = Path(app.instance_path) / "data"
    files_dir.mkdir(parents=True, exist_ok=True)

    with step("database tables, search indices, queues, files location"):
        invenio("db", "create")
        # the OpenSearch node belongs to this instance alone and the database is new:
        # drop every index and data stream left from earlier runs before creating ours
        with app.app_context():
            from invenio_search.proxies import current_search_client as search

            search.indices.delete_data_stream(name="*", ignore=[404])
            search.indices.delete(index="*", expand_wildcards="all", ignore=[404])
        invenio("index", "init", "--force")
        invenio("queues", "declare")
        invenio("files", "location", "create", "--default", "default", str(files_dir))

    with step("roles admin, trusted-user, reviewer"):
        invenio("roles", "create", "admin", "-d", "Administrators")
        invenio("access", "allow", "superuser-access", "role", "admin")
        invenio("roles", "create", "trusted-user", "-d",
                "Users trusted with upload permissions")
        invenio("roles", "create", "reviewer", "-d", "Curation reviewers")

    with step("custom fields"):
        invenio("rdm-records", "custom-fields", "init")
        invenio("communities", "custom-fields", "init")

    with app.app_context():
        from invenio_access.permissions import system_identity
        from invenio_rdm_records.fixtures import PrioritizedVocabulariesFixtures

        app_data = Path(app.instance_path) / "app_data"
        import invenio_rdm_records.fixtures as rdm_fixtures

        with step("vocabularies (reduced: app_data/vocabularies.yaml + InvenioRDM's)"):
            PrioritizedVocabulariesFixtures(
                system_identity,
                app_data_folder=app_data,
                pkg_data_folder=Path(rdm_fixtures.__file__).parent / "data",
                filename="vocabularies.yaml",
                delay=False,  # in this process, not through Celery
            ).load()

    with step("OAI sets and static pages (invenio rdm fixtures)"):
        invenio("rdm", "fixtures")

    tokens = {}
    with step("users, role grants, personal access tokens"):
        for key, (email, username, profile, roles) in USERS.items():
            invenio("users", "create", email, "--password", f"{username}-Passw0rd!",
                    "--active", "--confirm", "--username", username,
                    "--profile", json.dumps(profile))
            for role in roles:
                invenio("roles", "add", email, role)
        with app.app_context():
            from invenio_accounts.models import User
            from invenio_db import db
            from invenio_oauth2server.models import Token

            for key, (email, username, _, _) in USERS.items():
                user = User.query.filter_by(email=email).one()
                token = Token.create_personal(f"docs-{key}", user.id, scopes=[])
                tokens[key] = token.access_token
            db.session.commit()

    with step("indexer queues processed"):
        process_indexer_queues(app)

    records = []
    with step("seed records published through the curation flow"):
        client = app.test_client()
        for rec in RECORDS:
            records.append(seed_record(client, port, tokens, rec))
            say(f"  published {records[-1]['id']}  {rec['title']}")

    with step("indexer queues processed, indices refreshed, search checked"):
        process_indexer_queues(app)
        with app.app_context():
            from invenio_search.proxies import current_search_client

            current_search_client.indices.refresh(index="*")
        client = app.test_client()
        r = client.get("/api/records?q=metadata.title:climate&sort=newest&size=50",
                       base_url=API_BASE.format(port=port))
        hits = r.get_json()["hits"]["total"]
        if r.status_code != 200 or hits < 2:
            raise SetupError(f"search for seeded records found {hits} ({r.status_code})")

    state = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "tokens": tokens,
        "users": {k: v[0] for k, v in USERS.items()},
        "records": records,
    }
    tmp = args.state.with_name(args.state.name + ".tmp")
    tmp.write_text(json.dumps(state, indent=2) + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, args.state)
    say(f"state written to {args.state}")


def process_indexer_queues(app):
    """What the Celery beat task manage_indexer_queues triggers, synchronously."""
    with app.app_context():
        from invenio_indexer.proxies import current_indexer_registry

        for name, indexer in current_indexer_registry.all().items():
            indexer.process_bulk_queue()


def seed_record(client, port, tokens, rec):
    """Create, curate and publish one record via the REST API, as a user would."""
    base = API_BASE.format(port=port)

    def call(method, path, token, expect, **kw):
        headers = {"Authorization": f"Bearer {tokens[token]}", **kw.pop("headers", {})}
        r = client.open(path, method=method, headers=headers, base_url=base, **kw)
        if r.status_code != expect:
            raise SetupError(f"{method} {path} as {token}: {r.status_code} "
                             f"(expected {expect}): {r.get_data(as_text=True)[:2000]}")
        return r.get_json(silent=True)

    draft = call("POST", "/api/records", "depositor", 201, json={
        "metadata": {
            "resource_type": {"id": "dataset"},
            "title": rec["title"],
            "publication_date": rec["publication_date"],
            "creators": [{"person_or_org": {"type": "personal", "given_name": "Jane",
                                            "family_name": "Doe"},
                          "affiliations": [{"name": "TU Wien"}]}],
            "publisher": "TU Wien",
            "description": rec["description"],
            "subjects": [{"subject": k} for k in rec["keywords"]],
            "languages": [{"id": "eng"}],
            "rights": [{"id": "cc-by-4.0"}],
        },
        "files": {"enabled": True},
        "access": {"record": "public", "files": "public"},
    })
    rid = draft["id"]
    doi = call("POST", f"/api/records/{rid}/draft/pids/doi", "depositor", 201)
    key = rec["file"]
    call("POST", f"/api/records/{rid}/draft/files", "depositor", 201, json=[{"key": key}])
    call("PUT", f"/api/records/{rid}/draft/files/{key}/content", "depositor", 200,
         data=csv_bytes(rec), headers={"Content-Type": "application/octet-stream"})
    call("POST", f"/api/records/{rid}/draft/files/{key}/commit", "depositor", 200)
    req = call("POST", "/api/curations/", "depositor", 201, json={"topic": {"record": rid}})
    call("POST", f"/api/requests/{req['id']}/actions/review", "curator", 200)
    call("POST", f"/api/requests/{req['id']}/actions/accept", "curator", 200)
    published = call("POST", f"/api/records/{rid}/draft/actions/publish", "depositor", 202)
    return {
        "id": rid,
        "title": rec["title"],
        "publication_date": rec["publication_date"],
        "file": key,
        "doi": published["pids"]["doi"]["identifier"],
        "reserved_doi": doi["pids"]["doi"]["identifier"],
        "curation_request": req["id"],
    }


if __name__ == "__main__":
    try:
        main()
    except SetupError as e:
        print(f"setup failed: {e}", file=sys.stderr)
        sys.exit(1)
