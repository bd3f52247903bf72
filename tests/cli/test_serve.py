"""`enduse users token` and the application `enduse serve` runs."""

from __future__ import annotations

from fastapi.testclient import TestClient

from enduse.cli.serve import build_app


def test_a_token_from_the_command_line_opens_the_api(run, bundle_file, home, monkeypatch):
    assert run("import", str(bundle_file)).exit_code == 0
    assert run("users", "add", "ann", "--role", "analyst").exit_code == 0
    token = run("users", "token", "ann").stdout.strip()
    assert token.startswith("eut_") and len(token) > 40
    assert run("users", "token", "nobody").exit_code == 1
    monkeypatch.setenv("ENDUSE_HOME", str(home))
    client = TestClient(build_app())
    assert client.get("/api/v1/licences").status_code == 401
    listed = client.get("/api/v1/licences", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200 and len(listed.json()) == 2
    other = run("users", "token", "ann").stdout.strip()
    assert other != token  # a new one each time, shown once
