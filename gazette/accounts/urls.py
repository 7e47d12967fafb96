from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from gazette.accounts.views import (
    account,
    auth,
    comments,
    digest,
    follows,
    moderation,
    notifications,
    reading,
    saved,
    tokens,
    verification,
)

app_name = "accounts"

urlpatterns = [
    path("accounts/signup/", auth.signup, name="signup"),
    path("accounts/verify/<str:token>/", verification.verify, name="email_verify"),
    path("accounts/verify-again/", verification.resend, name="email_verify_resend"),
    path("accounts/login/", auth.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("accounts/tokens/", tokens.tokens, name="tokens"),
    path("accounts/tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("accounts/reading/", reading.reading, name="reading"),
    path("accounts/profile/", account.profile, name="profile"),
    path("accounts/profile/digest/", digest.digest_set, name="digest_set"),
    path("accounts/digest/unsubscribe/<str:token>/", digest.digest_unsubscribe, name="digest_unsubscribe"),
    path("accounts/export/", account.export, name="export"),
    path("accounts/delete/", account.delete, name="delete"),
    path("accounts/password/reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("following/", follows.following, name="following"),
    path("following/<str:kind>/<int:pk>/follow/", follows.follow, name="follow"),
    path("following/<str:kind>/<int:pk>/unfollow/", follows.unfollow, name="unfollow"),
    path("saved/", saved.saved, name="saved"),
    path("saved/<int:pk>/save/", saved.save, name="save"),
    path("saved/<int:pk>/unsave/", saved.unsave, name="unsave"),
    path("comments/article/<int:pk>/", comments.comment_create, name="comment_create"),
    path("comments/story/<int:pk>/", comments.story_comment_create, name="story_comment_create"),
    path("comments/<int:pk>/edit/", comments.edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", comments.delete, name="comment_delete"),
    path("comments/<int:pk>/report/", comments.report, name="comment_report"),
    path("comments/<int:pk>/hide/", comments.hide, name="comment_hide"),
    path("comments/<int:pk>/unhide/", comments.unhide, name="comment_unhide"),
    path("moderation/", moderation.queue, name="moderation_queue"),
    path("moderation/log/", moderation.audit_log, name="moderation_log"),
    path("moderation/comments/<int:pk>/<str:action>/", moderation.comment_action, name="moderation_comment"),
    path("moderation/readers/<int:pk>/suspend/", moderation.suspend, name="moderation_suspend"),
    path("moderation/readers/<int:pk>/unsuspend/", moderation.unsuspend, name="moderation_unsuspend"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/read/", notifications.read_all, name="notifications_read"),
]
