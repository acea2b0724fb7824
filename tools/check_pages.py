#!/usr/bin/env python3
"""Render every processed notebook to HTML and check each page in headless Chromium.

    .venv/bin/python tools/check_pages.py [--out _checks/pages] [NOTEBOOK ...]

Quarto (which builds the real docs site) cannot run on the machines this course
is built on, so this is the nearest check we can make of what a reader sees:

1. `nbdev_proc_nbs` processes the notebooks exactly as `nbdev_docs` would
   (exports hidden, `show_doc` added for every exported function and class),
   into `_proc/`.
2. Each processed notebook is rendered to HTML with nbconvert. Cells marked
   `#| output: false` lose their outputs, as Quarto drops them. Maths is
   typeset with KaTeX, the renderer `nbs/_quarto.yml` asks Quarto to use; its
   files come from the npm registry (cached in `.cache/katex`).
3. Each page is opened in headless Chromium (one browser for all pages, driven
   by Playwright, as the JupyterLab check does). A script in the page waits for
   load, then records: images present and decoded (natural width > 0), maths
   typeset (KaTeX elements, none that failed to parse), error and stderr
   outputs, and widget placeholders (text a static page shows for a live
   widget). A screenshot of the whole page is saved beside it.

A page passes when it loaded, every image decoded and there is at least one per
figure the notebook saved, maths is present where the notebook has any and all
of it parsed, and no error, stderr output or widget placeholder is shown.
Prints one line per page and ends with `N passed, N failed`; exits 1 on any
failure.
"""
import argparse, json, os, re, shutil, subprocess, sys, tarfile, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KATEX_VERSION = "0.16.11"
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-sync", "--disable-quic", "--hide-scrollbars"]

CHECK_JS = r"""
<script>
window.addEventListener('load', () => {
  const done = () => {
    const imgs = [...document.querySelectorAll('img')];
    const bad = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => (i.getAttribute('src') || '').slice(0, 60));
    const text = document.body.innerText;
    const katexErrors = (window.__katexErrors || []).concat([...document.querySelectorAll('.katex-error')].map(e => e.textContent));
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let raw = [];                                   // '$' left in prose: maths the renderer could not pair up
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (el && el.closest('.jp-MarkdownOutput') && !el.closest('code, pre, .katex') && n.textContent.includes('$')) raw.push(n.textContent.trim().slice(0, 60));
    }
    const result = {
      raw_dollars: raw,
      images: imgs.length, broken: bad,
      katex: document.querySelectorAll('.katex').length,
      katex_errors: katexErrors.map(e => String(e).slice(0, 100)),
      errors: document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').length,
      tracebacks: (text.match(/Traceback \(most recent call last\)/g) || []).length,
      widget_text: (text.match(/(VBox|HBox|IntSlider|SelectionSlider|Dropdown)\(children=|(Loading|Error displaying) widget/g) || []).length,
      title: document.title, height: document.body.scrollHeight,
    };
    const pre = document.createElement('pre'); pre.id = 'page-check'; pre.textContent = JSON.stringify(result);
    document.body.appendChild(pre);
  };
  if (window.renderMathInElement) {
    renderMathInElement(document.body, {delimiters: [{left: '$$', right: '$$', display: true}, {left: '$', right: '$', display: false}],
                                        throwOnError: true, ignoredClasses: ['jp-OutputArea-output', 'jp-InputArea-editor'],
                                        errorCallback: (msg, err) => (window.__katexErrors = window.__katexErrors || []).push(msg + ' ' + err)});
  }
  Promise.all([...document.images].map(i => i.decode().catch(() => null))).then(done);
});
</script>
"""

def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)

def katex_dir() -> Path:
    "KaTeX's dist folder, fetched once from the npm registry into .cache/katex."
    dist = ROOT / ".cache" / "katex" / KATEX_VERSION / "dist"
    if (dist / "katex.min.js").exists(): return dist
    npm = shutil.which("npm")
    if npm is None: sys.exit("check_pages: npm is needed to fetch KaTeX (the maths renderer) from the npm registry")
    with tempfile.TemporaryDirectory() as tmp:
        out = run([npm, "pack", f"katex@{KATEX_VERSION}", "--silent"], cwd=tmp).stdout.strip().splitlines()[-1]
        with tarfile.open(Path(tmp) / out) as tar: tar.extractall(tmp, filter="data")
        dist.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(Path(tmp) / "package" / "dist", dist)
    return dist

