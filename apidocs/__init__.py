"""The verified API docs engine: one installed package, ``apidocs``.

- :mod:`apidocs.core`: the ground floor, the vocabulary every part shares;
- :mod:`apidocs.runner`: runs the documented cases (replay, live, record) into verified results;
- :mod:`apidocs.render` (the folder render/ of the checkout): results into page blocks;
- :mod:`apidocs.entry`: the top floor, the entry points (the ``apidocs`` command, the pytest plugin).

The content (case scripts, snippets, fixtures, page templates, cassettes) is not part of
the package: it is the docs project the commands run in (:mod:`apidocs.core.project`).
"""
