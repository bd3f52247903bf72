"""The list store: loads as versions, reloads report what changed, a bad file loads nothing."""

from __future__ import annotations

import copy

import pytest

from enduse.screening.entities import EntityFileError
from enduse.screening.lists import load_list
from enduse.screening.store import ListStore, Shrinking, StoreError
from screening_lists import ENTITIES, write_list


def test_a_reload_reports_added_changed_removed_and_unchanged(tmp_path, list_file):
    first = load_list(tmp_path, list_file, "opensanctions").report
    assert (first.version, first.added, first.total) == (1, 4, 4)
    newer = copy.deepcopy(ENTITIES)
    newer[0]["properties"]["name"].append("YUGOIMPORT")  # changed
    del newer[2]  # removed
    newer.append({"id": "os-new", "schema": "Organization", "properties": {"name": ["Newco"]}})
    again = load_list(tmp_path, write_list(tmp_path / "newer.json", newer), "opensanctions").report
    assert (again.version, again.added, again.changed, again.removed, again.unchanged) == (
        2,
        1,
        1,
        1,
        2,
    )
    store = ListStore(tmp_path / "lists.sqlite")
    assert store.count() == 4 and store.version == 2
    assert [v["removed"] for v in store.versions()] == [0, 1]
    other = load_list(tmp_path, list_file, "national").report  # another list keeps its own entities
    assert (other.version, other.added) == (3, 4)
    assert store.count() == 8


def test_a_file_with_a_bad_line_loads_nothing_unless_told_to_skip(tmp_path, list_file):
    load_list(tmp_path, list_file, "opensanctions")
    bad = write_list(tmp_path / "bad.json", ENTITIES[:2], ['{"id": "broken"'])
    with pytest.raises(EntityFileError) as info:
        load_list(tmp_path, bad, "opensanctions")
    assert [b.line for b in info.value.bad] == [3]
    store = ListStore(tmp_path / "lists.sqlite")
    assert store.count() == 4 and store.version == 1  # as before
    skipped = load_list(tmp_path, bad, "opensanctions", skip_bad=True)
    assert (skipped.report.removed, skipped.report.total, len(skipped.read.bad)) == (2, 2, 1)


def test_a_store_of_another_schema_version_is_refused(tmp_path):
    store = ListStore(tmp_path / "lists.sqlite")
    store.db.execute("UPDATE meta SET value = '0' WHERE key = 'schema'")
    store.close()
    with pytest.raises(StoreError, match="another version of enduse"):
        ListStore(tmp_path / "lists.sqlite")


def test_list_names_are_checked(tmp_path, list_file):
    with pytest.raises(ValueError, match="bad list name"):
        load_list(tmp_path, list_file, "two words")


def test_an_empty_or_much_shorter_file_does_not_silently_empty_a_list(tmp_path, list_file):
    load_list(tmp_path, list_file, "sdn")
    empty = tmp_path / "empty.json"
    empty.write_text("")
    with pytest.raises(Shrinking, match="no entity"):
        load_list(tmp_path, empty, "sdn")
    html = write_list(tmp_path / "page.json", [], ["<html>503</html>"])
    with pytest.raises(Shrinking):
        load_list(tmp_path, html, "sdn", skip_bad=True)
    short = write_list(tmp_path / "short.json", ENTITIES[:1])
    with pytest.raises(Shrinking, match="remove 3 of the 4"):
        load_list(tmp_path, short, "sdn")
    assert ListStore(tmp_path / "lists.sqlite").count() == 4
    assert load_list(tmp_path, short, "sdn", allow_shrink=True).report.removed == 3


def test_keys_made_by_another_version_are_made_again(tmp_path, list_file):
    load_list(tmp_path, list_file, "os")
    store = ListStore(tmp_path / "lists.sqlite")
    store.db.execute("UPDATE meta SET value = 'enduse-keys/0' WHERE key = 'keys'")
    store.db.execute("UPDATE entities SET keys = 't:stale'")
    assert not store.keys_current()
    load_list(tmp_path, list_file, "os")  # nothing changed in the list, the keys are redone
    assert store.keys_current()
    keys = store.db.execute("SELECT keys FROM entities WHERE id = 'os-bout'").fetchone()[0]
    assert "t:stale" not in keys and "t:bout" in keys.split()
