from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from gazette.accounts.views import auth, comments, follows, saved

app_name = "accounts"

urlpatterns = [
    path("accounts/signup/", auth.signup, name="signup"),
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
    path("comments/<int:pk>/hide/", comments.hide, name="comment_hide"),
    path("comments/<int:pk>/unhide/", comments.unhide, name="comment_unhide"),
]
