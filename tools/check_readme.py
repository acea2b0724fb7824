#!/usr/bin/env python3
"""Run the README's Python examples as a new user would: each ```python block alone, in a fresh empty folder, with this
environment's Python. An example passes if it exits 0 and saves at least one file (the README's examples save what they show).

    .venv/bin/python tools/check_readme.py

First it checks that README.md is the landing notebook `nbs/index.ipynb` (nbdev's `readme_nb`, from which `nbdev_docs`
regenerates README.md): the same lines in the same order, blank lines aside, with the notebook's image paths seen from the
repository's root (`images/x.png` -> `nbs/images/x.png`).

Prints a line per check and ends with `N passed, N failed`; exits 1 if any failed.
"""
import json, os, re, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def examples(readme: Path) -> list[str]:
    "The ```python blocks of `readme`, in order."
    return re.findall(r"```python\n(.*?)```", readme.read_text(), flags=re.S)

def landing_lines(nb: Path) -> list[str]:
    "The markdown of the landing notebook as README.md shows it: non-blank lines, image paths relative to the repository's root."
    text = "\n".join("".join(c["source"]) for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "markdown")
    return [l.rstrip() for l in re.sub(r"\]\(images/", "](nbs/images/", text).splitlines() if l.strip()]

def readme_matches_landing() -> tuple[bool, str]:
    "Whether README.md holds the landing notebook's text, and where they first differ."
    want, got = landing_lines(ROOT / "nbs" / "index.ipynb"), [l.rstrip() for l in (ROOT / "README.md").read_text().splitlines() if l.strip()]
    for i, (a, b) in enumerate(zip(want, got)):
        if a != b: return False, f"line {i + 1} of the text differs:\n  index.ipynb: {a[:160]}\n  README.md:   {b[:160]}"
    if len(want) != len(got): return False, f"index.ipynb has {len(want)} lines of text, README.md {len(got)}"
    return True, f"{len(want)} lines of text"

def run_example(i: int, code: str, env: dict) -> tuple[bool, str]:
    "Run README example `i` alone in an empty folder; (passed, what to print): it must exit 0 and save at least one file."
    with tempfile.TemporaryDirectory() as tmp:
        start = time.time()
        res = subprocess.run([sys.executable, "-c", code], cwd=tmp, capture_output=True, text=True, timeout=900, env=env)
        saved = sorted(str(p.relative_to(tmp)) for p in Path(tmp).rglob("*") if p.is_file())
    ok = res.returncode == 0 and bool(saved)
    first = code.strip().splitlines()[0]
    report = f"{'PASS' if ok else 'FAIL'} README example {i} ({first[:60]}...), {time.time() - start:.0f} s; saved: {', '.join(saved) or 'nothing'}"
    return ok, report + ("" if ok else "\n" + res.stdout[-2000:] + "\n" + res.stderr[-3000:])

def main() -> int:
    same, detail = readme_matches_landing()
    print(f"{'PASS' if same else 'FAIL'} README.md is the landing notebook nbs/index.ipynb ({detail})", flush=True)
    blocks = examples(ROOT / "README.md")
    if not blocks:
        print("README.md has no ```python examples"); print("0 passed, 1 failed"); return 1
    passed, failed = int(same), int(not same)
    # Two examples at a time, one thread each, as course.py runs the notebooks (idle OpenMP threads sleep rather than spin)
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"), "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
    trains_first = sorted(enumerate(blocks, 1), key=lambda item: "fit_" not in item[1])   # an example that trains starts first: the longest (22 s of 40)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip((i for i, _ in trains_first), pool.map(lambda item: run_example(*item, env), trains_first)))
    for i in sorted(results):                                                              # reported in README order
        ok, report = results[i]
        print(report, flush=True)
        passed, failed = passed + ok, failed + (not ok)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main())
