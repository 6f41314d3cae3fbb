"""Generated, plausible building lists of a school, for the demo and the tests (like ``samples`` for DMC
student files). Deterministic: the same school code and seed give the same buildings."""

import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

# (type code, share of schools that have one, how many at most, designs, rooms by plan)
_PLAN = (
    ("classroom", 1.0, 3, ("สปช.105/29", "สปช.102/26", "108ล/30", "แบบ 008", "ป.1ฉ", "พิเศษ 3 ชั้น"), (3, 12)),
    ("multipurpose", 0.85, 1, ("สปช.202/26", "อาคารอเนกประสงค์ แบบ 312", ""), None),
    ("teacher_house", 0.6, 3, ("แบบ 205/26", "องค์การฯ 203/27", ""), None),
    ("janitor_house", 0.3, 1, ("", "แบบ 207"), None),
    ("toilet", 1.0, 3, ("สปช.601/26", "สปช.604/45", "ส้วม 4 ที่"), None),
    ("water_tank", 0.9, 2, ("ฝ.33", "ฝ.30", "ถังสแตนเลส"), None),
    ("sports_field", 0.7, 1, ("",), None),
    ("playground", 0.5, 1, ("",), None),
    ("fence", 0.8, 1, ("รั้วคอนกรีต", "รั้วลวดหนาม"), None),
    ("road", 0.4, 1, ("ถนน คสล.",), None),
)
_SOURCES = ("งบประมาณ สพฐ.", "งบประมาณ สพฐ.", "งบ อบต.", "เงินบริจาค", "งบ อบจ.", "")
_CONDITIONS = ("good", "fair", "poor")


@dataclass
class SampleBuilding:
    """Has the fields ``kinds.bobec.template_row`` reads."""

    building_type: str
    sequence: int
    design_raw: str
    rooms: int | None
    year_built: int
    condition: str
    budget_source: str = ""
    fiscal_year: int | None = None
    budget_amount: Decimal | None = None
    demolished_on: object = None
    note: str = ""
    uid: uuid.UUID = field(default_factory=uuid.uuid4)


def make_buildings(school_code: str, *, seed: int = 1, year_be: int = 2569) -> list[SampleBuilding]:
    """A school's buildings: always classroom buildings and toilets, most others by chance; older
    buildings are more often in poor condition."""
    rng = random.Random(f"{school_code}:{seed}")
    buildings = []
    for code, share, most, designs, rooms in _PLAN:
        if rng.random() >= share:
            continue
        for sequence in range(1, rng.randint(1, most) + 1):
            year = rng.randint(year_be - 55, year_be - 1)
            age = year_be - year
            weights = (max(1, 40 - age), 30, max(1, age - 10))
            condition = rng.choices(_CONDITIONS, weights=weights)[0]
            source = rng.choice(_SOURCES)
            funded = bool(source) and rng.random() < 0.7
            buildings.append(
                SampleBuilding(
                    building_type=code,
                    sequence=sequence,
                    design_raw=rng.choice(designs),
                    rooms=rng.randint(*rooms) if rooms else None,
                    year_built=year,
                    condition=condition,
                    budget_source=source,
                    fiscal_year=year if funded else None,
                    budget_amount=Decimal(rng.randrange(150, 9000) * 1000) if funded else None,
                    uid=uuid.UUID(int=rng.getrandbits(128), version=4),
                )
            )
    return buildings
