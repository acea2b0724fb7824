#!/usr/bin/env python3
"""Set up and run the diffnotes course. Needs only Python 3.10+ with pip and venv.

    python3 course.py lab     # set up, then open the course in JupyterLab
    python3 course.py test    # set up, then run every notebook as a test (nbdev_test, test mode), two at a time on 2 cores or more
    python3 course.py test --slow 91_cli   # ... also the cells marked `#| slow` (91: every shipped model reproduced)
    python3 course.py setup   # only set up: .venv with the package in editable mode and its dev extras

Set-up is idempotent: the virtual environment `.venv` is created once, and the
package is reinstalled only when settings.ini, setup.py or pyproject.toml changed since the last install.
"""
import argparse, hashlib, os, subprocess, sys, threading, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".diffnotes-install"

def run(cmd, **kw):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], **kw)

def install_fingerprint() -> str:
    "Hash of the files that decide what gets installed."
    h = hashlib.sha256()
    for name in ("settings.ini", "setup.py", "pyproject.toml"): h.update((ROOT / name).read_bytes())
    return h.hexdigest()

def setup():
    "Create `.venv` if missing and install the package editable with dev extras if anything changed."
    if sys.version_info < (3, 10): sys.exit(f"diffnotes needs Python 3.10 or newer; this is {sys.version.split()[0]}")
    if not (BIN / "python").exists() and not (BIN / "python.exe").exists():
        if run([sys.executable, "-m", "venv", VENV]).returncode: sys.exit("could not create the virtual environment .venv")
    if STAMP.exists() and STAMP.read_text() == install_fingerprint():
        print("set-up is up to date (.venv)", flush=True)
        return
    py = BIN / "python"
    if run([py, "-m", "pip", "install", "--upgrade", "pip"]).returncode: sys.exit("pip upgrade failed")
    if run([py, "-m", "pip", "install", "-e", ".[dev]"], cwd=ROOT).returncode: sys.exit("installing diffnotes[dev] failed")
    STAMP.write_text(install_fingerprint())

def notebooks():
    "The notebooks nbdev_test runs: every .ipynb under nbs/ not starting with '_' or '.'."
    return sorted(p for p in (ROOT / "nbs").rglob("*.ipynb")
                  if not any(part.startswith(("_", ".")) for part in p.relative_to(ROOT / "nbs").parts))

def resolve_notebook(name: str) -> Path:
    "A notebook given as a path (absolute or from here) or as a bare name in nbs/, with or without `.ipynb`; exit 2 if there is none."
    candidates = [Path(name), ROOT / name, ROOT / "nbs" / name]
    candidates += [c.with_name(c.name + ".ipynb") for c in candidates if c.suffix != ".ipynb"]
    for c in candidates:
        if c.is_file() and c.suffix == ".ipynb": return c.resolve()
    close = sorted(p.name for p in notebooks() if p.stem.split("_")[0] == Path(name).stem.split("_")[0] or Path(name).stem[:4] in p.stem)
    print(f"course.py test: error: no notebook {name!r} (looked in . and nbs/)" + (f"; did you mean {', '.join(close)}?" if close else ""), file=sys.stderr)
    sys.exit(2)

LONG_FIRST = ("91_cli", "12_transformers", "11_fewstep", "04_training", "07_conditioning", "08_flow", "06_latent", "10_editing", "09_text_to_image")   # the longest tests, started first
_print_lock = threading.Lock()

def default_jobs() -> int:
    """Notebooks tested at once by default: 2 where there are 2 cores or more, else 1. On the 2-core CI machine, 2 at a time with one thread each
    took 1,652 s against about 1,950 s one at a time with two threads (small models do not keep two threads busy); the tests hold for either."""
    return 2 if (os.cpu_count() or 1) >= 2 else 1

def schedule(nbs) -> list:
    "The notebooks in the order they are started: the long ones first, so that parallel runs end together; the rest in course order."
    rank = {name: i for i, name in enumerate(LONG_FIRST)}
    return sorted(nbs, key=lambda p: rank.get(p.stem, len(LONG_FIRST)))

