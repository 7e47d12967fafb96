"""The search query a reader types and its filters, read the same way by the search page and the search feed."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from gazette.search.query import SearchFilters
from gazette.sources.models import Category, Source
from gazette.stories.models import Topic


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=True)
    source = forms.ModelChoiceField(Source.objects.all(), required=False, empty_label="All sources")
    # Topics are given to each article; categories are the operator's labels for whole sources.
    topic = forms.ModelChoiceField(
        Topic.objects.visible(), required=False, to_field_name="slug", empty_label="All topics"
    )
    category = forms.ModelChoiceField(
        Category.objects.all(), required=False, to_field_name="slug", empty_label="All categories"
    )
    date_from = forms.DateField(required=False, label="From")
    date_to = forms.DateField(required=False, label="To")

    def __init__(self, data, *args, **kwargs):
        # The URL says from/to; `from` is a Python keyword, so the fields are date_from/date_to.
        data = data.copy()
        data.setdefault("date_from", data.get("from", ""))
        data.setdefault("date_to", data.get("to", ""))
        super().__init__(data, *args, **kwargs)

    def filters(self) -> SearchFilters:
        """The valid filters; an invalid one is ignored (its error shown) rather than failing the search."""
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        return SearchFilters(
            source_id=getattr(data.get("source"), "pk", None),
            category_id=getattr(data.get("category"), "pk", None),
            topic_id=getattr(data.get("topic"), "pk", None),
            published_from=_day_start(data["date_from"]) if data.get("date_from") else None,
            published_before=_day_start(data["date_to"]) + timedelta(days=1) if data.get("date_to") else None,
        )


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
