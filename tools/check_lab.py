#!/usr/bin/env python3
"""Smoke check of the course in JupyterLab: start it with the README's command, open a notebook through the server API, run its first cells on a kernel.

    python3 tools/check_lab.py [--notebook 01_spiral.ipynb] [--cells 6]

Starts `python3 course.py lab --no-browser --port P` (the README's course
command, with a token), waits until the server answers, checks that the
JupyterLab page is served, reads the notebook through the contents API, starts
a kernel through the kernels API and runs the first code cells over the
kernel's websocket, one at a time. Fails on an error reply, an error message
or a timeout. Stops the server at the end. Prints one line per check and ends
with `N passed, N failed`.
"""
import argparse, asyncio, json, os, secrets, signal, socket, subprocess, sys, time, urllib.request, uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

def http(url: str, token: str, method: str = "GET", body: dict | None = None):
    req = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r: return r.status, r.read().decode()

def start_lab(log_name: str, env: dict | None = None):
    "Start `python3 course.py lab` (the README's command) with a fresh token on a free port, its output in `_checks/LOG_NAME`: (server, base URL, token, port)."
    port, token = free_port(), secrets.token_hex(16)
    cmd = [sys.executable, str(ROOT / "course.py"), "lab",
           "--no-browser", f"--port={port}", f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False"]
    (ROOT / "_checks").mkdir(exist_ok=True)
    log = open(ROOT / "_checks" / log_name, "w")                        # the server's own output, for a person to read
    server = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    return server, f"http://127.0.0.1:{port}", token, port

def wait_until_up(server, base: str, token: str, timeout: float) -> tuple[bool, str]:
    "Poll the server's status API until it answers (or exits, or `timeout` passes): (up, detail for the check line)."
    start = time.time()
    while time.time() - start < timeout and server.poll() is None:
        try: return http(f"{base}/api/status", token)[0] == 200, f"{time.time() - start:.0f} s"
        except OSError: time.sleep(1)
    return False, f"exit code {server.poll()}"

def stop_lab(server):
    os.killpg(server.pid, signal.SIGTERM)
    try: server.wait(20)
    except subprocess.TimeoutExpired: os.killpg(server.pid, signal.SIGKILL)

async def run_cells(ws_url: str, token: str, cells: list[str], timeout: float) -> list[tuple[str, str]]:
    "Run each cell's source; returns (status, detail) per cell."
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect
    conn = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}))
    session, results = uuid.uuid4().hex, []
    for src in cells:
        msg_id = uuid.uuid4().hex
        conn.write_message(json.dumps({
            "header": {"msg_id": msg_id, "username": "check", "session": session, "msg_type": "execute_request", "version": "5.3",
                       "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": src, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
        status, detail, idle, reply = None, "", False, False
        deadline = time.time() + timeout
        while not (idle and reply):
            left = deadline - time.time()
            if left <= 0: status, detail = "timeout", f"no reply in {timeout:.0f} s"; break
            raw = await asyncio.wait_for(conn.read_message(), left)
            if raw is None: status, detail = "closed", "websocket closed"; break
            m = json.loads(raw)
            if m.get("parent_header", {}).get("msg_id") != msg_id: continue
            kind = m["header"]["msg_type"]
            if kind == "error": detail = f"{m['content']['ename']}: {m['content']['evalue']}"
            elif kind == "execute_reply": reply, status = True, m["content"]["status"]
            elif kind == "status" and m["content"]["execution_state"] == "idle": idle = True
        results.append((status, detail))
        if status != "ok": break
    conn.close()
    return results

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--notebook", default="01_spiral.ipynb")
    p.add_argument("--cells", type=int, default=6, help="how many code cells to run (default 6)")
    p.add_argument("--timeout", type=float, default=300, help="seconds allowed for the server to start and for each cell")
    args = p.parse_args()
    server, base, token, port = start_lab("lab.log")
    checks = []
    def check(name, ok, detail=""):
        checks.append(ok); print(f"{'PASS' if ok else 'FAIL'} {name}" + (f": {detail}" if detail else ""), flush=True)
    try:
        up, detail = wait_until_up(server, base, token, args.timeout)
        check("server starts with `python3 course.py lab`", up, detail)
        if not up: return
        status, page = http(f"{base}/lab", token)
        check("the JupyterLab page is served", status == 200 and "jupyterlab" in page.lower(), f"HTTP {status}")
        status, body = http(f"{base}/api/contents/{args.notebook}?content=1", token)
        nb = json.loads(body)["content"]
        cells = [("".join(c["source"]) if isinstance(c["source"], list) else c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
        check(f"{args.notebook} opens through the contents API", status == 200 and len(cells) > 0, f"{len(nb['cells'])} cells")
        status, body = http(f"{base}/api/kernels", token, "POST", {"name": "python3"})
        kernel = json.loads(body)["id"]
        check("a python3 kernel starts", status == 201, kernel[:8])
        todo = cells[:args.cells]
        results = asyncio.run(run_cells(f"ws://127.0.0.1:{port}/api/kernels/{kernel}/channels", token, todo, args.timeout))
        for i, (st, detail) in enumerate(results):
            check(f"cell {i + 1}/{len(todo)} runs: {todo[i].splitlines()[0][:50]!r}", st == "ok", detail)
        if len(results) < len(todo): check(f"{len(todo) - len(results)} cell(s) after a failure not run", False)
        http(f"{base}/api/kernels/{kernel}", token, "DELETE")
    finally:
        stop_lab(server)
        print(f"{sum(checks)} passed, {len(checks) - sum(checks)} failed")
        sys.exit(0 if checks and all(checks) else 1)

if __name__ == "__main__":
    main()
