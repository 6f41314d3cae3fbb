"""The public GeoJSON of the schools (``/api/v1/schools.geojson``), registered on the one API router in
``aoc/api_urls.py``."""
