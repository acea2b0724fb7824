#!/usr/bin/env python3
"""Run the README's Python examples as a new user would: each ```python block alone, in a fresh empty folder, with this
environment's Python. An example passes if it exits 0 and saves at least one file (the README's examples save what they show).

    .venv/bin/python tools/check_readme.py

Prints a line per example and ends with `N passed, N failed`; exits 1 if any failed.
"""
import re, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def examples(readme: Path) -> list[str]:
    "The ```python blocks of `readme`, in order."
    return re.findall(r"```python\n(.*?)```", readme.read_text(), flags=re.S)

def main() -> int:
    blocks = examples(ROOT / "README.md")
    if not blocks:
        print("README.md has no ```python examples"); print("0 passed, 1 failed"); return 1
    passed = failed = 0
    for i, code in enumerate(blocks, 1):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.time()
            res = subprocess.run([sys.executable, "-c", code], cwd=tmp, capture_output=True, text=True, timeout=900)
            saved = sorted(str(p.relative_to(tmp)) for p in Path(tmp).rglob("*") if p.is_file())
            ok = res.returncode == 0 and bool(saved)
            first = code.strip().splitlines()[0]
            print(f"{'PASS' if ok else 'FAIL'} README example {i} ({first[:60]}...), {time.time() - start:.0f} s; saved: {', '.join(saved) or 'nothing'}", flush=True)
            if not ok: print(res.stdout[-2000:], res.stderr[-3000:], sep="\n")
            passed, failed = passed + ok, failed + (not ok)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main())
