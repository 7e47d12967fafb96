from gazette.accounts.api_password import api_password_check, api_password_clear, api_password_set
from gazette.accounts.reading import reader_settings


def test_the_api_password_is_stored_hashed_and_checked(reader):
    api_password_set(user=reader, raw="app-only-river-stone-77")
    stored = reader_settings(user=reader).api_password
    assert stored and "app-only-river-stone-77" not in stored
    assert api_password_check(login="rita", raw="app-only-river-stone-77") == reader
    assert api_password_check(login="rita", raw="quiet-harbour-lantern-42") is None  # the login password
    assert api_password_check(login="nobody", raw="app-only-river-stone-77") is None


def test_cleared_or_never_set_means_no_app_signs_in(reader):
    assert api_password_check(login="rita", raw="") is None
    api_password_set(user=reader, raw="app-only-river-stone-77")
    api_password_clear(user=reader)
    assert api_password_check(login="rita", raw="app-only-river-stone-77") is None


def test_email_signs_in_too_and_inactive_readers_do_not(reader):
    reader.email = "rita@example.org"
    reader.save()
    api_password_set(user=reader, raw="app-only-river-stone-77")
    assert api_password_check(login="RITA@example.org", raw="app-only-river-stone-77") == reader
    reader.is_active = False
    reader.save()
    assert api_password_check(login="rita", raw="app-only-river-stone-77") is None
