"""Page tests run on the embedded database (the registry below is tested on both)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from enduse.registry.db import make_engine
from enduse.registry.migrate import upgrade


@pytest.fixture
def engine(tmp_path) -> Engine:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'registry.sqlite'}")
    upgrade(engine)
    yield engine
    engine.dispose()
