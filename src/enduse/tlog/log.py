"""A tiled transparency log: append entries in batches, sign checkpoints, prove inclusion and growth.

Memory holds only the right edge (at most 255 hashes per tile level and 255
entries): everything else is read back from tiles, so the log never needs
the whole tree in memory. An append returns only after the tiles, the entry
bundles and the checkpoint that covers them are durable; a crash at any
moment leaves the last checkpoint and everything it covers intact, and the
log reopens at that checkpoint.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from enduse.docs import note
from enduse.tlog import merkle
from enduse.tlog.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from enduse.tlog.entries import MAX_ENTRY_SIZE, decode_bundle, encode_bundle
from enduse.tlog.layout import TILE_HEIGHT, TILE_WIDTH, entries_path, node_location, tile_path
from enduse.tlog.storage import TileStorage

WIDTH, HEIGHT = TILE_WIDTH, TILE_HEIGHT
MAX_ENTRY_BYTES = MAX_ENTRY_SIZE  # an entry bundle prefixes each entry with a 16-bit length


class LogError(RuntimeError):
    pass


def history_path(size: int) -> str:
    """Every checkpoint the log signed, by size: what `prove --size` proves against.

    Beside the tlog-tiles layout (which keeps only the latest `checkpoint`); the
    partial tiles of each of these sizes exist, as tlog-tiles requires.
    """
    return f"checkpoints/{size}"


def take_writer_lock(path: Path) -> int:
    """An exclusive lock for the one writer of a log; fails at once if another holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise LogError("another process is writing to this log") from None
    return fd


def perfect_root(hashes: Sequence[bytes]) -> bytes:
    """Root of a perfect subtree (a power-of-two count of 32-byte hashes at one level).

    Hashes straight from tiles (whose sizes were checked when read), so no per-node
    argument checks: this is the inner loop of every proof and every append.
    """
    sha = hashlib.sha256
    level = list(hashes)
    while len(level) > 1:
        level = [sha(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)]
    return level[0]


@dataclass
class _Edge:
    """The right edge of one tile level: hashes of the partial tile, and how many came before."""

    hashes: list[bytes] = field(default_factory=list)
    before: int = 0  # hashes at this level in full tiles (a multiple of 256)


