#!/usr/bin/env python3
"""The .npz fixtures of tests/data/calib (see README.md): one written the
way NumPy's np.savez_compressed writes (Python's zipfile, deflated, every
member opened with force_zip64=True), one by Info-ZIP's zip with a stored
and a deflated member. NumPy itself is not needed: the .npy members are
format 1.0 written by hand. Run from anywhere:

    python3 tests/data/calib/make_npz.py
"""
import os
import struct
import subprocess
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
STAMP = (1980, 1, 1, 0, 0, 0)


def npy(descr, shape, data):
    """A format 1.0 .npy: magic, version, header length, the dict padded
    with spaces to a multiple of 64 bytes with its newline, the data."""
    dims = ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "")
    h = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, dims)
    total = (10 + len(h) + 1 + 63) // 64 * 64
    h = h + " " * (total - 10 - len(h) - 1) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode() + data


X = npy("|u1", (2, 1, 2, 2), bytes(30 * i for i in range(8)))
Y = npy("<f4", (3,), struct.pack("<3f", 0.5, -1.0, 2.0))


def numpy_style(path):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED,
                         allowZip64=True) as z:
        for name, data in (("x.npy", X), ("y.npy", Y)):
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            with z.open(info, "w", force_zip64=True) as f:
                f.write(data)


def infozip(path):
    with tempfile.TemporaryDirectory() as d:
        for name, data in (("x.npy", X), ("y.npy", Y)):
            p = os.path.join(d, name)
            with open(p, "wb") as f:
                f.write(data)
            os.utime(p, (315532800, 315532800))  # 1980-01-01 UTC
        if os.path.exists(path):
            os.remove(path)
        env = dict(os.environ, TZ="UTC")
        subprocess.run(["zip", "-q", "-X", "-0", path, "x.npy"], cwd=d,
                       check=True, env=env)
        subprocess.run(["zip", "-q", "-X", "-9", path, "y.npy"], cwd=d,
                       check=True, env=env)


numpy_style(os.path.join(HERE, "savez_compressed.npz"))
infozip(os.path.join(HERE, "infozip.npz"))
