"""`enduse serve`: the API, the UI, the log and (when configured) the witness in one process."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from enduse.cli.common import err, local_pki
from enduse.cli.workers import reuse_port_available, supervise
from enduse.config import (
    database_url,
    home,
    key_passphrase,
    screening_home,
    verify_memo_size,
)

APP = "enduse.cli.serve:build_app"


def build_app():  # type: ignore[no-untyped-def]
    """The application of this installation (a factory: each worker builds its own)."""
    from enduse.api.app import create_app
    from enduse.registry.local import open_registry
    from enduse.tlog.local import LocalLog

    return create_app(
        open_registry(home(), database_url()), local_pki(),
        open_registry(home(), database_url(), read_only=True),
        log_dir=LocalLog(home(), key_passphrase(), database_url()), lists=screening_home(),
        secure_cookies=os.environ.get("ENDUSE_INSECURE_COOKIES") != "1",
        memo_size=verify_memo_size(),
    )  # fmt: skip


def command(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="worker processes")] = 1,
    insecure_cookies: Annotated[
        bool,
        typer.Option(help="session cookies without Secure: only for plain HTTP on this machine"),
    ] = False,
) -> None:
    """Serve the API (/api/v1, OpenAPI at /api/v1/openapi.json), the UI (/), the log (/log/).

    Session cookies are Secure (HTTPS only), also on loopback, where a TLS proxy usually
    forwards to the server; --insecure-cookies is for a browser on this machine over plain HTTP.
    With several workers each listens on its own socket (SO_REUSEPORT) and the kernel spreads
    connections evenly across them.
    """
    import uvicorn

    if insecure_cookies:
        os.environ["ENDUSE_INSECURE_COOKIES"] = "1"  # inherited by the workers
    else:
        os.environ.pop("ENDUSE_INSECURE_COOKIES", None)
    err.print(f"enduse on http://{host}:{port}/ (API: /api/v1/docs)", markup=False)
    options = {"log_level": "warning", "proxy_headers": True}
    if workers > 1 and reuse_port_available():
        try:
            code = supervise(
                host, port, workers, APP, options, say=lambda m: err.print(m, markup=False)
            )
        except OSError as e:
            err.print(f"error: cannot listen on {host}:{port}: {e.strerror}", markup=False)
            raise typer.Exit(1) from None
        raise typer.Exit(code)
    uvicorn.run(APP, factory=True, host=host, port=port, workers=workers, **options)
