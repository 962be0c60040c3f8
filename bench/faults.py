"""Faults for the bench, injected while locust runs, each printed as one line of JSON.

    python bench/faults.py postgres-restart --host http://127.0.0.1:8100 [--delay 50]
    python bench/faults.py worker-kill --host http://127.0.0.1:8100 --gunicorn <master pid> [--delay 100]

Both probe the service meanwhile as a logged-in reader (the agreement list, which reads the database, every
0.1 s) and report what the probe saw: errors, and seconds from the fault until requests succeed again.
`worker-kill` asks for a draft agreement's PDF, finds the gunicorn worker whose socket holds that request, and
kills it with SIGKILL while it renders; the arbiter boots a replacement.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import threading
import time
from urllib.parse import urlsplit

import requests
from requests.cookies import RequestsCookieJar

PASSWORD = os.environ.get("BENCH_PASSWORD", "samverkan-demo")


class Jar(RequestsCookieJar):
    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False  # plain HTTP to 127.0.0.1 stands for the proxy's HTTPS
        return super().set_cookie(cookie, *args, **kwargs)


def session(host: str, username: str) -> requests.Session:
    client = requests.Session()
    client.cookies = Jar()
    client.headers.update({"X-Forwarded-Proto": "https", "Referer": f"https://{urlsplit(host).netloc}/"})
    page = client.get(f"{host}/logga-in/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    data = {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
    response = client.post(f"{host}/logga-in/", data=data, allow_redirects=False, timeout=30)
    if response.status_code != 302:
        raise SystemExit(f"login as {username} refused: {response.status_code}")
    return client


class Probe(threading.Thread):
    """Asks for the agreement list every 0.1 s and keeps (finished at, ok, what) for each request."""

    def __init__(self, client: requests.Session, host: str) -> None:
        super().__init__(daemon=True)
        self.client, self.url, self.results, self.running = client, f"{host}/overenskommelser/", [], True

    def run(self) -> None:
        while self.running:
            try:
                status = self.client.get(self.url, allow_redirects=False, timeout=30).status_code
                self.results.append((time.time(), status == 200, str(status)))
            except requests.RequestException as error:
                self.results.append((time.time(), False, type(error).__name__))
            time.sleep(0.1)

    def report(self, since: float) -> dict:
        after = [result for result in self.results if result[0] >= since]
        errors = [result for result in after if not result[1]]
        back = next((t for t, ok, _ in after if ok and (not errors or t > errors[-1][0])), None)
        return {
            "probe_requests": len(after),
            "probe_errors": len(errors),
            "probe_error_kinds": sorted({what for _, _, what in errors}),
            "seconds_until_ok": round(back - since, 2) if back and errors else 0.0,
        }


def postgres_restart(host: str, username: str, at: float) -> dict:
    probe = Probe(session(host, username), host)
    probe.start()
    time.sleep(max(2.0, at - time.time()))
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    started = time.time()
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603 -- a fixed command
    restarted = time.time()
    time.sleep(15)
    probe.running = False
    probe.join()
    return {
        "fault": "postgres restart",
        "at": round(started, 3),
        "restart_seconds": round(restarted - started, 2),
        **probe.report(started),
    }


def holder(port: int, client_port: int) -> int | None:
    """The pid of the process whose socket serves the connection from client_port."""
    command = ["ss", "-tnpH", "state", "established", f"( sport = :{port} and dport = :{client_port} )"]
    out = subprocess.run(command, capture_output=True, text=True).stdout  # noqa: S603
    found = re.search(r"pid=(\d+)", out)
    return int(found.group(1)) if found else None


def workers(master: int) -> set[int]:
    command = ["pgrep", "-P", str(master)]
    children = subprocess.run(command, capture_output=True, text=True).stdout.split()  # noqa: S603
    return {int(pid) for pid in children}


def worker_kill(host: str, username: str, master: int, at: float) -> dict:
    client = session(host, username)
    listed = client.get(f"{host}/overenskommelser/").text
    agreements = sorted(set(re.findall(r'href="/overenskommelser/(\d+)/"', listed)))
    draft = next(a for a in agreements if "/arkiv/" not in client.get(f"{host}/overenskommelser/{a}/").text)
    path = f"/overenskommelser/{draft}/pdf/"
    probe = Probe(client, host)
    probe.start()
    time.sleep(max(2.0, at - time.time()))
    before = workers(master)
    address = urlsplit(host)
    cookies = "; ".join(f"{c.name}={c.value}" for c in client.cookies)
    for _attempt in range(20):
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        connection.connect()
        client_port = connection.sock.getsockname()[1]
        connection.request("GET", path, headers={"Cookie": cookies, "X-Forwarded-Proto": "https"})
        # Wait until a worker has taken the request from the queue, then let it get into the rendering.
        deadline, pid = time.time() + 30, None
        while pid is None and time.time() < deadline:
            pid = holder(address.port, client_port)
            time.sleep(0.02)
        time.sleep(0.3)
        if pid is not None and pid in workers(master) and holder(address.port, client_port) == pid:
            break
        connection.close()  # answered already, or never taken: try again
    else:
        raise SystemExit("no worker caught rendering the PDF")
    killed = time.time()
    os.kill(pid, signal.SIGKILL)
    try:
        response = connection.getresponse()
        seen = f"HTTP {response.status}"
    except (OSError, http.client.HTTPException) as error:
        seen = type(error).__name__
    replaced = None
    while replaced is None and time.time() < killed + 60:
        if workers(master) - before - {pid} and len(workers(master)) >= len(before):
            replaced = time.time()
        time.sleep(0.05)
    pdf_ok = None
    while pdf_ok is None and time.time() < killed + 120:
        try:
            if client.get(f"{host}{path}", timeout=60).status_code == 200:
                pdf_ok = time.time()
        except requests.RequestException:
            time.sleep(0.2)
    probe.running = False
    probe.join()
    return {
        "fault": "worker killed while rendering a PDF",
        "at": round(killed, 3),
        "killed_pid": pid,
        "the_killed_request_got": seen,
        "seconds_until_new_worker": round(replaced - killed, 2) if replaced else None,
        "seconds_until_pdf_ok": round(pdf_ok - killed, 2) if pdf_ok else None,
        **probe.report(killed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fault", choices=["postgres-restart", "worker-kill"])
    parser.add_argument("--host", required=True)
    parser.add_argument("--user", default="bench-03-lasare")
    parser.add_argument("--gunicorn", type=int, help="the gunicorn master's pid (worker-kill)")
    parser.add_argument("--delay", type=float, default=0, help="seconds from now (logging in meanwhile) to the fault")
    arguments = parser.parse_args()
    at = time.time() + arguments.delay
    if arguments.fault == "postgres-restart":
        result = postgres_restart(arguments.host, arguments.user, at)
    else:
        result = worker_kill(arguments.host, arguments.user, arguments.gunicorn, at)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
