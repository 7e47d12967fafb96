import hashlib

from gazette.accounts.api_password import (
    api_password_check,
    api_password_clear,
    api_password_set,
    fever_api_key,
    fever_key_user,
)
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


def test_the_fever_key_is_md5_of_username_and_api_password(reader):
    api_password_set(user=reader, raw="app-only-river-stone-77")
    key = hashlib.md5(b"rita:app-only-river-stone-77").hexdigest()
    assert fever_api_key(username="rita", raw="app-only-river-stone-77") == key
    assert fever_key_user(key) == reader and fever_key_user(f" {key.upper()} ") == reader
    assert fever_key_user(hashlib.md5(b"rita:quiet-harbour-lantern-42").hexdigest()) is None
    assert key not in reader_settings(user=reader).fever_key
    api_password_clear(user=reader)
    assert fever_key_user(key) is None and reader_settings(user=reader).fever_key == ""
