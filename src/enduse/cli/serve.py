"""`enduse serve`: the API (and, to come, the UI, the log and the witness) in one process."""

from __future__ import annotations

from typing import Annotated

import typer

from enduse.cli.common import err, local_pki
from enduse.config import database_url, home


def build_app():  # type: ignore[no-untyped-def]
    """The application of this installation (a factory: each worker builds its own)."""
    from enduse.api.app import create_app
    from enduse.registry.local import open_registry

    return create_app(
        open_registry(home(), database_url()), local_pki(),
        open_registry(home(), database_url(), read_only=True),
    )  # fmt: skip


def command(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="worker processes")] = 1,
) -> None:
    """Serve the API under /api/v1 (OpenAPI at /api/v1/openapi.json)."""
    import uvicorn

    err.print(f"enduse on http://{host}:{port}/api/v1/docs", markup=False)
    uvicorn.run("enduse.cli.serve:build_app", factory=True, host=host, port=port, workers=workers,
                log_level="warning")  # fmt: skip
