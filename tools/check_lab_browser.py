#!/usr/bin/env python3
"""The course in JupyterLab, in a real browser: open notebooks, run their cells through the UI, move the widgets.

    python3 tools/check_lab_browser.py [--timeout 300] [--chromium /usr/bin/chromium]

Starts JupyterLab with the README's command (`python3 course.py lab`, here with a
token, `IN_TEST=1` so the notebooks use their test-mode sizes, and a private
settings folder that turns off notebook windowing so every cell is in the page).
Then, in headless Chromium driven by Playwright:

- opens chapter 01 and runs it with Shift+Enter, cell by cell, up to its training and
  loss curve; checks that it opened without a dialog (kernel choice, trust), that its
  figures are images, that no output is an error, and that the training's progress
  bar is one line updated in place (not a stream of lines on stderr);
- opens chapters 02, 05a and 07, runs them up to and including their widget, checks
  that the widget is a control (not "Error displaying widget", not its text
  repr), moves it (a slider one step right with the keyboard, a dropdown to its
  second entry) and checks that the picture under it changes.

Screenshots of each widget before and after are saved in `_checks/lab/`.
Prints one line per check and ends with `N passed, N failed`.
"""
import argparse, json, os, shutil, sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_lab import ROOT, http, start_lab, stop_lab, wait_until_up  # noqa: E402

SHOTS = ROOT / "_checks" / "lab"
FIRST_SECTION = ("01_spiral.ipynb", "## Why predicting the noise is enough")   # run every cell before this heading: data, noising, training
WIDGETS = [("02_noising.ipynb", "image_slider("),               # (notebook, the call in its widget cell)
           ("05a_solvers.ipynb", "image_chooser("),
           ("07_conditioning.ipynb", "image_slider(")]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"]

def cell_index(notebook: str, text: str) -> int:
    "Index (over all cells) of the first markdown cell starting with `text`, or code cell calling it (not importing it)."
    cells = json.loads((ROOT / "nbs" / notebook).read_text())["cells"]
    for i, c in enumerate(cells):
        src = "".join(c["source"])
        if c["cell_type"] == "markdown" and src.startswith(text): return i
        if c["cell_type"] == "code" and text in src and "import" not in src: return i
    raise ValueError(f"no cell of {notebook} has {text!r}")

def find_chromium(given: str | None) -> str:
    for name in ([given] if given else ["chromium", "chromium-browser", "google-chrome"]):
        if name and (path := shutil.which(name)): return path
    raise SystemExit("check_lab_browser: no Chromium found (on Debian: apt-get install -y chromium)")

def settings_dir() -> Path:
    "A private JupyterLab settings folder: windowing off, so cells far down the notebook are in the page; no news toast."
    d = ROOT / "_checks" / "lab-settings"
    f = d / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(json.dumps({"windowingMode": "none"}))
    news = d / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True, exist_ok=True)
    news.write_text(json.dumps({"fetchNews": "false"}))                   # no "Jupyter news?" toast over the page
    return d

