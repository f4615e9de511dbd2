"""The ground floor: the vocabulary every part shares.

The case model, languages, roles, pages, the page-block catalogue, problems, settings,
errors, file writing and how messages say things. It imports nothing of the project's.
"""