def test_one(nb: Path, slow: bool, env: dict) -> bool:
    "Run one notebook through `nbdev_test`; print its output and a PASS or FAIL line together when it ends."
    start = time.time()
    cmd = [BIN / "nbdev_test", "--path", nb, *(["--flags", "slow"] if slow else [])]
    res = subprocess.run([str(c) for c in cmd], cwd=ROOT, capture_output=True, text=True, env=env)
    ok = res.returncode == 0 and "Success." in res.stdout + res.stderr
    with _print_lock:
        print("+", " ".join(str(c) for c in cmd), flush=True)
        sys.stdout.write(res.stdout); sys.stderr.write(res.stderr)
        if res.returncode == 0 and not ok: print(f"nbdev_test ran nothing in {nb.name} (no 'Success.')", flush=True)
        print(f"{'PASS' if ok else 'FAIL'} {nb.name} ({time.time() - start:.0f} s)", flush=True)
    return ok

def test(nbs, slow: bool = False, jobs: int = 1):
    """Run each notebook through `nbdev_test` (which sets IN_TEST), `jobs` at a time; print a line per notebook and a total.
    A notebook passes only if nbdev_test exits 0 *and* reports that it ran it ("Success."). With `slow`, cells marked `#| slow` run too.
    With `jobs` > 1 each notebook's PyTorch gets cores / jobs threads, so the runs share the machine instead of fighting over it."""
    if not nbs:
        print("course.py test: error: no notebooks found under nbs/", file=sys.stderr)
        print("0 passed, 1 failed", flush=True)
        return 1
    env = dict(os.environ)
    if jobs > 1:
        env.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // jobs)))
        # Idle OpenMP threads sleep instead of spinning. A cell that asks for more threads than it got (04 compares 1 and 2)
        # otherwise spins against the other notebook: on 2 cores that cell took 128 s, and 6 s with passive waiting.
        env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    start = time.time()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = dict(zip(schedule(nbs), pool.map(lambda nb: test_one(nb, slow, env), schedule(nbs))))
    failed = [nb.name for nb in nbs if not results[nb]]
    if failed: print("failed: " + ", ".join(failed))
    print(f"notebook tests: {time.time() - start:.0f} s, {jobs} at a time", flush=True)
    print(f"{len(nbs) - len(failed)} passed, {len(failed)} failed", flush=True)
    return 1 if failed else 0

def lab(extra):
    "Start JupyterLab on the course folder."
    args = [BIN / "jupyter", "lab", "--notebook-dir", ROOT / "nbs", *extra]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra: args.append("--allow-root")
    os.execv(str(args[0]), [str(a) for a in args])

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="create .venv and install diffnotes with its dev extras")
    p_test = sub.add_parser("test", help="set up, then run the notebooks as tests")
    p_test.add_argument("--slow", action="store_true", help="also run the cells marked `#| slow` (chapter 91: every shipped model reproduced, about 3 minutes more)")
    p_test.add_argument("--jobs", type=int, default=default_jobs(), metavar="N",
                        help=f"notebooks tested at once, each with cores / N threads (default {default_jobs()} here: 2 where there are 2 cores or more, which saves about 15%% on 2 cores)")
    p_test.add_argument("notebooks", nargs="*", help="notebooks to test, as paths or bare names in nbs/ (e.g. 05_sampling); default: all under nbs/")
    sub.add_parser("lab", help="set up, then open the course in JupyterLab (extra arguments go to jupyter lab)")
    args, extra = parser.parse_known_args()
    if extra and args.command != "lab": parser.error(f"unrecognized arguments: {' '.join(extra)}")
    chosen = ([resolve_notebook(p) for p in args.notebooks] or notebooks()) if args.command == "test" else []   # names checked before any set-up
    setup()
    if args.command == "test" and args.jobs < 1: p_test.error(f"--jobs must be at least 1, got {args.jobs}")
    if args.command == "test": sys.exit(test(chosen, args.slow, args.jobs))
    if args.command == "lab": lab(extra)

if __name__ == "__main__":
    main()
