"""The process that sends `Analyze` to the policy pack while the program runs: `python -P analyze_relay.py`.

The program and preflight's recording share one interpreter lock. A gRPC client in the same process needs that lock
for every call it starts and every answer it reads (2,041 of each at 2,041 resources), and takes it from the program.
This process holds the client instead: preflight writes each `AnalyzeRequest` already serialized to its stdin and
reads every answer once the program is done. It imports only grpc, speaks to the pack with the raw bytes of the
analyzer protocol's messages (the pack's server decodes them as it would the engine's) and knows nothing else.

stdin: frames of a little-endian u32 length and that many bytes. The first frame is the pack's address and the
channel's options, as JSON; each next one is a serialized `pulumirpc.AnalyzeRequest`; then end of file.
stdout, after end of file: for each request in order, a u8 status (0, or the gRPC status code of the failed call),
a u32 length and that many bytes: the serialized `AnalyzeResponse`, or the failure's details in UTF-8.
"""

from __future__ import annotations

import json
import struct
import sys
from collections.abc import Iterator
from typing import BinaryIO

import grpc

ANALYZE = "/pulumirpc.Analyzer/Analyze"
LENGTH = struct.Struct("<I")
ANSWER = struct.Struct("<BI")


def frame(body: bytes) -> bytes:
    return LENGTH.pack(len(body)) + body


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            raise EOFError("the input ended inside a frame")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_frames(stream: BinaryIO) -> Iterator[bytes]:
    while header := stream.read(LENGTH.size):
        if len(header) < LENGTH.size:
            header += _read_exactly(stream, LENGTH.size - len(header))
        yield _read_exactly(stream, LENGTH.unpack(header)[0])


def read_answers(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(status, body) for each request, as `main` writes them."""
    while header := stream.read(ANSWER.size):
        if len(header) < ANSWER.size:
            header += _read_exactly(stream, ANSWER.size - len(header))
        status, size = ANSWER.unpack(header)
        yield status, _read_exactly(stream, size)


def _answer(future: grpc.Future) -> bytes:
    try:
        body = future.result()
        status = 0
    except grpc.RpcError as exc:
        code = exc.code() if hasattr(exc, "code") else None
        status = code.value[0] if code is not None else grpc.StatusCode.UNKNOWN.value[0]
        body = str(exc.details() if hasattr(exc, "details") else exc).encode()
    return ANSWER.pack(status, len(body)) + body


def main() -> None:
    frames = read_frames(sys.stdin.buffer)
    setup = json.loads(next(frames))
    channel = grpc.insecure_channel(setup["address"], options=[tuple(option) for option in setup["options"]])
    analyze = channel.unary_unary(ANALYZE)  # bytes in, bytes out: no message classes needed here
    futures = [analyze.future(request) for request in frames]
    sys.stdout.buffer.write(b"".join(_answer(future) for future in futures))
    sys.stdout.buffer.flush()
    channel.close()


if __name__ == "__main__":
    main()
