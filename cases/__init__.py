"""The documented cases of each page, one module each, in the page's order: content only.

``case<n>_*.py`` are the API page's, ``damap<n>_*.py`` the DAMAP page's (``core.pages``);
``common.py`` holds steps several cases share, ``fixtures.toml`` the records the examples
rely on. ``apidocs.loader`` finds and loads them.
"""
