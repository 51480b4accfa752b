"""Hostile .docx packages for the safe-reader tests: zip bombs (honest and with a lying zip directory),
parts with the wrong root, DTD entity bombs, broken numbering; and a runner that measures a CLI
process's peak memory.

Zips are written by hand (local headers, central directory, end record) so a part can carry
pre-compressed deflate data and a directory that lies about its size. A 2 GiB bomb costs one 16 MB
compression: after a full flush the deflate stream is byte-aligned and history-free, so the chunk
for 16 MB of zeros can simply be repeated.
"""
from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWN_REFERENCE = ROOT / "acscontracts" / "data" / "reference.docx"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_BLOCK = 1 << 24


@dataclass(frozen=True)
class Entry:
    name: str
    data: bytes  # raw deflate data (compressed=True) or the bytes to deflate
    size: int  # uncompressed size
    crc: int
    declared: int | None = None  # size written in the zip directory, when it lies


def entry(name: str, data: bytes) -> Entry:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Entry(name, c.compress(data) + c.flush(), len(data), zlib.crc32(data))


def zero_bomb(name: str, size: int, declared: int | None = None) -> Entry:
    """A part of ``size`` zero bytes (a multiple of 16 MB), compressed about 1000 to 1."""
    assert size % _BLOCK == 0
    zeros = bytes(_BLOCK)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    crc = 0
    for _ in range(size // _BLOCK):
        crc = zlib.crc32(zeros, crc)
    return Entry(name, chunk * (size // _BLOCK) + final, size, crc, declared)


def zip_bytes(entries: list[Entry]) -> bytes:
    body, directory = bytearray(), bytearray()
    for e in entries:
        name = e.name.encode()
        declared = e.size if e.declared is None else e.declared
        offset = len(body)
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, e.crc, len(e.data), declared,
                            len(name), 0) + name + e.data
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, e.crc, len(e.data),
                                 declared, len(name), 0, 0, 0, 0, 0, offset) + name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), len(body), 0)
    return bytes(body + directory + end)


def reference_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(OWN_REFERENCE) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def reference_with(replace: dict[str, bytes] | None = None, bombs: tuple[Entry, ...] = ()) -> bytes:
    """Our own reference .docx with some parts replaced (or added), and bomb entries in place of parts."""
    parts = reference_parts()
    parts.update(replace or {})
    bombed = {b.name for b in bombs}
    return zip_bytes([entry(n, d) for n, d in parts.items() if n not in bombed] + list(bombs))


def numbering_with(num_xml: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering xmlns:w="{W_NS}">'
            f'<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl>'
            f'</w:abstractNum>{num_xml}</w:numbering>').encode()


ENTITY_BOMB = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lololololololololololol">'
               + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                         for i in range(1, 10))
               + f']>\n<w:styles xmlns:w="{W_NS}"><w:style w:styleId="x"><w:name w:val="&lol9;"/></w:style>'
                 '</w:styles>').encode()


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    peak_mb: float

    @property
    def one_line(self) -> str:
        return " ".join(self.stderr.split())


_WRAPPER = """
import json, resource, subprocess, sys
limit = 1536 * 1024 * 1024  # a regression fails here instead of exhausting a shared machine
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
p = subprocess.run([sys.executable, "-m", "acscontracts", *sys.argv[1:]], capture_output=True, text=True,
                   preexec_fn=cap, stdin=subprocess.DEVNULL)
print(json.dumps({"code": p.returncode, "stdout": p.stdout, "stderr": p.stderr,
                  "peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def run_measured(*args, timeout: float = 300, cwd: Path = ROOT) -> Run:
    """Run the CLI in a fresh process and return its exit code, output and peak resident memory (MB).
    The timeout only guards against hangs."""
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)
    record = json.loads(done.stdout)
    return Run(record["code"], record["stdout"], record["stderr"], record["peak_kb"] / 1024)
