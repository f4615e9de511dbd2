"""The entry points: the ``apidocs`` CLI (:mod:`apidocs.entry.cli` parses and dispatches to
one module a command, :mod:`apidocs.entry.commands`), the pytest plugin, the case loader,
and the console, the one writer of what they say.

The top floor: it may import every layer below (render, runner, core) and the content
(cases); nothing imports it.
"""
