from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "gazette.accounts"
    label = "accounts"
    verbose_name = "Readers"


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin app on the site of admin_site.py (listed in INSTALLED_APPS in its place)."""

    default = False  # gazette.accounts itself is AccountsConfig
    default_site = "gazette.accounts.admin_site.AdminSite"
