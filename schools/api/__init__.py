"""The public schools API (``/api/v1/schools/``), registered on the one router in ``aoc/api_urls.py``."""
