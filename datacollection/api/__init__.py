"""The REST API of the data-collection rounds (``/api/v1/``): rounds, submissions, uploads and the
workflow verbs. Routes are registered on the one router in ``aoc/api_urls.py``."""
