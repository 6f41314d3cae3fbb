"""Reference data every installation needs: the amphoes of Songkhla (DOPA codes) and the school size
schemes of DOMAIN.md. Both stay editable in the admin."""

import datetime

from django.db import migrations

AMPHOES = [
    ("9001", "เมืองสงขลา", "Mueang Songkhla"),
    ("9002", "สทิงพระ", "Sathing Phra"),
    ("9003", "จะนะ", "Chana"),
    ("9004", "นาทวี", "Na Thawi"),
    ("9005", "เทพา", "Thepha"),
    ("9006", "สะบ้าย้อย", "Saba Yoi"),
    ("9007", "ระโนด", "Ranot"),
    ("9008", "กระแสสินธุ์", "Krasae Sin"),
    ("9009", "รัตภูมิ", "Rattaphum"),
    ("9010", "สะเดา", "Sadao"),
    ("9011", "หาดใหญ่", "Hat Yai"),
    ("9012", "นาหม่อม", "Na Mom"),
    ("9013", "ควนเนียง", "Khuan Niang"),
    ("9014", "บางกล่ำ", "Bang Klam"),
    ("9015", "สิงหนคร", "Singhanakhon"),
    ("9016", "คลองหอยโข่ง", "Khlong Hoi Khong"),
]

SCHEMES = [
    # code, name, default, bands (code, label, min, max)
    (
        "obec-4",
        "เกณฑ์ขนาดโรงเรียน 4 ขนาด (สพฐ.)",
        True,
        [
            ("small", "ขนาดเล็ก", 1, 120),
            ("medium", "ขนาดกลาง", 121, 600),
            ("large", "ขนาดใหญ่", 601, 1500),
            ("extra-large", "ขนาดใหญ่พิเศษ", 1501, None),
        ],
    ),
    (
        "small-school-bands",
        "ช่วงนักเรียนโรงเรียนขนาดเล็ก",
        False,
        [
            ("1-20", "1–20 คน", 1, 20),
            ("21-40", "21–40 คน", 21, 40),
            ("41-60", "41–60 คน", 41, 60),
            ("61-80", "61–80 คน", 61, 80),
            ("81-100", "81–100 คน", 81, 100),
            ("101-120", "101–120 คน", 101, 120),
            ("over-120", "มากกว่า 120 คน", 121, None),
        ],
    ),
]


def load(apps, schema_editor):
    Amphoe = apps.get_model("schools", "Amphoe")
    SizeScheme = apps.get_model("schools", "SizeScheme")
    SizeBand = apps.get_model("schools", "SizeBand")
    for code, name_th, name_en in AMPHOES:
        Amphoe.objects.update_or_create(dopa_code=code, defaults={"name_th": name_th, "name_en": name_en})
    for code, name, default, bands in SCHEMES:
        scheme, _ = SizeScheme.objects.update_or_create(
            code=code,
            version=1,
            defaults={"name": name, "is_default": default, "valid_from": datetime.date(2020, 5, 16)},
        )
        for order, (band_code, label, low, high) in enumerate(bands):
            SizeBand.objects.update_or_create(
                scheme=scheme,
                code=band_code,
                defaults={"label": label, "min_students": low, "max_students": high, "order": order},
            )


class Migration(migrations.Migration):
    dependencies = [("schools", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
