"""The GeoJSON of the schools (RFC 7946): a FeatureCollection of Points, longitude first, WGS 84.

Only public facts about a school are written: its codes, names, level, place, its own contact details
(the school's phone, e-mail and website), its latest enrolment figure with date and source, and the number
of its public photos. Never a person: no data officers, no logins, no principal's name, no student data.
A school with no coordinates yet has ``"geometry": null`` (allowed by RFC 7946, section 3.2), so that
lists built from the file are complete.

Built from ``.values()`` rows, not DRF serializers: the file is written for tens of thousands of
schools at once and then cached (``gis.api.views``).
"""

import json

from django.urls import reverse

from schools.selectors import size_of

# The properties of each feature, in order. Changing them changes FORMAT, which is part of the cache key.
PROPERTIES = (
    "code", "smis_code", "obec_code", "name", "name_en", "level", "amphoe", "amphoe_name", "tambon",
    "phone", "email", "website", "size", "students", "students_as_of", "students_source", "photos",
    "location_generated", "url",
)  # fmt: skip
FORMAT = "2"

ROW_FIELDS = (
    "code", "smis_code", "obec_code", "name_th", "name_en", "level", "amphoe__dopa_code", "amphoe__name_th",
    "tambon", "phone", "email", "website", "latitude", "longitude", "generated_fields", "students",
    "students_as_of", "students_source", "public_photos",
)  # fmt: skip


def school_feature(row: dict, size_code: str, profile_url: str = "/schools/{code}/") -> dict:
    latitude, longitude = row["latitude"], row["longitude"]
    geometry = None
    if latitude is not None and longitude is not None:
        # RFC 7946, section 3.1.1: longitude, then latitude.
        geometry = {"type": "Point", "coordinates": [float(longitude), float(latitude)]}
    as_of = row["students_as_of"]
    return {
        "type": "Feature",
        "id": row["code"],
        "geometry": geometry,
        "properties": {
            "code": row["code"],
            "smis_code": row["smis_code"],
            "obec_code": row["obec_code"],
            "name": row["name_th"],
            "name_en": row["name_en"],
            "level": row["level"],
            "amphoe": row["amphoe__dopa_code"],
            "amphoe_name": row["amphoe__name_th"],
            "tambon": row["tambon"],
            "phone": row["phone"],
            "email": row["email"],
            "website": row["website"],
            "size": size_code,
            "students": row["students"],
            "students_as_of": as_of.isoformat() if as_of else None,
            "students_source": row["students_source"],
            "photos": row["public_photos"],
            "location_generated": "latitude" in (row["generated_fields"] or ()),
            "url": profile_url.format(code=row["code"]),
        },
    }


def feature_collection(rows, bands) -> bytes:
    """The UTF-8 bytes of the FeatureCollection of ``rows`` (``ROW_FIELDS`` dicts), compact."""
    profile_url = reverse("schools:profile", kwargs={"code": "0"})[:-2] + "{code}/"
    features = [school_feature(row, size_of(row["students"], bands).code, profile_url) for row in rows]
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":")
    ).encode()
