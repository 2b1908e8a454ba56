"""Windows has no fcntl and, before Python 3.13, no os.fchmod. Locks, atomic writes, rotated logs
and a real `connections status` must work there too. Tested here by taking both away and
standing in for msvcrt with byte-range locks (`fcntl.lockf`), which have the same meaning as
`msvcrt.locking`: an exclusive lock on bytes of a file, held until unlocked or closed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# Prepended to a child's code: a Python that looks like Windows to makini's file code.
WINDOWS_LIKE = textwrap.dedent("""
    import os, sys, types
    import asyncio, subprocess  # before msvcrt exists: they would take this for Windows
    import fcntl as _real_fcntl
    msvcrt = types.ModuleType("msvcrt")
    msvcrt.LK_UNLCK, msvcrt.LK_LOCK, msvcrt.LK_NBLCK = 0, 1, 2
    def locking(fd, mode, nbytes, _fcntl=_real_fcntl):
        op = _fcntl.LOCK_UN if mode == msvcrt.LK_UNLCK else _fcntl.LOCK_EX
        _fcntl.lockf(fd, op, nbytes, 0, os.SEEK_CUR)
    msvcrt.locking = locking
    sys.modules["msvcrt"] = msvcrt
    sys.modules["fcntl"] = None          # `import fcntl` raises ImportError
    del os.fchmod                        # as on Windows before Python 3.13
    del _real_fcntl
""")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="simulates Windows on POSIX")


def _run(code: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WINDOWS_LIKE + textwrap.dedent(code)], capture_output=True,
                          text=True, env=dict(os.environ, **(env or {})), timeout=timeout)


def test_the_simulation_takes_fcntl_and_fchmod_away():
    proc = _run("""
        try:
            import fcntl
        except ImportError:
            print("no fcntl", hasattr(os, "fchmod"))
    """)
    assert proc.stdout.strip() == "no fcntl False", proc.stderr


def test_atomic_writes_work_without_fchmod_and_keep_private_modes(tmp_path):
    target = tmp_path / "sub" / "f.toml"
    proc = _run(f"""
        from makini_cli.fsutil import atomic_write_text, atomic_open
        atomic_write_text({str(target)!r}, "old")
        try:
            with atomic_open({str(target)!r}) as fh:
                fh.write("half")
                raise RuntimeError("killed")
        except RuntimeError:
            pass
        print(open({str(target)!r}).read())
    """)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "old"
    assert oct(target.stat().st_mode & 0o777) == oct(0o600)
    assert [p.name for p in target.parent.iterdir()] == ["f.toml"]


def test_the_lock_excludes_other_processes_without_fcntl(tmp_path):
    counter = tmp_path / "counter"
    counter.write_text("0")
    code = f"""
        import time
        from pathlib import Path
        from makini_cli.fsutil import locked
        p = Path({str(counter)!r})
        for _ in range(40):
            with locked(p.with_name("counter.lock")):
                n = int(p.read_text())
                time.sleep(0.0005)           # widen the race window
                p.write_text(str(n + 1))
    """
    procs = [subprocess.Popen([sys.executable, "-c", WINDOWS_LIKE + textwrap.dedent(code)],
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    assert counter.read_text() == "160"


def test_rotated_logs_work_without_fcntl(tmp_path):
    log = tmp_path / "log.jsonl"
    proc = _run(f"""
        from makini_cli.fsutil import append_rotated, rotated_paths
        for i in range(50):
            append_rotated({str(log)!r}, b'{{"n": %d}}\\n' % i, max_bytes=200, backups=2)
        print(len(rotated_paths({str(log)!r}, 2)))
    """)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "3"
    lines = [json.loads(x) for p in (log.with_name("log.jsonl.1"), log) for x in p.read_text().splitlines()]
    assert lines[-1] == {"n": 49} and [x["n"] for x in lines] == sorted(x["n"] for x in lines)


def test_a_real_connections_status_runs_without_fcntl(tmp_path, config_dir):
    proc = _run("""
        sys.argv = ["makini", "--sandbox", "connections", "status", "--all", "-o", "json"]
        from makini_cli.main import main
        main()
    """, timeout=120)
    assert proc.returncode in (0, 3), proc.stderr
    rows = json.loads(proc.stdout)
    assert len(rows) >= 10 and all("health" in r for r in rows)
    # it cached tokens and kept breaker state through the lock and atomic writes above
    written = [p for p in Path(config_dir).rglob("*") if p.is_file()]
    assert written and all(p.stat().st_mode & 0o077 == 0 for p in written if "sandbox" not in p.name)
