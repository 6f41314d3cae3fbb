"""The code lists of DMC files as editable lookup tables (DOMAIN.md), with the spellings found in real
files as aliases. A frozen copy: later changes are made in the admin, not here."""

from django.db import migrations

# list → [(code, label, [aliases])]
LISTS = {'disadvantage': [('forced_labour', 'เด็กถูกบังคับให้ขายแรงงาน', []),
                  ('sex_trade', 'เด็กที่อยู่ในธุรกิจทางเพศ', []),
                  ('abandoned', 'เด็กถูกทอดทิ้ง', []),
                  ('juvenile_detention', 'เด็กในสถานพินิจและคุ้มครองเด็กและเยาวชน', []),
                  ('street_child', 'เด็กเร่ร่อน', []),
                  ('aids_affected', 'ผลกระทบจากเอดส์', []),
                  ('minority', 'ชนกลุ่มน้อย', []),
                  ('abused', 'เด็กที่ถูกทำร้ายทารุณ', []),
                  ('poor', 'เด็กยากจน', ['ยากจน']),
                  ('drugs', 'เด็กที่มีปัญหาเกี่ยวกับยาเสพติด', []),
                  ('other', 'อื่น ๆ', ['อื่นๆ']),
                  ('orphan', 'กำพร้า', ['เด็กกำพร้า']),
                  ('self_supporting', 'ทำงานรับผิดชอบตนเองและครอบครัว', [])],
 'disability': [('visual', 'บกพร่องทางการเห็น', []),
                ('hearing', 'บกพร่องทางการได้ยิน', []),
                ('intellectual', 'บกพร่องทางสติปัญญา', []),
                ('physical_health',
                 'บกพร่องทางร่างกาย หรือการเคลื่อนไหว หรือสุขภาพ',
                 ['บกพร่องทางร่างกายหรือการเคลื่อนไหวหรือสุขภาพ']),
                ('learning', 'บกพร่องทางการเรียนรู้', []),
                ('speech_language', 'บกพร่องทางการพูดและภาษา', []),
                ('behaviour_emotion', 'บกพร่องทางพฤติกรรม หรืออารมณ์', []),
                ('autism', 'ออทิสติก', ['ออทิสซึม']),
                ('multiple', 'พิการซ้อน', [])],
 'religion': [('buddhism', 'พุทธ', ['ศาสนาพุทธ']),
              ('islam', 'อิสลาม', ['ศาสนาอิสลาม', 'มุสลิม']),
              ('christianity', 'คริสต์', ['ศาสนาคริสต์', 'คริสเตียน']),
              ('hinduism', 'ฮินดู', []),
              ('sikhism', 'ซิกข์', []),
              ('other', 'อื่น ๆ', []),
              ('none', 'ไม่นับถือศาสนา', [])],
 'blood_group': [('A', 'A', ['เอ']), ('B', 'B', ['บี']), ('AB', 'AB', ['เอบี']), ('O', 'O', ['โอ'])]}


def load(apps, schema_editor):
    LookupValue = apps.get_model("datacollection", "LookupValue")
    for list_name, items in LISTS.items():
        for order, (code, label, aliases) in enumerate(items):
            LookupValue.objects.update_or_create(
                list=list_name, code=code, defaults={"label": label, "aliases": "\n".join(aliases), "order": order}
            )


class Migration(migrations.Migration):
    dependencies = [("datacollection", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