class TileLog:
    """One log, one writer at a time (a lock file keeps a second writer out)."""

    def __init__(
        self, storage: TileStorage, signer: note.Signer | None, verifier: note.Verifier
    ) -> None:
        self.storage = storage
        self.signer = signer
        self.verifier = verifier
        self.origin = verifier.name
        self.checkpoint_text = ""
        self.checkpoint = Checkpoint(self.origin, 0, merkle.empty_root())
        self._edges: list[_Edge] = []
        self._entries: list[bytes] = []
        self._tiles: OrderedDict[tuple[int, int], list[bytes]] = OrderedDict()

    # --- opening ------------------------------------------------------------------------------

    @classmethod
    def create(cls, storage: TileStorage, signer: note.Signer, verifier: note.Verifier) -> TileLog:
        if storage.read("checkpoint") is not None:
            raise LogError("a log already exists here")
        log = cls(storage, signer, verifier)
        log._publish(0)
        return log

    @classmethod
    def open(
        cls, storage: TileStorage, verifier: note.Verifier, signer: note.Signer | None = None
    ) -> TileLog:
        text = storage.read("checkpoint")
        if text is None:
            raise LogError("no log here: run `enduse log init --origin ...` first")
        log = cls(storage, signer, verifier)
        log.checkpoint, _ = open_checkpoint(text.decode("utf-8"), verifier, verifier.name)
        log.checkpoint_text = text.decode("utf-8")
        log._load_edge()
        if log.root() != log.checkpoint.root:
            raise LogError(f"tiles do not match the checkpoint at size {log.size}")
        if signer is not None:  # the writer (under its lock) clears what a crashed batch left
            storage.delete(list(log._stale_paths()))
        return log

    def _stale_paths(self) -> Iterator[str]:
        """Files a batch that never reached its checkpoint may have left beyond the edge.

        Tiles are immutable once a checkpoint covers them and may be cached for ever:
        ones for entries that were never acknowledged must not stay to be served.
        """
        size = self.size
        for level in range(-1, 63):  # -1: the entry bundles
            count = size >> (HEIGHT * max(level, 0))
            index, width = divmod(count, WIDTH)

            def path(i: int, w: int = WIDTH, level: int = level) -> str:
                return entries_path(i, w) if level < 0 else tile_path(level, i, w)

            found = self.storage.existing([path(index, w) for w in range(width + 1, WIDTH)])
            start = index
            while True:  # full tiles are written in order: look ahead until one is missing
                chunk = [path(i) for i in range(start, start + 64)]
                present = self.storage.existing(chunk)
                found |= present
                if len(present) < len(chunk):
                    missing = next(i for i, p in enumerate(chunk, start) if p not in present)
                    break
                start += 64
            if missing > index:  # a batch that wrote full tiles past the edge ends in a partial
                found |= self.storage.existing([path(missing, w) for w in range(1, WIDTH)])
            yield from sorted(found)
            if not found and level >= 0 and count < WIDTH:
                return

    @property
    def size(self) -> int:
        return self.checkpoint.size

    def _load_edge(self) -> None:
        size = self.size
        level = 0
        while size >> (HEIGHT * level):
            count = size >> (HEIGHT * level)
            width, index = count % WIDTH, count // WIDTH
            hashes = self._read_tile(level, index, width) if width else []
            self._edges.append(_Edge(hashes, count - width))
            level += 1
        width = size % WIDTH
        if width:
            data = self._required(entries_path(size // WIDTH, width))
            self._entries = decode_bundle(data, width)

    def _required(self, path: str) -> bytes:
        data = self.storage.read(path)
        if data is None:
            raise LogError(f"{path} is missing")
        return data

    def _read_tile(self, level: int, index: int, width: int = WIDTH) -> list[bytes]:
        data = self._required(tile_path(level, index, width))
        if len(data) != width * merkle.HASH_SIZE:
            raise LogError(
                f"{tile_path(level, index, width)} holds {len(data)} bytes, not {width * 32}"
            )
        return [data[i : i + 32] for i in range(0, len(data), 32)]

    # --- writing -----------------------------------------------------------------------------

    def append(self, entries: Sequence[bytes]) -> int:
        """Append a batch; returns the index of its first entry once all of it is durable."""
        if self.signer is None:
            raise LogError("this log was opened read-only")
        for i, entry in enumerate(entries):
            if len(entry) > MAX_ENTRY_BYTES:
                raise LogError(f"entry {i} has {len(entry)} bytes; the limit is {MAX_ENTRY_BYTES}")
        first = self.size
        saved = ([_Edge(list(e.hashes), e.before) for e in self._edges], list(self._entries))
        try:
            files: dict[str, bytes] = {}
            touched: set[int] = set()
            for offset, entry in enumerate(entries):
                self._entries.append(entry)
                if len(self._entries) == WIDTH:
                    files[entries_path((first + offset) // WIDTH)] = encode_bundle(self._entries)
                    self._entries = []
                self._push(0, merkle.leaf_hash(entry), files, touched)
            size = first + len(entries)
            self._partials(size, files, touched)
            checkpoint = Checkpoint(self.origin, size, self.root(size))
            text = sign_checkpoint(checkpoint, [self.signer])
            self.storage.write(files)
            self.storage.write_checkpoint(text.encode("utf-8"))
        except BaseException:
            # Nothing was acknowledged: the log stays exactly as its last checkpoint says.
            self._edges, self._entries = saved
            self._tiles.clear()
            raise
        self.checkpoint, self.checkpoint_text = checkpoint, text
        self._remember(size, text)
        return first

    def _remember(self, size: int, text: str) -> None:
        """Keep the checkpoint of this size for later proofs. Written only once the checkpoint
        is published, so a crashed batch never leaves one behind for a history that lost."""
        self.storage.write({history_path(size): text.encode("utf-8")})

    def _push(self, level: int, digest: bytes, files: dict[str, bytes], touched: set[int]) -> None:
        while len(self._edges) <= level:
            self._edges.append(_Edge())
        edge = self._edges[level]
        edge.hashes.append(digest)
        touched.add(level)
        if len(edge.hashes) == WIDTH:
            index = edge.before // WIDTH
            files[tile_path(level, index)] = b"".join(edge.hashes)
            self._cache((level, index), edge.hashes)
            top = perfect_root(edge.hashes)
            edge.before += WIDTH
            edge.hashes = []
            self._push(level + 1, top, files, touched)

    def _partials(self, size: int, files: dict[str, bytes], touched: set[int]) -> None:
        for level in touched:
            edge = self._edges[level]
            if edge.hashes:
                path = tile_path(level, edge.before // WIDTH, len(edge.hashes))
                files[path] = b"".join(edge.hashes)
        if self._entries:
            files[entries_path(size // WIDTH, len(self._entries))] = encode_bundle(self._entries)

    def _publish(self, size: int) -> None:
        assert self.signer is not None
        checkpoint = Checkpoint(self.origin, size, self.root(size))
        text = sign_checkpoint(checkpoint, [self.signer])
        self.storage.write_checkpoint(text.encode("utf-8"))
        self.checkpoint, self.checkpoint_text = checkpoint, text
        self._remember(size, text)

    def published(self, size: int) -> str:
        """The checkpoint this log signed when it had `size` entries (LogError if it never did)."""
        data = self.storage.read(history_path(size))
        if data is None:
            raise LogError(f"no checkpoint of size {size} was published")
        return data.decode("utf-8")

    # --- reading -----------------------------------------------------------------------------

    def _cache(self, key: tuple[int, int], hashes: list[bytes]) -> None:
        self._tiles[key] = hashes
        self._tiles.move_to_end(key)
        while len(self._tiles) > 64:
            self._tiles.popitem(last=False)

    def _stored(self, level: int, start: int, count: int) -> list[bytes]:
        """`count` stored hashes of tile level `level` from global position `start` (one tile)."""
        index, offset = divmod(start, WIDTH)
        edge = self._edges[level] if level < len(self._edges) else _Edge()
        if index == edge.before // WIDTH and start >= edge.before:
            hashes = edge.hashes
        else:
            key = (level, index)
            if key not in self._tiles:
                self._cache(key, self._read_tile(level, index))
            hashes = self._tiles[key]
        if offset + count > len(hashes):
            raise LogError(f"node beyond the stored hashes of tile {level}/{index}")
        return hashes[offset : offset + count]

    def node(self, level: int, index: int) -> bytes:
        """Hash of the complete subtree of 2**level leaves starting at leaf index * 2**level."""
        tile_level, tile_index, start, count = node_location(level, index)
        return perfect_root(self._stored(tile_level, tile_index * WIDTH + start, count))

    def root(self, size: int | None = None) -> bytes:
        size = self.size if size is None else size
        return merkle.root_from_nodes(size, self.node)

    def entry(self, index: int) -> bytes:
        if not 0 <= index < self.size:
            raise LogError(f"no entry {index}: the log has {self.size}")
        bundle_index, offset = divmod(index, WIDTH)
        if bundle_index == self.size // WIDTH:
            return self._entries[offset]
        return decode_bundle(self._required(entries_path(bundle_index)), WIDTH)[offset]

    def iter_entries(self, start: int = 0) -> Iterator[tuple[int, bytes]]:
        """(index, entry) from `start` to the end, reading each bundle once."""
        index = start
        while index < self.size:
            bundle_index, offset = divmod(index, WIDTH)
            if bundle_index == self.size // WIDTH:
                bundle = self._entries
            else:
                bundle = decode_bundle(self._required(entries_path(bundle_index)), WIDTH)
            for entry in bundle[offset:]:
                yield index, entry
                index += 1

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        size = self.size if size is None else size
        if not 0 <= index < size <= self.size:
            raise LogError(f"no entry {index} in a tree of size {size} (log size {self.size})")
        return merkle.inclusion_proof(index, size, self.node)

    def consistency_proof(self, old: int, new: int | None = None) -> list[bytes]:
        new = self.size if new is None else new
        if not 0 <= old <= new <= self.size:
            raise LogError(f"no consistency proof from {old} to {new} (log size {self.size})")
        return merkle.consistency_proof(old, new, self.node)