class Lab:
    "One browser page on the running Lab: open a notebook, run its cells by keyboard, read what it shows."
    def __init__(self, page, base: str, token: str, timeout: float):
        self.page, self.base, self.token, self.timeout = page, base, token, timeout

    NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"      # the notebook in the visible tab

    def open(self, notebook: str):
        "Shut down the kernels of earlier notebooks, then open `notebook` alone (`reset`: no tabs restored from an earlier visit)."
        for s in json.loads(http(f"{self.base}/api/sessions", self.token)[1]):
            http(f"{self.base}/api/sessions/{s['id']}", self.token, "DELETE")
        self.page.goto(f"{self.base}/lab/tree/{notebook}?reset&token={self.token}")   # the course opens Lab in nbs/
        self.page.wait_for_selector(f"{self.NOTEBOOK} .jp-Cell", timeout=self.timeout * 1000)
        self.page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=self.timeout * 1000)
        dialogs = self.page.locator(".jp-Dialog")
        return dialogs.count() == 0, (dialogs.first.inner_text()[:80] if dialogs.count() else "")

    def run_first(self, n: int) -> float:
        "Select the first cell and press Shift+Enter `n` times (runs code cells, renders markdown); wait until the kernel is idle."
        start = time.time()
        self.page.wait_for_function("() => document.querySelector('.jp-StatusBar-Widget, #jp-main-statusbar')?.innerText.includes('Idle')",
                                    timeout=self.timeout * 1000)   # the kernel itself is connected and idle, not only the notebook's indicator
        self.page.wait_for_timeout(2000)
        self.page.locator(f"{self.NOTEBOOK} .jp-Cell").first.locator(".jp-InputPrompt").click()
        self.page.keyboard.press("Escape")                                   # command mode
        for _ in range(n):
            self.page.keyboard.press("Shift+Enter")
            self.page.wait_for_timeout(50)
        deadline = start + self.timeout
        while time.time() < deadline:
            busy = self.page.evaluate("""(sel) => [...document.querySelectorAll(sel + ' .jp-InputPrompt')]
                                              .some(p => p.textContent.includes('*'))""", self.NOTEBOOK)
            idle = self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status='idle']").count() > 0
            if not busy and idle: return time.time() - start
            self.page.wait_for_timeout(500)
        raise TimeoutError(f"cells still running after {self.timeout:.0f} s")

    def outputs(self, first: int, last: int) -> dict:
        "What cells first..last (inclusive) show: images, error outputs, progress bars printed as text."
        return self.page.evaluate("""([sel, first, last]) => {
            const cells = [...document.querySelectorAll(sel + ' .jp-Cell')].slice(first, last + 1);
            const out = {images: 0, errors: [], textbars: 0, bars: 0};
            for (const c of cells) {
                out.images += c.querySelectorAll('.jp-OutputArea-output img').length;
                for (const o of c.querySelectorAll('.jp-OutputArea-output')) {
                    const t = o.textContent || '';
                    if (t.includes('Traceback (most recent call last)') || o.getAttribute('data-mime-type') === 'application/vnd.jupyter.error')
                        out.errors.push(t.slice(0, 120));
                    const frames = (t.match(/\\d+\\/\\d+ \\[/g) || []).length;      // a tqdm frame: "1500/1500 [00:10<00:00"
                    if (!frames) continue;
                    if (o.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr' || frames > 1) out.textbars += 1;   // printed line after line
                    else out.bars += 1;                                                                                       // one line, updated in place
                }
            }
            return out; }""", [self.NOTEBOOK, first, last])

    def cell(self, i: int):
        return self.page.locator(f"{self.NOTEBOOK} .jp-Cell").nth(i)

def image_source(widget) -> str:
    img = widget.locator("img")
    return img.first.get_attribute("src") if img.count() else ""

