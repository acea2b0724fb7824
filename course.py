#!/usr/bin/env python3
"""Set up and run the diffnotes course. Needs only Python 3.10+ with pip and venv.

    python3 course.py lab     # set up, then open the course in JupyterLab
    python3 course.py test    # set up, then run every notebook as a test (nbdev_test, test mode)
    python3 course.py setup   # only set up: .venv with the package in editable mode and its dev extras

Set-up is idempotent: the virtual environment `.venv` is created once, and the
package is reinstalled only when settings.ini, setup.py or pyproject.toml changed since the last install.
"""
import argparse, hashlib, os, subprocess, sys, time
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

def test(paths):
    "Run each notebook through `nbdev_test` (which sets IN_TEST); print a line per notebook and a total."
    nbs = [Path(p).resolve() for p in paths] if paths else notebooks()
    passed, failed = [], []
    for nb in nbs:
        start = time.time()
        res = run([BIN / "nbdev_test", "--path", nb], cwd=ROOT)
        (passed if res.returncode == 0 else failed).append(nb.name)
        print(f"{'PASS' if res.returncode == 0 else 'FAIL'} {nb.name} ({time.time() - start:.0f} s)", flush=True)
    if failed: print("failed: " + ", ".join(failed))
    print(f"{len(passed)} passed, {len(failed)} failed", flush=True)
    return 1 if failed or not nbs else 0

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
    p_test.add_argument("notebooks", nargs="*", help="notebooks to test (default: all under nbs/)")
    sub.add_parser("lab", help="set up, then open the course in JupyterLab (extra arguments go to jupyter lab)")
    args, extra = parser.parse_known_args()
    if extra and args.command != "lab": parser.error(f"unrecognized arguments: {' '.join(extra)}")
    setup()
    if args.command == "test": sys.exit(test(args.notebooks))
    if args.command == "lab": lab(extra)

if __name__ == "__main__":
    main()
