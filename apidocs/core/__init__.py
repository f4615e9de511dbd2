"""The ground floor: the vocabulary every part shares.

The case model, languages, roles, pages, the page-block catalogue, problems, settings,
errors and file writing. It imports nothing of the project's.
"""
