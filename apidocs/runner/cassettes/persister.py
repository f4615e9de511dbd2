"""Where a cassette lives, and how a recording is written: normalised, through a temp file,
so a run that stops half-way never leaves half a cassette."""

from __future__ import annotations

from pathlib import Path

from vcr.persisters.filesystem import FilesystemPersister
from vcr.serializers.compat import convert_to_unicode

from apidocs.core.files import write_atomically
from apidocs.runner.cassettes.normaliser import normalise


def path_for(folder: Path, case: str) -> Path:
    """Where the cassette of ``case`` lives in ``folder``."""
    return folder / f"{case}.yaml"


def atomic_persister(upstream_origin: str | None):
    """A persister that normalises (when recording) and writes through a temp file."""

    class AtomicPersister(FilesystemPersister):
        @staticmethod
        def save_cassette(cassette_path, cassette_dict, serializer):
            data = {
                "version": 1,
                "interactions": [
                    {"request": convert_to_unicode(request._to_dict()), "response": convert_to_unicode(response)}
                    for request, response in zip(cassette_dict["requests"], cassette_dict["responses"], strict=True)
                ],
            }
            if upstream_origin:
                data = normalise(data, upstream_origin)
            if cassette_dict.get("metadata"):
                data["metadata"] = cassette_dict["metadata"]
            write_atomically(Path(cassette_path), serializer.serialize(data))

    return AtomicPersister
