"""Mixed load on Samverkan: municipal staff editing, the police reviewing, the council reading and people
downloading PDFs, with the users `bench/scale_demo.py` creates.

Every write carries a unique marker (BENCH-<run>-<hex>). When BENCH_MARKERS names a file, each write the
server confirmed (a redirect after the save) is appended to it as "<kind> <marker>", so that
`bench/check_writes.py` can look for each one in the database. When BENCH_REQUESTS names a file, every request
is appended to it as "<unix time> <ok 0|1> <status> <milliseconds> <name>", for the figures of the steady state
and the errors around a fault.

The bench talks plain HTTP to gunicorn on 127.0.0.1 as a TLS proxy would: it says X-Forwarded-Proto: https (so
the service behaves as in production) and sends the session and CSRF cookies although they are marked Secure.
"""

from __future__ import annotations

import itertools
import os
import re
import time
import uuid
from html.parser import HTMLParser
from secrets import choice
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task
from requests.cookies import RequestsCookieJar

PASSWORD = os.environ.get("BENCH_PASSWORD", "samverkan-demo")
MUNICIPALITIES = int(os.environ.get("BENCH_MUNICIPALITIES", "27"))
RUN = os.environ.get("BENCH_RUN", time.strftime("%H%M%S"))
MARKERS = os.environ.get("BENCH_MARKERS", "")
REQUESTS = os.environ.get("BENCH_REQUESTS", "")
BASE = "/overenskommelser/"
MARK = re.compile(r" \[BENCH-[^\]]*\]$")

_numbers = {name: itertools.count() for name in ("editor", "police", "reader", "pdf")}


def next_number(kind: str) -> int:
    return next(_numbers[kind])


def marker() -> str:
    return f"BENCH-{RUN}-{uuid.uuid4().hex[:12]}"


