"""The code lists of EMIS as editable lookup tables (DOMAIN.md "EMIS"). A frozen copy: later changes are
made in the admin, not here."""

from django.db import migrations

# list → [(code, label, [aliases])]
LISTS = {
    "emis_staff_category": [
        ("director", "ผู้อำนวยการ", ["ผู้อำนวยการโรงเรียน", "ผอ."]),
        ("deputy", "รองผู้อำนวยการ", ["รองผู้อำนวยการโรงเรียน", "รอง ผอ."]),
        ("teacher", "ครู", ["ข้าราชการครู"]),
        ("assistant_teacher", "ครูผู้ช่วย", []),
        ("permanent_employee", "ลูกจ้างประจำ", []),
        ("government_employee", "พนักงานราชการ", []),
        ("temporary_employee", "ลูกจ้างชั่วคราว", ["ครูอัตราจ้าง"]),
    ],
    "emis_rank": [
        ("none", "ไม่มีวิทยฐานะ", ["ไม่มี", "-"]),
        ("k1", "คศ.1", ["ค.ศ.1", "คศ. 1"]),
        ("k2", "คศ.2", ["ค.ศ.2", "คศ. 2", "ชำนาญการ"]),
        ("k3", "คศ.3", ["ค.ศ.3", "คศ. 3", "ชำนาญการพิเศษ"]),
        ("k4", "คศ.4", ["ค.ศ.4", "คศ. 4", "เชี่ยวชาญ"]),
        ("k5", "คศ.5", ["ค.ศ.5", "คศ. 5", "เชี่ยวชาญพิเศษ"]),
    ],
    "emis_funding": [
        ("obec", "งบประมาณ สพฐ.", ["สพฐ.", "งบ สพฐ."]),
        ("local_government", "งบประมาณ อปท.", ["อปท.", "องค์กรปกครองส่วนท้องถิ่น"]),
        ("school_income", "เงินรายได้สถานศึกษา", ["เงินรายได้"]),
        ("donation", "เงินบริจาค", ["บริจาค"]),
        ("other", "อื่น ๆ", ["อื่นๆ"]),
    ],
    "emis_isp": [
        ("moenet", "MOENet (กระทรวงศึกษาธิการ)", ["MOENet", "UniNet", "MOE Net"]),
        ("nt", "NT (บริษัท โทรคมนาคมแห่งชาติ)", ["NT", "TOT", "CAT"]),
        ("true", "True", ["ทรู"]),
        ("3bb", "3BB", []),
        ("ais", "AIS", ["เอไอเอส"]),
        ("other", "อื่น ๆ", ["อื่นๆ"]),
    ],
    "emis_link_type": [
        ("fiber", "Fiber optic", ["ไฟเบอร์", "FTTx", "Fiber"]),
        ("adsl", "ADSL", []),
        ("mobile", "4G/5G", ["4G", "5G", "Mobile"]),
        ("satellite", "ดาวเทียม", ["Satellite", "VSAT"]),
        ("leased_line", "Leased line", ["ลีสด์ไลน์"]),
    ],
    "emis_equipment": [
        ("22029", "22029 จานรับสัญญาณดาวเทียม", ["จานรับสัญญาณดาวเทียม", "จานดาวเทียม"]),
        ("22026", "22026 เครื่องรับโทรทัศน์", ["เครื่องรับโทรทัศน์", "โทรทัศน์", "ทีวี"]),
        ("22043", "22043 โทรทัศน์จอแบน", ["โทรทัศน์จอแบน", "ทีวีจอแบน"]),
        ("22033", "22033 เครื่องคอมพิวเตอร์", ["เครื่องคอมพิวเตอร์"]),
        ("22030", "22030 เครื่องรับสัญญาณดาวเทียม (IRD)", ["เครื่องรับสัญญาณดาวเทียม", "IRD"]),
        ("22012", "22012 เครื่องฉายภาพ (โปรเจกเตอร์)", ["โปรเจกเตอร์", "เครื่องฉายภาพ"]),
    ],
}


def load(apps, schema_editor):
    LookupValue = apps.get_model("datacollection", "LookupValue")
    for list_name, items in LISTS.items():
        for order, (code, label, aliases) in enumerate(items):
            LookupValue.objects.update_or_create(
                list=list_name, code=code, defaults={"label": label, "aliases": "\n".join(aliases), "order": order}
            )


def unload(apps, schema_editor):
    LookupValue = apps.get_model("datacollection", "LookupValue")
    LookupValue.objects.filter(list__in=LISTS).delete()


class Migration(migrations.Migration):
    dependencies = [("datacollection", "0004_emis")]

    operations = [migrations.RunPython(load, unload)]
