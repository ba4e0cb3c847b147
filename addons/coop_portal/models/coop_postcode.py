"""French postcodes and their coordinates, for the member directory's distance search.

The table ships with the module (data/fr_postcode_coordinates.csv.gz, see
data/fr_postcode_coordinates.md for its sources and licences): no geocoding service is
ever called. It is read once per process (about 5,600 rows, 48 kB compressed).
"""

import csv
import functools
import gzip
import math
from pathlib import Path

from odoo import api, models
from odoo.tools import file_path

TABLE = "coop_portal/data/fr_postcode_coordinates.csv.gz"
EARTH_RADIUS_KM = 6371.0
_table = None


def _load_table():
    global _table  # noqa: PLW0603 - read-only cache filled once per process
    if _table is None:
        with gzip.open(Path(file_path(TABLE)), "rt", encoding="utf-8", newline="") as f:
            _table = {
                row["postcode"]: (float(row["latitude"]), float(row["longitude"]))
                for row in csv.DictReader(f)
            }
    return _table


def haversine_km(a, b):
    """Great-circle distance in km between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


class CoopPostcode(models.AbstractModel):
    _name = "coop.postcode"
    _description = "French Postcode Coordinates"

    @api.model
    def _coop_coordinates(self, postcode):
        """(latitude, longitude) of a French postcode, or None when the table lacks it."""
        if not isinstance(postcode, str):
            return None
        return _load_table().get(postcode.strip().replace(" ", ""))

    @api.model
    def _coop_postcodes_within(self, origin, radius_km):
        """{postcode: distance in km} of the postcodes at most ``radius_km`` from
        ``origin``: a search then filters partners on ``zip in`` these, in SQL."""
        return dict(_postcodes_within(tuple(origin), radius_km))


@functools.lru_cache(maxsize=512)
def _postcodes_within(origin, radius_km):
    # Remembered per process: the 5,600 distances of a search are the same for every
    # member searching around the same postcode (callers get a copy).
    return {
        code: distance
        for code, point in _load_table().items()
        if (distance := haversine_km(origin, point)) <= radius_km
    }
