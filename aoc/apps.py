from django.apps import AppConfig


class AocConfig(AppConfig):
    name = "aoc"
    verbose_name = "พอร์ทัล AOC"