def record(path: str, line: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as file:
            file.write(line + "\n")


@events.request.add_listener
def log_request(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    record(REQUESTS, f"{time.time():.3f} {0 if exception else 1} {status} {response_time:.0f} {name}")


class BenchCookieJar(RequestsCookieJar):
    """Keeps the Secure cookies for the bench's plain HTTP, as the browser does over the proxy's HTTPS."""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


class Forms(HTMLParser):
    """The forms on a page: action and fields with the values a browser would submit unchanged."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._option: str | None = None
        self.feed(html)

    def _fields(self) -> dict[str, list[str]]:
        return self.forms[-1][1] if self.forms else {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        name = a.get("name", "")
        if tag == "form":
            self.forms.append((a.get("action", ""), {}))
        elif tag == "input" and name and a.get("type", "text") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                self._fields().setdefault(name, [])
            else:
                checkable = a.get("type") in ("checkbox", "radio")
                self._fields().setdefault(name, []).append(a.get("value", "on" if checkable else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._fields()[name] = [""]
        elif tag == "select" and name:
            self._select = name
            self._fields().setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self._fields()[self._select].append(a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._fields()[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def having(self, field: str) -> tuple[str, dict[str, list[str]]]:
        return next(form for form in self.forms if field in form[1])


def ids(pattern: str, html: str) -> list[int]:
    return sorted({int(found) for found in re.findall(pattern, html)})


class SamverkanUser(HttpUser):
    abstract = True
    wait_time = between(1, 5)

    def username(self) -> str:
        raise NotImplementedError

    def on_start(self) -> None:
        self.client.cookies = BenchCookieJar()
        origin = f"https://{urlsplit(self.host).netloc}"
        self.client.headers.update({"X-Forwarded-Proto": "https", "Referer": f"{origin}/"})
        self.login()
        self.agreements = ids(rf'href="{BASE}(\d+)/"', self.get(BASE, name="list").text)
        self.discover()

    def discover(self) -> None:
        pass

    def login(self) -> None:
        page = self.client.get("/logga-in/", name="login")
        token = Forms(page.text).having("csrfmiddlewaretoken")[1]["csrfmiddlewaretoken"][0]
        data = {"csrfmiddlewaretoken": token, "username": self.username(), "password": PASSWORD}
        with self.client.post("/logga-in/", data=data, name="login", allow_redirects=False, catch_response=True) as r:
            if r.status_code != 302:
                r.failure(f"login refused ({r.status_code})")

    def get(self, url: str, name: str):
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code == 302 and "/logga-in/" in response.headers.get("Location", ""):
                response.failure("logged out")
                self.login()
            elif response.status_code != 200:
                response.failure(f"{response.status_code}")
            return response

    def save(self, url: str, field: str, change, name: str, kind: str) -> None:
        """Load the form, change one field to carry a new marker, post it; a redirect means it was saved."""
        page = self.get(url, name=f"{name} (form)")
        if page.status_code != 200:
            return
        action, fields = Forms(page.text).having(field)
        mark = marker()
        fields[field] = [change(fields[field][0] if fields[field] else "", mark)]
        with self.client.post(
            action or url, data=fields, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                record(MARKERS, f"{kind} {mark}")
            elif response.status_code == 200:
                # Refused, e.g. someone else saved the same item a moment before: the form says so.
                response.success()
                record(MARKERS + ".refused" if MARKERS else "", f"{kind} {mark}")
            else:
                response.failure(f"{response.status_code}")
                record(MARKERS + ".unknown" if MARKERS else "", f"{kind} {mark}")


def with_mark(text: str, mark: str) -> str:
    return f"{MARK.sub('', text.strip())} [{mark}]"


class MunicipalEditor(SamverkanUser):
    """The security unit at work: the workbench, a commitment, an activity, a section of the text."""

    weight = 4

    def username(self) -> str:
        return f"bench-{next_number('editor') % MUNICIPALITIES + 1:02d}-redaktor"

    def discover(self) -> None:
        self.commitments, self.focus_areas, self.sections, self.workbenches = [], [], [], []
        for agreement in self.agreements:
            workbench = self.get(f"{BASE}{agreement}/fokusomraden/", name="workbench").text
            commitments = ids(rf'href="{BASE}ataganden/(\d+)/redigera/', workbench)
            if commitments:
                self.workbenches.append(agreement)
                self.commitments += commitments
                self.focus_areas += ids(rf'href="{BASE}fokusomraden/(\d+)/aktiviteter/ny/', workbench)
                page = self.get(f"{BASE}{agreement}/", name="agreement").text
                self.sections += ids(rf'href="{BASE}avsnitt/(\d+)/redigera/', page)

    @task(3)
    def workbench(self) -> None:
        if self.workbenches:
            self.get(f"{BASE}{choice(self.workbenches)}/fokusomraden/", name="workbench")

    @task(3)
    def edit_commitment(self) -> None:
        if self.commitments:
            url = f"{BASE}ataganden/{choice(self.commitments)}/redigera/"
            self.save(url, "text", with_mark, name="save commitment", kind="commitment")

    @task(1)
    def add_activity(self) -> None:
        if self.focus_areas:
            url = f"{BASE}fokusomraden/{choice(self.focus_areas)}/aktiviteter/ny/"
            self.save(url, "activity", lambda _, mark: f"Bänktest [{mark}]", name="add activity", kind="activity")

    @task(2)
    def edit_section(self) -> None:
        if self.sections:
            url = f"{BASE}avsnitt/{choice(self.sections)}/redigera/"
            self.save(url, "heading", with_mark, name="save section", kind="section")


class PoliceReviewer(SamverkanUser):
    """The municipal police officer: the review page of an agreement, then a comment or a change request."""

    weight = 2

    def username(self) -> str:
        number = next_number("police")
        return f"bench-polis-{'tk'[number % 2]}{number // 2 % 3 + 1}"

    @task(3)
    def review(self) -> None:
        if not self.agreements:
            return
        page = self.get(f"{BASE}{choice(self.agreements)}/granskning/", name="review")
        forms = Forms(page.text).forms if page.status_code == 200 else []
        decisions = [(action, fields) for action, fields in forms if re.search(r"/ataganden/\d+/granska/", action)]
        if not decisions:
            return
        url, fields = choice(decisions)
        # A change request counts only while the agreement is in review; on a draft the page says so (200).
        action = choice(["comment", "comment", "request_change"])
        mark = marker()
        data = {**fields, "action": [action], "text": [f"Synpunkt från polisen [{mark}]"]}
        with self.client.post(url, data=data, name=f"review {action}", allow_redirects=False, catch_response=True) as r:
            if r.status_code == 302:
                record(MARKERS, f"review {mark}")
            elif r.status_code == 200:
                r.success()
                record(MARKERS + ".refused" if MARKERS else "", f"review {mark}")
            else:
                r.failure(f"{r.status_code}")
                record(MARKERS + ".unknown" if MARKERS else "", f"review {mark}")

    @task(1)
    def list(self) -> None:
        self.get(BASE, name="list")


class CouncilReader(SamverkanUser):
    """The council: the list, an agreement, the year's follow-up."""

    weight = 3

    def username(self) -> str:
        return f"bench-{next_number('reader') % MUNICIPALITIES + 1:02d}-lasare"

    def discover(self) -> None:
        self.reports: list[str] = []
        for agreement in self.agreements:
            index = self.get(f"{BASE}{agreement}/uppfoljning/", name="follow-up index")
            if index.status_code == 200:
                self.reports += re.findall(rf'href="({BASE}{agreement}/uppfoljning/\d{{4}}/)"', index.text)

    @task(2)
    def list(self) -> None:
        self.get(BASE, name="list")

    @task(3)
    def agreement(self) -> None:
        if self.agreements:
            self.get(f"{BASE}{choice(self.agreements)}/", name="agreement")

    @task(2)
    def follow_up(self) -> None:
        if self.reports:
            self.get(choice(self.reports), name="follow-up report")


class PdfReader(SamverkanUser):
    """Someone printing: the agreement's PDF (a draft rendered now), the signed one as archived, and the
    follow-up (the approved year as archived, the year being filled in rendered now)."""

    weight = 1

    def username(self) -> str:
        # The municipalities with a signed agreement and its follow-up: every third one.
        signed = list(range(3, MUNICIPALITIES + 1, 3)) or [1]
        return f"bench-{signed[next_number('pdf') % len(signed)]:02d}-lasare"

    def discover(self) -> None:
        self.drafts, self.archived, self.reports = [], [], []
        for agreement in self.agreements:
            page = self.get(f"{BASE}{agreement}/", name="agreement").text
            archived = ids(rf'href="{BASE}arkiv/(\d+)/"', page)
            self.archived += archived
            if not archived:
                self.drafts.append(agreement)
            index = self.get(f"{BASE}{agreement}/uppfoljning/", name="follow-up index")
            if index.status_code == 200:
                self.reports += re.findall(rf'href="({BASE}{agreement}/uppfoljning/\d{{4}}/)"', index.text)

    @task(2)
    def draft_pdf(self) -> None:
        if self.drafts:
            self.get(f"{BASE}{choice(self.drafts)}/pdf/", name="PDF agreement (rendered)")

    @task(2)
    def archived_pdf(self) -> None:
        if self.archived:
            self.get(f"{BASE}arkiv/{choice(self.archived)}/", name="PDF agreement (archived)")

    @task(2)
    def follow_up_pdf(self) -> None:
        if self.reports:
            self.get(f"{choice(self.reports)}pdf/", name="PDF follow-up")
