"""Cassettes: how exchanges are scrubbed, normalised, matched, stored, checked and read.

The engine is vcrpy; this package is its configuration, one module a concern as vcrpy
spreads its own:

- :mod:`~apidocs.runner.cassettes.filters`: secrets dropped as a request or response is
  recorded (they never reach memory that is saved);
- :mod:`~apidocs.runner.cassettes.normaliser`: ids, dates and the origin made stable when
  a recording is saved (a re-record's diff shows real changes only);
- :mod:`~apidocs.runner.cassettes.matchers`: how a request finds its recording;
- :mod:`~apidocs.runner.cassettes.persister`: where a cassette lives, written atomically;
- :mod:`~apidocs.runner.cassettes.validator` and :mod:`~apidocs.runner.cassettes.reader`:
  a cassette checked field by field as it is read (a broken one is one line, not a traceback);
- :mod:`~apidocs.runner.cassettes.config`: the one VCR every run uses;
- :mod:`~apidocs.runner.cassettes.playback`: replay, answering from a checked cassette only.

The names below are what the rest of the tool uses; the modules' other names are theirs.
"""

from apidocs.runner.cassettes.config import make_vcr
from apidocs.runner.cassettes.normaliser import CANONICAL_ORIGIN, FIXED_TIMESTAMP, normalise
from apidocs.runner.cassettes.persister import path_for
from apidocs.runner.cassettes.playback import replay
from apidocs.runner.cassettes.reader import Recorded, load_checked, load_interactions

__all__ = ["CANONICAL_ORIGIN", "FIXED_TIMESTAMP", "Recorded", "load_checked", "load_interactions", "make_vcr",
           "normalise", "path_for", "replay"]
