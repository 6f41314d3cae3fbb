from django.apps import AppConfig


class GisConfig(AppConfig):
    name = "gis"
    verbose_name = "แผนที่โรงเรียน"
