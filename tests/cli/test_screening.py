"""`enduse lists` and `enduse screen` from the command line."""

from __future__ import annotations

import json

from screening_lists import ENTITIES, write_list


def test_load_screen_and_reload(run, tmp_path):
    source = write_list(tmp_path / "os.ftm.json", ENTITIES)
    r = run("lists", "load", str(source), "--dataset", "opensanctions")
    assert r.exit_code == 0, r.output
    assert "list opensanctions (version 1): 4 entities, 4 added" in r.stdout
    assert "1 entities of other schemata skipped" in r.stdout
    r = run("screen", "Југоимпорт СДПР", "--schema", "Company", "--json")
    assert r.exit_code == 0, r.output
    result = json.loads(r.stdout)
    assert result["query"] == {"name": "Југоимпорт СДПР", "country": None, "schema": "Company"}
    hit = result["hits"][0]
    assert {"id", "caption", "schema", "score", "datasets", "strength", "explanation"} <= set(hit)
    assert (hit["id"], hit["strength"]) == ("os-yugoimport", "strong")
    table = run("screen", "Rosoboronexport")
    assert table.exit_code == 0 and "os-rosoboronexport" in table.stdout
    assert "no hits" in run("screen", "Nobody In Particular").stdout
    shown = run("lists", "show")
    assert shown.exit_code == 0 and "opensanctions" in shown.stdout


def test_a_bad_file_loads_nothing_unless_skip_bad(run, tmp_path):
    source = write_list(tmp_path / "bad.json", ENTITIES, ["{oops", '{"id": "x", "schema": "Nope"}'])
    r = run("lists", "load", str(source))
    assert r.exit_code == 1
    assert "line 6:" in r.stderr and "line 7:" in r.stderr and "nothing was loaded" in r.stderr
    assert run("screen", "Bout").exit_code == 1  # still no index
    r = run("lists", "load", str(source), "--skip-bad")
    assert r.exit_code == 0 and "2 bad lines skipped" in r.stdout
    assert "list bad (version 1)" in r.stdout  # named after the file


def test_batch_screening_and_bad_queries(run, tmp_path):
    run("lists", "load", str(write_list(tmp_path / "os.json", ENTITIES)))
    names = tmp_path / "names.csv"
    names.write_text("name,country,schema\nВиктор Бут,RU,Person\n,,\nLady Rosa,,Vessel\nX,ZZ,\n")
    r = run("screen", "--file", str(names))
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].startswith("line,name,country,schema,hit_id")
    assert lines[1].startswith("2,Виктор Бут,RU,Person,os-bout,")
    assert lines[2].endswith("name: is empty") and "os-vessel" in lines[3]
    assert "country:" in lines[4]
    jsonl = [
        json.loads(x) for x in run("screen", "--file", str(names), "--json").stdout.splitlines()
    ]
    assert [x["line"] for x in jsonl] == [2, 3, 4, 5] and "error" in jsonl[1]
    assert run("screen", "").exit_code == 2
    assert run("screen", "a" * 10_000).exit_code == 2
    assert run("screen").exit_code == 2
    assert run("screen", "x", "--file", str(names)).exit_code == 2


def test_registry_parties_are_screened_and_their_history_shown(run, bundle_file, tmp_path):
    bundle = json.loads(bundle_file.read_text())
    bundle["denials"] = [{"id": "den-1", "denying_state": "DE", "date": "2024-11-02",
                          "party_name": "Danube Defence Trading", "party_country": "CY"}]  # fmt: skip
    bundle_file.write_text(json.dumps(bundle))
    r = run("import", str(bundle_file))
    assert r.exit_code == 0 and "screened 6 parties (no lists loaded, 1 denials)" in r.stderr
    run("lists", "load", str(write_list(tmp_path / "os.json", ENTITIES)))
    history = json.loads(run("screen", "--party", "p-broker", "--json").stdout)
    assert [s["list_version"] for s in history["screenings"]] == [1, 0]
    assert history["screenings"][0]["hits"][0]["id"] == "den-1"
    assert run("screen", "--party", "p-nobody").exit_code == 1
    old = run("screen", "--party", "p-broker", "--at", "2000-01-01")
    assert "was not screened by 2000-01-01" in old.stdout
