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
 5. users depositor (trusted-user, a TISS id: may use DAMAP), curator (reviewer),
    admin (admin: removes the records live runs publish), untrusted (no role), each
    with a personal access token
 6. indexer queues processed (else users show as "Deleted user")
 7. state file (tokens) written atomically; its presence means "done"

The records the documented examples need are not made here: once the app serves,
instance/instance.py runs `apidocs provision`, as on any other instance (set
INSTANCE_SEED=none to start without them).
"""

import argparse
import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

T0 = time.monotonic()

USERS = {
    # key: (email, username, profile, roles)
    # a TU Wien account, as TU's single sign-on creates them: its TISS id lets it use
    # the DAMAP integration (invenio-config-tuw's TUWInvenioDAMAPPermissionPolicy)
    "depositor": ("depositor@example.org", "depositor",
                  {"full_name": "Jane Doe", "given_name": "Jane", "family_name": "Doe",
                   "affiliations": "TU Wien", "tiss_id": 100001}, ["trusted-user"]),
    "curator": ("curator@example.org", "curator",
                {"full_name": "Max Mustermann", "given_name": "Max",
                 "family_name": "Mustermann", "affiliations": "TU Wien"}, ["reviewer"]),
    "admin": ("admin@example.org", "admin",
              {"full_name": "Ada Admin", "given_name": "Ada", "family_name": "Admin",
               "affiliations": "TU Wien"}, ["admin"]),
    "untrusted": ("untrusted@example.org", "untrusted",
                  {"full_name": "Erika Musterfrau", "given_name": "Erika",
                   "family_name": "Musterfrau"}, []),
}

def say(msg):
    print(f"[setup {time.monotonic() - T0:6.1f}s] {msg}", flush=True)


@contextmanager
def step(name):
    t = time.monotonic()
    yield
    say(f"{name} ({time.monotonic() - t:.1f}s)")


class SetupError(Exception):
    pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--state", required=True, type=Path)
    args = ap.parse_args()

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
        invenio("access", "allow", "administration-access", "role", "admin")
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
        for _, (email, username, profile, roles) in USERS.items():
            invenio("users", "create", email, "--password", f"{username}-Passw0rd!",
                    "--active", "--confirm", "--username", username,
                    "--profile", json.dumps(profile))
            for role in roles:
                invenio("roles", "add", email, role)
        with app.app_context():
            from invenio_accounts.models import User
            from invenio_db import db
            from invenio_oauth2server.models import Token

            for key, (email, _, _, _) in USERS.items():
                user = User.query.filter_by(email=email).one()
                token = Token.create_personal(f"docs-{key}", user.id, scopes=[])
                tokens[key] = token.access_token
            db.session.commit()

    with step("indexer queues processed"):
        process_indexer_queues(app)

    state = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "tokens": tokens,
        "users": {k: v[0] for k, v in USERS.items()},
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

        for _, indexer in current_indexer_registry.all().items():
            indexer.process_bulk_queue()


if __name__ == "__main__":
    try:
        main()
    except SetupError as e:
        print(f"setup failed: {e}", file=sys.stderr)
        sys.exit(1)