def move(widget) -> str:
    "Move the widget's first control: a dropdown to its next entry, a slider one step right. Returns what was done."
    select = widget.locator("select")
    if select.count():
        options = select.first.locator("option").all_inner_texts()
        select.first.select_option(index=1)
        return f"dropdown {options[0]!r} -> {options[1]!r}"
    handle = widget.locator(".noUi-handle")
    before = widget.locator(".widget-readout").first.inner_text() if widget.locator(".widget-readout").count() else "?"
    handle.first.focus()
    handle.first.press("ArrowRight")
    widget.page.wait_for_timeout(300)
    after = widget.locator(".widget-readout").first.inner_text() if widget.locator(".widget-readout").count() else "?"
    return f"slider {before} -> {after}"

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--timeout", type=float, default=300, help="seconds allowed for the server to start and for each notebook's cells")
    p.add_argument("--chromium", default=None, help="the Chromium executable (default: chromium on the PATH)")
    args = p.parse_args()
    checks = []
    def check(name, ok, detail=""):
        checks.append(bool(ok)); print(f"{'PASS' if ok else 'FAIL'} {name}" + (f": {detail}" if detail else ""), flush=True)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        print(f"FAIL Playwright cannot be imported ({e}); it is in the dev extras: python3 course.py setup"); print("0 passed, 1 failed"); sys.exit(1)
    try: chromium = find_chromium(args.chromium)
    except SystemExit as e: print(f"FAIL {e}"); print("0 passed, 1 failed"); sys.exit(1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "IN_TEST": "1", "JUPYTERLAB_SETTINGS_DIR": str(settings_dir())}
    server, base, token, _ = start_lab("lab-browser.log", env)
    try:
        up, detail = wait_until_up(server, base, token, args.timeout)
        check("server starts with `python3 course.py lab`", up, detail)
        if not up: return
        with sync_playwright() as pw:
            try: browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS[1:])
            except Exception as e:
                check("Chromium starts under Playwright", False, str(e).splitlines()[0][:200]); return
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            lab = Lab(page, base, token, args.timeout)
            # chapter 01, up to its training
            nb, heading = FIRST_SECTION
            n = cell_index(nb, heading)
            ok, dialog = lab.open(nb)
            check(f"{nb} opens with its kernel, no dialog", ok, dialog)
            seconds = lab.run_first(n)
            seen = lab.outputs(0, n - 1)
            check(f"{nb}: its first {n} cells run from the keyboard", not seen["errors"], f"{seconds:.0f} s" if not seen["errors"] else seen["errors"][0])
            check(f"{nb}: figures appear as images", seen["images"] > 0, f"{seen['images']} image(s)")
            check(f"{nb}: the progress bar is one line updated in place", seen["bars"] > 0 and seen["textbars"] == 0,
                  f"{seen['bars']} bar(s) in place, {seen['textbars']} printed line after line or on stderr")
            page.screenshot(path=str(SHOTS / "01_spiral-training.png"), full_page=False)
            # the widgets
            for nb, call in WIDGETS:
                i = cell_index(nb, call)
                ok, dialog = lab.open(nb)
                check(f"{nb} opens with its kernel, no dialog", ok, dialog)
                try: seconds = lab.run_first(i + 1)
                except TimeoutError as e: check(f"{nb}: cells up to the widget run", False, str(e)); continue
                seen = lab.outputs(0, i)
                check(f"{nb}: its first {i + 1} cells run, up to the widget", not seen["errors"], f"{seconds:.0f} s" if not seen["errors"] else seen["errors"][0])
                cell = lab.cell(i)
                text = cell.locator(".jp-Cell-outputArea").first.inner_text()
                widget = cell.locator(".jupyter-widgets.widget-vbox, .widget-vbox").first
                rendered = widget.count() > 0 and "Error displaying widget" not in text
                check(f"{nb}: the widget renders as a control", rendered, "" if rendered else (text.strip()[:120] or "no widget in the output"))
                if not rendered: continue
                cell.scroll_into_view_if_needed()
                stem = nb.removesuffix(".ipynb")
                widget.screenshot(path=str(SHOTS / f"{stem}-widget-before.png"))
                before = image_source(widget)
                action = move(widget)
                deadline, after = time.time() + 60, before
                while time.time() < deadline and after == before:
                    page.wait_for_timeout(500); after = image_source(widget)
                widget.screenshot(path=str(SHOTS / f"{stem}-widget-after.png"))
                check(f"{nb}: moving the widget changes the picture", bool(before) and after != before, action)
            browser.close()
    except Exception as e:                                   # anything unexpected is a failed check with its reason, never a silent pass
        check("the browser session completes", False, f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}")
    finally:
        stop_lab(server)
        print(f"{sum(checks)} passed, {len(checks) - sum(checks)} failed")
        sys.exit(0 if checks and all(checks) else 1)

if __name__ == "__main__":
    main()
