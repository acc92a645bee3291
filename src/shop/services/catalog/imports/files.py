"""An import's file, never whole in memory: read from the upload in chunks (counted and
hashed as they go) and read back from storage as a stream of chunks."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from shop.domain.errors import TooLarge

CHUNK_BYTES = 1024 * 1024


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class UploadedFile:
    """An upload read once, chunk by chunk: `chunks()` raises TooLarge as soon as the file
    passes `max_bytes` (before that chunk is handed on), and `sha256` is the hash of what
    was read, once `chunks()` has been consumed."""

    def __init__(self, source: Readable, max_bytes: int, chunk_bytes: int = CHUNK_BYTES) -> None:
        self._source, self._max_bytes, self._chunk_bytes = source, max_bytes, chunk_bytes
        self._hash = hashlib.sha256()
        self.size = 0

    def chunks(self) -> Iterator[bytes]:
        while chunk := self._source.read(self._chunk_bytes):
            self.size += len(chunk)
            if self.size > self._max_bytes:
                raise TooLarge(f"The file is larger than {self._max_bytes} bytes.")
            self._hash.update(chunk)
            yield chunk

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()


def sha256_of(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def read_chunks(source: Readable, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    while chunk := source.read(chunk_bytes):
        yield chunk


class ChunkStream(io.RawIOBase):
    """A readable binary stream over an iterator of chunks (wrap it in io.TextIOWrapper)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        super().__init__()
        self._chunks = iter(chunks)
        self._chunk = memoryview(b"")
        self._offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._offset >= len(self._chunk):
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._chunk, self._offset = memoryview(chunk), 0
        target = memoryview(buffer).cast("B")
        size = min(len(target), len(self._chunk) - self._offset)
        target[:size] = self._chunk[self._offset : self._offset + size]
        self._offset += size
        return size
