from django.contrib import admin

from gazette.articles.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "published_at", "word_count", "extractor", "duplicate_of"]
    list_filter = ["source", "extractor"]
    search_fields = ["title", "canonical_url"]
    raw_id_fields = ["duplicate_of"]
    list_select_related = ["source"]
    date_hierarchy = "published_at"
