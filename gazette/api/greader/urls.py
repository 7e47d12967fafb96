from django.urls import path, re_path

from gazette.api.greader import views

app_name = "greader"

API = "reader/api/0/"

urlpatterns = [
    path("accounts/ClientLogin", views.client_login, name="client-login"),
    path(f"{API}token", views.token, name="token"),
    path(f"{API}user-info", views.user_info, name="user-info"),
    path(f"{API}subscription/list", views.subscription_list, name="subscription-list"),
    path(f"{API}subscription/edit", views.subscription_edit, name="subscription-edit"),
    path(f"{API}subscription/quickadd", views.subscription_quickadd, name="subscription-quickadd"),
    path(f"{API}tag/list", views.tag_list, name="tag-list"),
    path(f"{API}unread-count", views.unread_count, name="unread-count"),
    path(f"{API}stream/items/ids", views.stream_items_ids, name="stream-items-ids"),
    path(f"{API}stream/items/contents", views.stream_items_contents, name="stream-items-contents"),
    path(f"{API}stream/contents", views.stream_contents, name="stream-contents"),
    re_path(rf"^{API}stream/contents/(?P<stream>.+)$", views.stream_contents, name="stream-contents-of"),
    path(f"{API}edit-tag", views.edit_tag, name="edit-tag"),
    path(f"{API}rename-tag", views.rename_tag, name="rename-tag"),
    path(f"{API}disable-tag", views.disable_tag, name="disable-tag"),
    path(f"{API}mark-all-as-read", views.mark_all_as_read, name="mark-all-as-read"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
