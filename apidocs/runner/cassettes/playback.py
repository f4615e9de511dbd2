"""Replay: a checked cassette as the only source of answers."""

from __future__ import annotations

from pathlib import Path

from apidocs.core.errors import CassetteError
from apidocs.runner.cassettes.config import make_vcr
from apidocs.runner.cassettes.reader import load_checked


def replay(path: Path):
    """The cassette at ``path``, checked, as a context that answers from it and nothing else.

    A recorded answer may be played again: every language must send the same request, so
    the answer recorded for one serves all of them (a language added after the recording
    is verified before the cassettes are re-recorded). How many requests a snippet sent is
    counted by the capture proxy, not by the cassette.
    """
    recorder = make_vcr([], upstream_origin=None)
    recorder.register_serializer("checked", _Read(load_checked(path)))  # the file is parsed once, not twice
    return recorder.use_cassette(str(path), record_mode="none", allow_playback_repeats=True, serializer="checked")


class _Read:
    """A vcrpy serializer that hands over a cassette :func:`load_checked` has read (replay
    never writes one)."""

    def __init__(self, data: dict) -> None:
        self.data = data

    def deserialize(self, _text: str) -> dict:
        return self.data

    def serialize(self, _data: dict) -> str:
        raise CassetteError("a replayed cassette is never written")