def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name): return shutil.which(name)
    sys.exit("check_pages: no Chromium found (on Debian: apt-get install -y chromium)")

def expected_figures(nb: dict) -> int:
    "Images a reader should see: image outputs of shown cells, plus images linked from markdown."
    n = 0
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown": n += len(re.findall(r"!\[[^\]]*\]\([^)]+\)", "".join(cell["source"])))
        else: n += sum(1 for o in cell.get("outputs", []) if any(k.startswith("image/") for k in o.get("data", {})))
    return n

def has_maths(nb: dict) -> bool:
    return any(cell["cell_type"] == "markdown" and re.search(r"\$[^$\n]+\$", "".join(cell["source"])) for cell in nb["cells"])

def repeated_figures(nb: dict) -> int:
    "Cells that show the same image twice (a figure both drawn and returned as the cell's value)."
    n = 0
    for cell in nb["cells"]:
        imgs = [json.dumps(o["data"][k]) for o in cell.get("outputs", []) for k in o.get("data", {}) if k.startswith("image/")]
        n += len(imgs) != len(set(imgs))
    return n

def quarto_view(nb):
    "What Quarto would show: front matter as the title, outputs of `#| output: false` cells dropped, code of `#| echo: false` cells hidden."
    import nbformat
    for cell in nb.cells:
        if cell.cell_type == "raw" and cell.source.startswith("---"):
            meta = dict(re.findall(r"^(title|description):\s*(.*)$", cell.source, re.M))
            cell.cell_type, cell.source = "markdown", f"# {meta.get('title', '').strip(chr(39))}\n\n> {meta.get('description', '')}"
            cell.pop("attachments", None)
        if cell.cell_type != "code": continue
        if re.search(r"^#\|\s*output:\s*false\s*$", cell.source, re.M): cell.outputs = []
        if re.search(r"^#\|\s*echo:\s*false\s*$", cell.source, re.M): cell.metadata.setdefault("tags", []).append("remove_input")

    return nb

def render(nb_path: Path, html_path: Path, katex: Path):
    import nbformat
    from nbconvert import HTMLExporter
    nb = quarto_view(nbformat.read(nb_path, as_version=4))
    from traitlets.config import Config
    cfg = Config(); cfg.TagRemovePreprocessor.enabled = True; cfg.TagRemovePreprocessor.remove_input_tags = {"remove_input"}
    exporter = HTMLExporter(template_name="lab", config=cfg)
    exporter.mathjax_url = ""                     # no MathJax from a CDN: KaTeX, local, instead
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"path": str(nb_path.parent)}})
    body = re.sub(r'<script[^>]*src="[^"]*mathjax[^"]*"[^>]*>\s*</script>', "", body, flags=re.I)
    rel = os.path.relpath(katex, html_path.parent)
    head = (f'<link rel="stylesheet" href="{rel}/katex.min.css">\n<script src="{rel}/katex.min.js"></script>\n'
            f'<script src="{rel}/contrib/auto-render.min.js"></script>\n')
    body = body.replace("</head>", head + "</head>", 1).replace("</body>", CHECK_JS + "</body>", 1)
    html_path.write_text(body)
    return nb

