"""Write one benchmark's part of bench/RESULTS.md without touching the others' parts."""
import re
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")

def write_section(name: str, text: str, path: Path = RESULTS):
    "Put `text` between `<!-- begin NAME -->` and `<!-- end NAME -->` in `path`, replacing what was there, or append it."
    begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
    block = f"{begin}\n{text.rstrip()}\n{end}\n"
    old = path.read_text() if path.exists() else ""
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", flags=re.S)
    new = pattern.sub(lambda m: block, old, count=1) if pattern.search(old) else (old.rstrip() + "\n\n" + block if old.strip() else block)
    path.write_text(new)
