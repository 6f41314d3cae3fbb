"""The public facts of a school, as the directory and the profile page show them: codes, names,
level, place, the school's own contact details, its latest enrolment figure (with date and source) and
its size. Never a person: no principal's name, no data officers, no logins, no student data."""

from django.urls import reverse
from rest_framework import serializers

from schools.models import School
from schools.selectors import size_of


class PublicSchoolSerializer(serializers.ModelSerializer):
    amphoe_code = serializers.CharField(source="amphoe.dopa_code", read_only=True)
    amphoe_name = serializers.CharField(source="amphoe.name_th", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    students = serializers.IntegerField(read_only=True, allow_null=True, help_text="จำนวนนักเรียนล่าสุด")
    students_as_of = serializers.DateField(read_only=True, allow_null=True, help_text="ข้อมูล ณ วันที่")
    students_source = serializers.CharField(read_only=True, allow_null=True, help_text="ที่มาของจำนวนนักเรียน")
    size = serializers.SerializerMethodField(help_text="รหัสขนาดโรงเรียน (ตามเกณฑ์ที่ใช้อยู่)")
    size_label = serializers.SerializerMethodField(help_text="ขนาดโรงเรียน")
    generated_fields = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="ข้อมูลที่เป็นตัวอย่าง (สร้างขึ้นเพื่อสาธิต)"
    )
    url = serializers.SerializerMethodField(help_text="หน้าโรงเรียนบนเว็บไซต์")

    class Meta:
        model = School
        fields = ["code", "smis_code", "obec_code", "name_th", "name_en", "level", "level_display",
                  "amphoe_code", "amphoe_name", "tambon", "address", "postcode", "phone", "email", "website",
                  "latitude", "longitude", "opened_on", "closed_on", "students", "students_as_of",
                  "students_source", "size", "size_label", "generated_fields", "url"]  # fmt: skip
        read_only_fields = fields

    def _size(self, school):
        return size_of(school.students, self.context.get("bands", []))

    def get_size(self, school) -> str:
        return self._size(school).code

    def get_size_label(self, school) -> str:
        return str(self._size(school).label)

    def get_url(self, school) -> str:
        path = reverse("schools:profile", kwargs={"code": school.code})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path
