"""Bodies are capped before they are read whole, with or without a Content-Length."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from enduse.api.app import body_limit
from enduse.api.limits import DEFAULT_LIMIT, BodyLimit


def app_with_limit(limit: int) -> tuple[FastAPI, list[int]]:
    app = FastAPI()
    reached: list[int] = []

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        size = len(await request.body())
        reached.append(size)
        return {"size": size}

    app.add_middleware(BodyLimit, limit_for=lambda path: limit)
    return app, reached


def test_a_declared_length_over_the_limit_is_refused_before_the_route():
    app, reached = app_with_limit(100)
    client = TestClient(app)
    assert client.post("/echo", content=b"x" * 100).json() == {"size": 100}
    r = client.post("/echo", content=b"x" * 101)
    assert r.status_code == 413 and r.json()["error"]["reason"] == "too_large"
    assert reached == [100]


def test_a_chunked_body_is_cut_off_at_the_limit():
    app, reached = app_with_limit(100)
    client = TestClient(app)

    def chunks():
        for _ in range(10):
            yield b"y" * 50

    r = client.post("/echo", content=chunks())
    assert r.status_code == 413 and reached == []


def test_each_route_has_its_limit():
    assert body_limit("/api/v1/licences") == DEFAULT_LIMIT
    assert body_limit("/api/v1/bundles") > 200 * 1024 * 1024
    assert body_limit("/verify") > 20 * 1024 * 1024


def test_a_browser_gets_a_page_it_can_show_and_the_api_gets_json():
    app, reached = app_with_limit(100)
    client = TestClient(app)
    page = client.post("/echo", content=b"x" * 101, headers={"Accept": "text/html,*/*"})
    assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")
    assert "Too large" in page.text and "reason: too_large" in page.text
    api = client.post("/api/v1/echo", content=b"x" * 101, headers={"Accept": "text/html"})
    assert api.status_code == 413 and api.json()["error"]["reason"] == "too_large"
    assert reached == []
