"""The building types of B-OBEC (DOMAIN.md) as an editable lookup list, with spellings found in schools'
files as aliases. A frozen copy: later changes are made in the admin, not here."""

from django.db import migrations

# (code, label, [aliases])
BUILDING_TYPES = [
    ("classroom", "อาคารเรียน", ["อาคารเรียนถาวร", "อาคารเรียนชั่วคราว", "ตึกเรียน"]),
    ("multipurpose", "อาคารอเนกประสงค์/โรงอาหาร", ["อาคารอเนกประสงค์", "โรงอาหาร", "หอประชุม", "โรงฝึกงาน"]),
    ("teacher_house", "บ้านพักครู", ["บ้านพักครูและบุคลากร"]),
    ("janitor_house", "บ้านพักภารโรง", ["บ้านพักนักการภารโรง", "บ้านพักนักการ"]),
    ("toilet", "ส้วม", ["ห้องส้วม", "ห้องน้ำ", "ห้องน้ำ/ส้วม", "ส้วมนักเรียน"]),
    ("water_tank", "ถังเก็บน้ำ", ["ถังน้ำ", "ถังเก็บน้ำฝน", "ถังน้ำฝน", "หอถังสูง", "ถังเก็บน้ำ ฝ.33"]),
    ("sports_field", "สนามกีฬา", ["สนามฟุตบอล", "สนามวอลเลย์บอล", "สนามเอนกประสงค์"]),
    ("playground", "สนามเด็กเล่น", ["เครื่องเล่นสนาม"]),
    ("fence", "รั้ว", ["รั้วโรงเรียน", "รั้วคอนกรีต", "รั้วลวดหนาม", "ประตูรั้ว"]),
    ("road", "ถนน", ["ถนนคอนกรีต", "ถนน คสล.", "ทางเดินเท้า"]),
    ("library", "ห้องสมุด", ["อาคารห้องสมุด"]),
    ("other", "อื่น ๆ", ["อื่นๆ", "สิ่งก่อสร้างอื่น"]),
]


def load(apps, schema_editor):
    LookupValue = apps.get_model("datacollection", "LookupValue")
    for order, (code, label, aliases) in enumerate(BUILDING_TYPES):
        LookupValue.objects.update_or_create(
            list="building_type",
            code=code,
            defaults={"label": label, "aliases": "\n".join(aliases), "order": order},
        )


def unload(apps, schema_editor):
    apps.get_model("datacollection", "LookupValue").objects.filter(list="building_type").delete()


class Migration(migrations.Migration):
    dependencies = [("datacollection", "0006_bobec_buildings")]

    operations = [migrations.RunPython(load, unload)]
