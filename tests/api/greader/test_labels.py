"""A reader's own labels from edit-tag: stored per reader, listed, on items, and a stream of their own."""

from __future__ import annotations

from gazette.accounts import labels as labels_module
from gazette.accounts.models import ItemLabel, ReadState
from gazette.api.greader.ids import item_id_long

LATER = "user/-/label/Read later"
READ = "user/-/state/com.google/read"


def tags(app) -> dict[str, str | None]:
    return {t["id"]: t.get("type") for t in app.get("tag/list").json()["tags"]}


def categories(app, pk: int) -> list[str]:
    items = app.post("stream/items/contents", {"i": str(pk)}).json()["items"]
    return items[0]["categories"]


def stream_ids(app, stream: str) -> list[int]:
    refs = app.get("stream/items/ids", {"s": stream, "n": 100}).json()["itemRefs"]
    return [int(ref["id"]) for ref in refs]


def test_a_label_added_is_listed_on_the_items_and_is_a_stream(app, library):
    first, fifth = library.articles[0], library.articles[4]
    answer = app.post("edit-tag", {"i": [item_id_long(first.pk), str(fifth.pk)], "a": LATER})
    assert answer.content == b"OK"
    assert tags(app)[LATER] == "tag"
    assert LATER in categories(app, first.pk) and LATER not in categories(app, library.articles[1].pk)
    assert stream_ids(app, LATER) == [first.pk, fifth.pk]
    contents = app.get(f"stream/contents/{LATER}").json()["items"]
    assert [item["title"] for item in contents] == [first.title, fifth.title]
    # Written the way some apps write it, with the reader's number.
    assert stream_ids(app, f"user/{library.reader.pk}/label/Read later") == [first.pk, fifth.pk]


def test_a_label_removed_leaves_the_items_and_the_list_once_unused(app, library):
    first, second = library.articles[0], library.articles[1]
    app.post("edit-tag", {"i": [str(first.pk), str(second.pk)], "a": LATER})
    app.post("edit-tag", {"i": str(first.pk), "r": LATER})
    assert stream_ids(app, LATER) == [second.pk] and LATER not in categories(app, first.pk)
    app.post("edit-tag", {"i": str(second.pk), "r": LATER})
    assert LATER not in tags(app)
    assert app.get("stream/items/ids", {"s": LATER}).status_code == 400  # no such stream any more


def test_read_and_a_label_in_one_call(app, library):
    pk = library.articles[2].pk
    assert app.post("edit-tag", {"i": str(pk), "a": [READ, LATER]}).content == b"OK"
    assert ReadState.objects.filter(user=library.reader, article_id=pk, is_read=True).exists()
    assert stream_ids(app, LATER) == [pk]


def test_mark_all_as_read_of_a_label(app, library):
    labelled = [library.articles[3].pk, library.articles[6].pk]
    app.post("edit-tag", {"i": [str(pk) for pk in labelled], "a": LATER})
    assert app.post("mark-all-as-read", {"s": LATER}).content == b"OK"
    read = set(
        ReadState.objects.filter(user=library.reader, is_read=True).values_list("article_id", flat=True)
    )
    assert read == set(labelled)


def test_another_reader_neither_sees_nor_changes_them(app, other_app, library):
    pk = library.articles[0].pk
    app.post("edit-tag", {"i": str(pk), "a": LATER})
    assert LATER not in tags(other_app) and LATER not in categories(other_app, pk)
    assert other_app.get("stream/items/ids", {"s": LATER}).status_code == 400
    other_app.post("edit-tag", {"i": str(pk), "r": LATER})
    assert stream_ids(app, LATER) == [pk]
    other_app.post("edit-tag", {"i": str(pk), "a": LATER})
    assert ItemLabel.objects.filter(user=library.other).count() == 1
    assert stream_ids(other_app, LATER) == [pk] and stream_ids(app, LATER) == [pk]


