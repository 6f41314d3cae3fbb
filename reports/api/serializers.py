from rest_framework import serializers

from reports.models import Dataset, DatasetVersion, Publication


class SourceSerializer(serializers.Serializer):
    """Where a table comes from: the publication, its round and its as-of date."""

    publication_id = serializers.IntegerField()
    round_slug = serializers.CharField()
    round_label = serializers.CharField()
    kind = serializers.CharField()
    academic_year = serializers.IntegerField()
    round_number = serializers.IntegerField()
    as_of = serializers.DateField()
    published_at = serializers.DateTimeField()
    schools_included = serializers.IntegerField()
    schools_expected = serializers.IntegerField()
    is_generated = serializers.BooleanField(help_text="ข้อมูลตัวอย่างที่สร้างขึ้นเพื่อสาธิต")


class PublicationSerializer(serializers.ModelSerializer):
    round = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    round_label = serializers.CharField(source="round.label", read_only=True)
    kind = serializers.CharField(source="round.kind", read_only=True)
    academic_year = serializers.IntegerField(source="round.academic_year", read_only=True)

    class Meta:
        model = Publication
        # Not ``published_by``: a person's name is not public data.
        fields = [
            "id", "round", "round_label", "kind", "academic_year", "as_of", "published_at", "note",
            "schools_expected", "schools_included", "students_total", "is_generated",
        ]  # fmt: skip


class DatasetVersionSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    publication = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = DatasetVersion
        fields = [
            "number",
            "filename",
            "file_format",
            "size",
            "sha256",
            "data_as_of",
            "publication",
            "created_at",
            "url",
        ]

    def get_url(self, version) -> str:
        request = self.context.get("request")
        url = version.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class DatasetSerializer(serializers.ModelSerializer):
    versions = DatasetVersionSerializer(many=True, read_only=True)
    page = serializers.SerializerMethodField()

    class Meta:
        model = Dataset
        fields = ["slug", "title", "category", "description", "page", "versions"]

    def get_page(self, dataset) -> str:
        from django.urls import reverse

        request = self.context.get("request")
        url = reverse("reports:dataset", kwargs={"slug": dataset.slug})
        return request.build_absolute_uri(url) if request else url