def inspect(page, html_path: Path, shot: Path) -> dict:
    "Open the page in the browser tab `page`, read what the check script in it recorded, and save a screenshot of the whole page."
    for attempt in range(2):          # a page that does not load fails twice
        try:
            page.set_viewport_size({"width": 1100, "height": 800})
            page.goto(html_path.as_uri())
            page.wait_for_selector("#page-check", state="attached", timeout=60_000)
            result = json.loads(page.locator("#page-check").text_content())
            break
        except Exception as e:       # Playwright's timeout or a crashed tab: say why
            error = f"{type(e).__name__}: {str(e).splitlines()[0][:150] if str(e) else ''}"
    else: return {"loaded": False, "stderr": [error]}
    page.screenshot(path=str(shot), full_page=True)
    return {"loaded": True, **result, "screenshot": shot.exists()}

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("notebooks", nargs="*", help="notebook names (default: all in nbs/)")
    p.add_argument("--out", default=str(ROOT / "_checks" / "pages"), help="folder for the HTML pages and screenshots")
    args = p.parse_args()
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    try: from playwright.sync_api import sync_playwright
    except ImportError as e:
        print(f"FAIL Playwright cannot be imported ({e}); it is in the dev extras: python3 course.py setup"); print("0 passed, 1 failed"); sys.exit(1)
    bin_dir = Path(sys.executable).parent
    run([str(bin_dir / "nbdev_proc_nbs")], cwd=ROOT)
    proc = ROOT / "_proc"
    katex, chrome = katex_dir(), chromium()
    names = args.notebooks or sorted(p.name for p in (ROOT / "nbs").glob("*.ipynb"))
    def check(page, name: str) -> tuple[bool, str]:
        "Render one page, open it in Chromium, and say what is wrong with it: (passed, the line to print)."
        name = name if name.endswith(".ipynb") else name + ".ipynb"
        start = time.time()
        html_path = proc / name.replace(".ipynb", ".check.html")
        nb = render(proc / name, html_path, katex)
        res = inspect(page, html_path, out / name.replace(".ipynb", ".png"))
        shutil.copy(html_path, out / html_path.name)
        html_path.unlink()                        # keep _proc as nbdev left it, for nbdev_docs
        want_figs, want_maths = expected_figures(nb), has_maths(nb)
        problems = [f"{k} cell(s) show the same figure twice" for k in [repeated_figures(nb)] if k]
        if not res.get("loaded"): problems.append("page did not load (no check result, twice)" + (f": {res['stderr'][0][:150]}" if res.get("stderr") else ""))
        else:
            if res["broken"]: problems.append(f"{len(res['broken'])} image(s) not decoded: {res['broken'][:3]}")
            if res["images"] - len(res["broken"]) < want_figs: problems.append(f"{res['images'] - len(res['broken'])} decoded images for {want_figs} figures")
            if want_maths and res["katex"] == 0: problems.append("no typeset maths")
            if res["raw_dollars"]: problems.append(f"{len(res['raw_dollars'])} piece(s) of maths left as raw text: {res['raw_dollars'][:2]}")
            if res["katex_errors"]: problems.append(f"{len(res['katex_errors'])} formula(s) failed to parse: {res['katex_errors'][:2]}")
            if res["errors"] or res["tracebacks"]: problems.append(f"{res['errors']} stderr/error output(s), {res['tracebacks']} traceback(s)")
            if res["widget_text"]: problems.append(f"{res['widget_text']} widget placeholder(s) shown")
            if not res.get("screenshot"): problems.append("no screenshot")
        detail = (f"{res.get('images', 0)} images, {want_figs} figures, {res.get('katex', 0)} formulas" if res.get("loaded") else "")
        return not problems, f"{'PASS' if not problems else 'FAIL'} {name:28} {detail}  ({time.time() - start:.1f} s)" + ("" if not problems else "\n     " + "\n     ".join(problems))

    passed = failed = 0
    # One browser for every page: starting Chromium twice per page (--dump-dom, then --screenshot) took about 2.7 s a page, 79 s in all, 41 s now
    with sync_playwright() as pw:
        try: browser = pw.chromium.launch(executable_path=chrome, headless=True, args=[*CHROME_FLAGS[1:], "--allow-file-access-from-files"])
        except Exception as e:
            print(f"FAIL Chromium starts under Playwright: {str(e).splitlines()[0][:200] if str(e) else type(e).__name__}"); print("0 passed, 1 failed"); sys.exit(1)
        page = browser.new_page()
        for name in names:
            ok, line = check(page, name)
            passed += ok; failed += not ok
            print(line, flush=True)
        browser.close()
    print(f"screenshots and pages in {out}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)

if __name__ == "__main__":
    main()
