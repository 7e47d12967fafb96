"""Run with Python 3.12 and the `google-reader` package: a session through that client library.

Usage: google_reader_session.py BASE_URL USERNAME API_PASSWORD; prints what it saw as JSON.
"""

import json
import sys

import google_reader

READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
READING_LIST = "user/-/state/com.google/reading-list"

base, username, password = sys.argv[1:4]
client = google_reader.Client(base)
try:
    client.login(username, "not-the-api-password")
    raise SystemExit("a wrong password signed in")
except google_reader.AuthenticationError:
    pass
auth = client.login(username, password)
token = client.get_token(auth)
user = client.get_user_info(auth)
tags = client.list_tags(auth)
subscriptions = client.list_subscriptions(auth)
unread, continuation = [], None
while True:
    page = client.get_stream_items_ids(
        auth, stream_id=READING_LIST, limit=5, exclude_target=READ, continuation=continuation
    )
    unread += [ref.id for ref in page.item_refs]
    continuation = page.continuation
    if not continuation:
        break
contents = client.get_stream_items_contents(auth, token, unread[:3])
client.edit_tags(auth, token, [unread[0]], add_tags=[READ])
client.edit_tags(auth, token, [google_reader.get_long_item_id(int(unread[1]))], add_tags=[STARRED])
starred = client.get_stream_items_ids(auth, stream_id=STARRED)
client.mark_all_as_read(auth, token, READING_LIST)
after = client.get_stream_items_ids(auth, stream_id=READING_LIST, exclude_target=READ)
print(
    json.dumps(
        {
            "user": user.user_name,
            "tags": [t.id for t in tags],
            "subscriptions": len(subscriptions),
            "unread_ids": unread,
            "first_title": contents.items[0].title,
            "starred_after": [ref.id for ref in starred.item_refs],
            "unread_after_mark_all": [ref.id for ref in after.item_refs],
        }
    )
)
