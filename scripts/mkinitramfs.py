#!/usr/bin/env python3
"""Builds a gzip-compressed initramfs (newc cpio) reproducibly: entries
sorted by name, every timestamp, owner and inode number fixed, gzip with
no name and mtime 0 -- the same inputs give the same bytes, so a recorded
Linux boot's image sha256 stays valid across rebuilds.

  mkinitramfs.py OUT.cpio.gz --busybox PATH --init PATH [--add NAME=PATH ...]

The archive holds /init, /bin/busybox (the applets are linked at boot by
`busybox --install`), the directories /init needs, /dev/console (the
kernel opens it for init's stdin/stdout before any devtmpfs exists), and
each --add file at /NAME (executable).
"""
import argparse
import gzip
import io
import stat
import sys


def header(ino, mode, nlink, size, name, rdev=(0, 0)):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev[0], rdev[1], len(name) + 1, 0]
    text = "070701" + "".join("%08X" % f for f in fields)
    data = text.encode() + name.encode() + b"\0"
    return data + b"\0" * (-len(data) % 4)


def entry(ino, mode, name, content=b"", rdev=(0, 0)):
    nlink = 2 if stat.S_ISDIR(mode) else 1
    data = header(ino, mode, nlink, len(content), name, rdev) + content
    return data + b"\0" * (-len(data) % 4)


def build(busybox, init, extra=()):
    files = {
        "bin": (stat.S_IFDIR | 0o755, b""),
        "dev": (stat.S_IFDIR | 0o755, b""),
        "proc": (stat.S_IFDIR | 0o755, b""),
        "sys": (stat.S_IFDIR | 0o755, b""),
        "sbin": (stat.S_IFDIR | 0o755, b""),
        "tmp": (stat.S_IFDIR | 0o1777, b""),
        "usr": (stat.S_IFDIR | 0o755, b""),
        "usr/bin": (stat.S_IFDIR | 0o755, b""),
        "usr/sbin": (stat.S_IFDIR | 0o755, b""),
        "bin/busybox": (stat.S_IFREG | 0o755, busybox),
        "init": (stat.S_IFREG | 0o755, init),
    }
    for name, content in extra:
        files[name] = (stat.S_IFREG | 0o755, content)
    out = io.BytesIO()
    ino = 1
    for name in sorted(files):
        mode, content = files[name]
        out.write(entry(ino, mode, name, content))
        ino += 1
    out.write(entry(ino, stat.S_IFCHR | 0o600, "dev/console", rdev=(5, 1)))
    out.write(entry(0, 0, "TRAILER!!!"))
    return out.getvalue()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--busybox", required=True)
    p.add_argument("--init", required=True)
    p.add_argument("--add", action="append", default=[], metavar="NAME=PATH")
    a = p.parse_args()
    extra = []
    for spec in a.add:
        name, _, path = spec.partition("=")
        if not name or not path or name.startswith("/"):
            p.error("--add wants NAME=PATH with a relative NAME, got %r" % spec)
        extra.append((name, open(path, "rb").read()))
    archive = build(open(a.busybox, "rb").read(), open(a.init, "rb").read(), extra)
    with open(a.out, "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", filename="", mtime=0, compresslevel=9) as g:
            g.write(archive)
    return 0


if __name__ == "__main__":
    sys.exit(main())
