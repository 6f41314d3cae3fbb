from django.apps import AppConfig


class DatacollectionConfig(AppConfig):
    name = "datacollection"
    verbose_name = "การเก็บข้อมูล"
