from django import forms
from django.utils.translation import gettext_lazy as _

from aoc.thaidate import format_date
from reports import statistics


class PublicationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, publication):
        return _("ปีการศึกษา %(year)s · %(round)s · ข้อมูล ณ วันที่ %(as_of)s") % {
            "year": publication.round.academic_year,
            "round": publication.round.label,
            "as_of": format_date(publication.as_of, long=True),
        }


class BookletRequestForm(forms.Form):
    """Which published data the new booklet is made from; its year is that round's academic year."""

    publication = PublicationChoiceField(
        label=_("ข้อมูลที่เผยแพร่แล้ว (ปีการศึกษาและรอบ)"),
        queryset=statistics.publication_list(),
        empty_label=None,
    )
