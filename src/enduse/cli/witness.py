"""`enduse witness`: cosign other logs' checkpoints (C2SP tlog-witness), on loopback HTTP."""

from __future__ import annotations

from typing import Annotated

import typer

from enduse.cli.common import emit, err, user_errors
from enduse.config import home, key_passphrase
from enduse.docs import note
from enduse.docs.keystore import Keystore
from enduse.files import write_durably
from enduse.tlog.witness import Witness
from enduse.tlog.witness_http import make_server

app = typer.Typer(no_args_is_help=True, help="A witness: cosigns logs' checkpoints if consistent.")
WITNESS_KEY = "witness-signer"


def _keys() -> Keystore:
    return Keystore(home() / "keys", key_passphrase())


@app.command("init")
def init(
    name: Annotated[str, typer.Option(help="the witness's name, e.g. witness.mod.gov.rs")],
) -> None:
    """Create the witness key; prints its cosignature verifier key."""
    with user_errors():
        keys = _keys()
        if keys.has(WITNESS_KEY):
            raise ValueError("a witness already exists here")
        key, _ = note.generate_ed25519(name)  # validates the name
        keys.save(WITNESS_KEY, key)
        write_durably(home() / "witness.name", name.encode("utf-8"))
    emit(note.cosignature_vkey(name, key.public_key()))


@app.command("serve")
def serve(
    log_vkey: Annotated[list[str], typer.Option(help="a log this witness follows (repeatable)")],
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535)] = 8086,
) -> None:
    """Serve POST /add-checkpoint until interrupted."""
    with user_errors():
        name_file = home() / "witness.name"
        if not name_file.exists():
            raise ValueError("no witness here: run `enduse witness init --name ...` first")
        name = name_file.read_text("utf-8").strip()
        signer = note.CosignatureSigner(name, _keys().load(WITNESS_KEY))
        logs = [note.parse_vkey(v) for v in log_vkey]
        witness = Witness(signer, logs, home() / "witness-state.json")
        server = make_server(witness, host, port)
    err.print(
        f"witness {name} on http://{host}:{server.server_address[1]}/add-checkpoint", markup=False
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