def test_folders_topics_and_stories_keep_their_own_meaning(app, library):
    wire_item, herald_item = library.articles[0].pk, library.articles[2].pk
    folder_before = stream_ids(app, "user/-/label/World")
    for label in ("user/-/label/World", "user/-/label/Story: Harbour reports", "user/-/label/Topic: Ports"):
        assert app.post("edit-tag", {"i": str(herald_item), "a": label}).content == b"OK"
    # Removing a folder or story label from an item changes nothing either.
    app.post(
        "edit-tag", {"i": str(wire_item), "r": ["user/-/label/World", "user/-/label/Story: Harbour reports"]}
    )
    assert not ItemLabel.objects.exists()
    assert stream_ids(app, "user/-/label/World") == folder_before
    assert herald_item not in folder_before
    assert "user/-/label/World" in categories(app, wire_item)
    assert "user/-/label/Story: Harbour reports" in categories(app, wire_item)
    assert tags(app)["user/-/label/World"] == "folder"


def test_bad_names_answer_400_and_change_nothing(app, library):
    pk = str(library.articles[0].pk)
    for label in ("user/-/label/" + "x" * 101, "user/-/label/   ", "user/-/label/bell\x07"):
        response = app.post("edit-tag", {"i": pk, "a": [label, READ]})
        assert response.status_code == 400, label
    assert not ItemLabel.objects.exists() and not ReadState.objects.exists()


def test_a_reader_has_a_bounded_number_of_labels(app, library, monkeypatch):
    monkeypatch.setattr(labels_module, "LABEL_NAMES_MAX", 2)
    pk = str(library.articles[0].pk)
    assert app.post("edit-tag", {"i": pk, "a": "user/-/label/one"}).status_code == 200
    assert app.post("edit-tag", {"i": pk, "a": "user/-/label/two"}).status_code == 200
    assert app.post("edit-tag", {"i": pk, "a": "user/-/label/three"}).status_code == 400
    # An existing one still goes on more items.
    assert (
        app.post("edit-tag", {"i": str(library.articles[1].pk), "a": "user/-/label/one"}).status_code == 200
    )
    assert sorted(ItemLabel.objects.values_list("name", flat=True)) == ["one", "one", "two"]


def test_rename_tag_renames_and_merges_a_readers_label(app, other_app, library):
    first, second, third = (str(a.pk) for a in library.articles[:3])
    app.post("edit-tag", {"i": [first, second], "a": LATER})
    app.post("edit-tag", {"i": [second, third], "a": "user/-/label/Keep"})
    other_app.post("edit-tag", {"i": first, "a": LATER})
    assert app.post("rename-tag", {"s": LATER, "dest": "user/-/label/Soon"}).content == b"OK"
    assert LATER not in tags(app) and stream_ids(app, "user/-/label/Soon") == [int(first), int(second)]
    assert app.post("rename-tag", {"t": "Soon", "dest": "user/-/label/Soon"}).content == b"OK"  # to itself
    assert stream_ids(app, "user/-/label/Soon") == [int(first), int(second)]
    # Into a label the reader has: one label, each article once.
    assert app.post("rename-tag", {"t": "Soon", "dest": "user/-/label/Keep"}).content == b"OK"
    assert stream_ids(app, "user/-/label/Keep") == [int(first), int(second), int(third)]
    assert ItemLabel.objects.filter(user=library.reader).count() == 3
    assert stream_ids(other_app, LATER) == [int(first)]


def test_rename_and_disable_tag_leave_folders_and_other_readers_alone(app, other_app, library):
    pk = str(library.articles[0].pk)
    app.post("edit-tag", {"i": pk, "a": LATER})
    assert app.post("rename-tag", {"s": "user/-/label/World", "dest": "user/-/label/Mine"}).status_code == 400
    assert app.post("rename-tag", {"s": LATER, "dest": "user/-/label/World"}).status_code == 400
    assert app.post("rename-tag", {"s": LATER, "dest": "user/-/label/Story: x"}).status_code == 400
    assert app.post("rename-tag", {"s": LATER, "dest": ""}).status_code == 400
    assert app.post("disable-tag", {"s": "user/-/label/World"}).status_code == 400
    assert other_app.post("disable-tag", {"s": LATER}).status_code == 400
    assert other_app.post("rename-tag", {"s": LATER, "dest": "user/-/label/Stolen"}).status_code == 400
    assert stream_ids(app, LATER) == [int(pk)]
    assert app.post("disable-tag", {"s": LATER}).content == b"OK"
    assert not ItemLabel.objects.exists() and LATER not in tags(app)
    assert app.post("disable-tag", {}).status_code == 400
