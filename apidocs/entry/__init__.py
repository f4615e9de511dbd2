"""The entry points: the ``apidocs`` CLI, ``apidocs render``, the pytest plugin, the case loader.

The top floor: it may import every layer below (render, runner, core) and the content
(cases); nothing imports it.
"""
