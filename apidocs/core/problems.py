"""Typed problems: what went wrong in a step, as a kind and a sentence.

The runner finds problems (:mod:`apidocs.core.checks`, :mod:`apidocs.runner.compare`,
:mod:`apidocs.runner.engine`); the console and the reports print their message, and the report
decides which page blocks went stale from the kind alone (:func:`apidocs.core.blocks.concerned`),
never from the words: rewording a message changes nothing but the message.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass


class Kind(enum.Enum):
    """What kind of trouble a problem is; :mod:`apidocs.core.blocks` says which blocks each concerns."""

    #: the snippet did not send (or do) what the page documents: no request or several, a
    #: body where none is taken, an error exit
    REQUEST = "request"
    #: the request disagrees with the step's claim lines: another method or path than its
    #: Endpoint line, or no token where its Token Required line says one is needed
    CLAIM = "claim"
    #: two languages of one step sent different requests
    MISMATCH = "mismatch"
    #: the documented status did not come back
    STATUS = "status"
    #: the body is not what the page documents: a documented field missing or of another type, not JSON
    FIELD = "field"
    #: a documented effect did not happen (a check failed, the download was not saved)
    EFFECT = "effect"
    #: the instance lacks data a check relies on (too few hits): not the page's fault
    DATA = "data"
    #: no answer came: the server did not answer, rate limited the run, or the request was not sent
    TRANSPORT = "transport"
    #: (replay) the cassette holds no such request: a snippet changed since its case was
    #: recorded, and ``apidocs update CASE`` records it again
    UNRECORDED = "unrecorded"
    #: (drift) the live answer no longer has what the page's example response shows
    EXAMPLE = "example"
    #: (drift) a response header the page shows is gone or changed
    HEADER = "header"
    #: (record) the example response shows records that are not our fixtures: recorded, they
    #: would put other people's data on the page, so the cassette is kept as it was
    FOREIGN = "foreign"


@dataclass(frozen=True)
class Problem:
    """One problem of a step, printed as its message."""

    kind: Kind
    message: str
    #: the languages whose snippets it concerns; empty: the language of the run that found it
    languages: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.message

    def as_failure(self) -> Problem:
        """A data problem where the data is there (every fixture found): the page's fault, a
        failed effect (e.g. a search that finds too few records asks the wrong query)."""
        return dataclasses.replace(self, kind=Kind.EFFECT) if self.kind is Kind.DATA else self


def data_missing(message: str) -> Problem:
    """For a check: the instance may lack the data this check relies on (too few hits).

    When the run found the provisioned fixtures missing on the target, the step is
    reported as "data missing" with a pointer to ``apidocs provision``, and no page block
    is called stale. When the fixtures are all there, the runner makes it a failure
    (:meth:`Problem.as_failure`).
    """
    return Problem(Kind.DATA, message)


def from_check(found: str | Problem) -> Problem:
    """What a check returned, as a problem: a plain sentence is a documented effect that failed."""
    return found if isinstance(found, Problem) else Problem(Kind.EFFECT, found)


def only_data_missing(problems: list[Problem]) -> bool:
    """True when there are problems and every one is missing data, not a failure."""
    return bool(problems) and all(p.kind is Kind.DATA for p in problems)
