"""Hostile input through every form of the product, posted to its real view as a user allowed to post.

Whatever arrives (huge or empty strings, control characters, lone surrogates, markup, numbers beyond any column,
impossible dates, forged formset management data, other agreements' ids, missing fields, the same POST twice),
the answer is either the form again with a Swedish message and nothing stored, or a save whose data is shown
escaped. Never a server error, never half a save."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms import BaseForm, BaseFormSet
from django.test.utils import ContextList
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from agreements.models import Agreement, Membership
from agreements.tests.factories import (
    AgreementFactory,
    CooperationForumFactory,
    MembershipFactory,
    SectionFactory,
    SignatoryFactory,
    UserFactory,
)
from documents.models import PartySignature
from documents.services import agreement_fingerprint, agreement_sign
from documents.tests.helpers import approve_by_every_party
from focusareas.models import Commitment
from focusareas.tests.factories import (
    ActionPlanFactory,
    ActivityRowFactory,
    CommitmentFactory,
    FocusAreaFactory,
    GoalFactory,
    IndicatorFactory,
    accept,
)
from followup import services as followup_services
from followup.models import FollowUpReport
from samverkan.lib.validation import FORBIDDEN_CHARACTERS
from samverkan.tests.helpers import management
from situation.models import Week
from situation.services import answer_token
from situation.tests.helpers import est_setup

pytestmark = pytest.mark.django_db

# Hypothesis keeps caches (Unicode tables, constants) in .hypothesis/ of the working directory unless told otherwise.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "samverkan-hypothesis"))

# Repeatable in CI and nothing written into the repository: no example database, a fixed seed. No shrinking: each
# example is a few requests against a database, and the failing one is reported as drawn.
FUZZ = settings(
    max_examples=15,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEW = settings(FUZZ, max_examples=5)

MISSING = object()  # a field left out of the POST altogether
XSS = "window.__xss=1"
PAYLOADS = [
    "",
    " ",
    "\x00",
    "tillsyn\x00",
    "\x01\x02\x07\x08\x0b\x0c\x1b[31m\x7f",
    "\x85\x9b",
    "\ud800",
    "a\udfffb",
    "\ufeff\ufffe\uffff",
    "\u202eevil\u202c\u200f\u200e\u2066",
    "e\u0301\u0301\u0301\u0301",
    "𝕊𝖆𝖒𝖛𝖊𝖗𝖐𝖆𝖓 🚓👮",
    "\t\r\n",
    "Å" * 201,
    "x" * 5001,
    "ö" * 20_000,
    f"<script>{XSS}</script>",
    f'<img src=x onerror="{XSS}">',
    f'<svg onload="{XSS}">',
    f'<a href="javascript:{XSS}">länk</a>',
    f'"><script>{XSS}</script>',
    f"</textarea><script>{XSS}</script>",
    "{{ agreement.title }}{% debug %}",
    "%s %(x)s {0}",
    "'; DROP TABLE agreements_agreement; --",
    "../../etc/passwd",
]
NUMBERS = [
    "-1",
    "0",
    "1",
    "20",
    "21",
    "32768",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "1" + "0" * 40,
    "1e400",
    "1e-400",
    "NaN",
    "Infinity",
    "-0",
    "1.5",
    "0x10",
    "١٢٣",
    " 7 ",
    "1_000",
    "12345678901.999",
]
DATES = [
    "2025-02-30",
    "2023-02-29",
    "0000-01-01",
    "0001-01-01",
    "1899-12-31",
    "9999-12-31",
    "99999-01-01",
    "2025-13-01",
    "2025-00-10",
    "-2025-01-01",
    "2025-1-1",
    "20250101",
    "31/12/2025",
    "2025-12-31T23:59",
]
MANAGEMENT = ["-1", "0", "1001", "99999999999999999999", "abc", "", "1.0", "\x00"]


def hostile_text() -> st.SearchStrategy[str]:
    odd = st.text(
        st.one_of(
            st.characters(exclude_categories=[]),
            st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
            st.characters(max_codepoint=0x9F),
        ),
        max_size=30,
    )
    return st.one_of(
        st.sampled_from(PAYLOADS),
        st.lists(st.one_of(st.sampled_from(PAYLOADS), odd), min_size=1, max_size=3).map("".join),
    )


def hostile_number() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NUMBERS), st.integers().map(str), hostile_text())


def hostile_date() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(DATES), st.dates().map(date.isoformat), st.sampled_from(PAYLOADS))


def hostile_id(*pks: int) -> st.SearchStrategy[str]:
    """Ids of rows the form may not use (another agreement's), nonsense, or the right ones."""
    return st.one_of(st.sampled_from([str(pk) for pk in pks]), st.sampled_from(NUMBERS), st.sampled_from(PAYLOADS))


def changes(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy[dict]:
    """Some of the fields replaced by hostile values or left out."""
    return st.fixed_dictionaries({}, optional={name: st.one_of(s, st.just(MISSING)) for name, s in fields.items()})


def apply(base: dict, changed: dict) -> dict:
    data = {**base, **changed}
    return {name: value for name, value in data.items() if value is not MISSING}


def encoded(data: dict) -> bytes:
    """A form body as a hostile client sends it: lone surrogates go as the (invalid) UTF-8 bytes they would be."""
    pairs = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name.encode(), str(item).encode("utf-8", "surrogatepass")))
    return urlencode(pairs).encode()


def post(client, url: str, data: dict, **headers):
    client.cookies.pop("messages", None)  # only this request's messages count, not an earlier example's
    return client.generic("POST", url, encoded(data), content_type="application/x-www-form-urlencoded", **headers)


# --- what every answer must be ----------------------------------------------------------------------------------

ENGLISH = re.compile(r"\b(the|this|must|enter|ensure|select|field|valid|value|allowed|characters|required)\b", re.I)


def snapshot() -> dict[str, list[tuple]]:
    """Every row of the product's own tables (history and many-to-many tables included)."""
    tables = {}
    for label in ("agreements", "focusareas", "followup", "situation"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            tables[model._meta.db_table] = list(model._base_manager.order_by("pk").values_list())
    return tables


class InjectedMarkup(HTMLParser):
    """Collects what would run in a browser: event handler attributes, javascript: links, the payloads' scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and "__xss" in data:
            self.found.append(f"<script>{data}</script>")


RICH_TEXTAREA = re.compile(r"<textarea[^>]*data-richtext[^>]*>(.*?)</textarea>", re.S)


def assert_inert(html: str) -> None:
    """Nothing in the page would run, nor in what the rich text editor makes of its textarea (its innerHTML)."""
    for document in [html, *(unescape(value) for value in RICH_TEXTAREA.findall(html))]:
        parser = InjectedMarkup()
        parser.feed(document)
        parser.close()
        assert not parser.found, f"injected markup reached the page unescaped: {parser.found}"


def form_errors(context) -> list[str]:
    """Every error message of every form and formset on the page."""
    errors = []
    seen = set()
    contexts = context if isinstance(context, ContextList) else [context] if context is not None else []
    for value in (value for c in contexts for value in c.flatten().values()):
        candidates = value if isinstance(value, list | tuple) else [value]
        for item in candidates:
            item = item[-1] if isinstance(item, tuple) else item
            if id(item) in seen:
                continue
            seen.add(id(item))
            if isinstance(item, BaseFormSet) and item.is_bound:
                errors += list(item.non_form_errors())
                for form in item.forms:
                    errors += [str(m) for messages in form.errors.values() for m in messages]
            elif isinstance(item, BaseForm) and item.is_bound:
                errors += [str(m) for messages in item.errors.values() for m in messages]
    return errors


def stored_strings(tables: dict[str, list[tuple]]) -> Iterator[str]:
    for rows in tables.values():
        for row in rows:
            yield from (value for value in row if isinstance(value, str))


ALERT = re.compile(r'class="alert alert-danger[^"]*"[^>]*>(.*?)</div>', re.S)


def assert_refused_or_stored_safely(client, response, before: dict, *, pages: tuple[str, ...] = ()) -> None:
    """A refusal shows a Swedish message and leaves every table as it was; a save stores no control characters
    and every page showing the data is whole and inert."""
    assert response.status_code in (200, 302), response.status_code
    html = response.content.decode()
    assert_inert(html)
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    if response.status_code == 200:
        errors += form_errors(response.context) + [re.sub(r"<[^>]+>", " ", alert) for alert in ALERT.findall(html)]
        # Through htmx a saved item comes back in place of its form, with 200.
        saved_in_place = response.wsgi_request.headers.get("HX-Request") == "true" and not errors
        assert errors or saved_in_place, "the form came back without saying why"
    if errors:
        assert snapshot() == before, "a refused submission changed the database"
        for message in errors:
            assert not ENGLISH.search(message), f"an error message in English: {message!r}"
        return
    for text in stored_strings(snapshot()):
        assert not FORBIDDEN_CHARACTERS.search(text), f"control characters stored: {text[:80]!r}"
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        assert_inert(page.content.decode())


def shown_fingerprint(client, url: str, form: str = "form") -> str:
    """The fingerprint a form carries as the page shows it, as a browser would send it back."""
    return client.get(url).context[form]["loaded_fingerprint"].value() or ""


@contextmanager
def rolled_back() -> Iterator[None]:
    """Each example starts from the same database: its changes are rolled back to a savepoint."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- the agreement ------------------------------------------------------------------------------------------------


@pytest.fixture
def content(world):
    """The world's agreement with something of every kind, and a row of each kind in another agreement."""
    agreement = world.agreement
    focus_area = FocusAreaFactory(agreement=agreement, title="Trygghet i centrum")
    goal = GoalFactory(focus_area=focus_area)
    IndicatorFactory(goal=goal)
    other_focus_area = FocusAreaFactory(agreement=world.other_agreement)
    return {
        "section": SectionFactory(agreement=agreement),
        "signatory": SignatoryFactory(agreement=agreement, party=world.municipality),
        "forum": CooperationForumFactory(agreement=agreement),
        "focus_area": focus_area,
        "row": ActivityRowFactory(focus_area=focus_area),
        "commitment": CommitmentFactory(focus_area=focus_area, parties=[world.municipality]),
        "goal": goal,
        "plan": ActionPlanFactory(agreement=agreement),
        "other_section": SectionFactory(agreement=world.other_agreement),
        "other_signatory": SignatoryFactory(agreement=world.other_agreement),
        "other_forum": CooperationForumFactory(agreement=world.other_agreement),
        "other_focus_area": other_focus_area,
        "other_goal": GoalFactory(focus_area=other_focus_area),
        "other_commitment": CommitmentFactory(focus_area=other_focus_area),
        "other_plan": ActionPlanFactory(agreement=world.other_agreement),
    }


def agreement_pages(agreement: Agreement) -> tuple[str, ...]:
    return (
        agreement.get_absolute_url(),
        reverse("agreements:list"),
        reverse("documents:workbench", args=[agreement.pk]),
        reverse("focusareas:review", args=[agreement.pk]),
        reverse("agreements:history", args=[agreement.pk]),
    )


def agreement_fields(world, content) -> dict[str, st.SearchStrategy]:
    return {
        "title": hostile_text(),
        "start_date": hostile_date(),
        "end_date": hostile_date(),
        "revision_interval_years": hostile_number(),
        "purpose": hostile_text(),
        "overall_goals": hostile_text(),
        "standing_commitments": hostile_text(),
        "follow_up": hostile_text(),
        "copies": hostile_number(),
        "signing_place": hostile_text(),
        "signing_date": hostile_date(),
        "loaded_version": hostile_number(),
        "parties-TOTAL_FORMS": st.sampled_from(MANAGEMENT),
        "parties-INITIAL_FORMS": st.sampled_from(MANAGEMENT),
        "parties-0-organisation": hostile_id(world.municipality.pk, world.other_police.pk),
        "parties-1-organisation": hostile_id(world.police.pk, world.municipality.pk),
    }


@FUZZ
@given(data=st.data())
def test_creating_an_agreement(client, world, editor, content, data):
    client.force_login(editor)
    base = {
        "title": "Samverkansöverenskommelse 2027–2030",
        "start_date": "2027-01-01",
        "end_date": "2030-12-31",
        "copies": "2",
        **management("parties", 2, 0),
        "parties-0-organisation": str(world.municipality.pk),
        "parties-1-organisation": str(world.police.pk),
    }
    fields = agreement_fields(world, content)
    del fields["loaded_version"]
    body = apply(base, data.draw(changes(fields)))
    with rolled_back():
        before = snapshot()
        response = post(client, reverse("agreements:create"), body)
        pages = agreement_pages(Agreement.objects.latest("pk")) if response.status_code == 302 else ()
        assert_refused_or_stored_safely(client, response, before, pages=pages)


@FUZZ
@given(data=st.data())
def test_editing_an_agreement_with_its_parties_signatories_and_forums(client, world, editor, content, data):
    client.force_login(editor)
    agreement = world.agreement
    parties = list(agreement.party_links.all())
    base = {
        "loaded_version": str(agreement.version),
        "title": agreement.title,
        "start_date": "2023-01-01",
        "end_date": "2026-12-31",
        "copies": "2",
        **management("parties", 2, 2),
        **management("signatories", 1, 1),
        **management("forums", 1, 1),
        "parties-0-id": str(parties[0].pk),
        "parties-0-organisation": str(parties[0].organisation_id),
        "parties-1-id": str(parties[1].pk),
        "parties-1-organisation": str(parties[1].organisation_id),
        "signatories-0-id": str(content["signatory"].pk),
        "signatories-0-name": "Anna Andersson",
        "signatories-0-title": "Kommunstyrelsens ordförande",
        "signatories-0-party": str(world.municipality.pk),
        "signatories-0-order": "0",
        "forums-0-id": str(content["forum"].pk),
        "forums-0-name": "Operativ samverkan",
    }
    fields = agreement_fields(world, content) | {
        "parties-0-id": hostile_id(parties[0].pk, content["other_signatory"].party_id),
        "parties-1-DELETE": st.sampled_from(["on", "", "\x00"]),
        "signatories-TOTAL_FORMS": st.sampled_from(MANAGEMENT),
        "signatories-INITIAL_FORMS": st.sampled_from(MANAGEMENT),
        "signatories-0-id": hostile_id(content["signatory"].pk, content["other_signatory"].pk),
        "signatories-0-name": hostile_text(),
        "signatories-0-title": hostile_text(),
        "signatories-0-party": hostile_id(world.municipality.pk, world.other_municipality.pk),
        "signatories-0-order": hostile_number(),
        "signatories-0-DELETE": st.sampled_from(["on", ""]),
        "forums-TOTAL_FORMS": st.sampled_from(MANAGEMENT),
        "forums-0-id": hostile_id(content["forum"].pk, content["other_forum"].pk),
        "forums-0-name": hostile_text(),
        "forums-0-meeting_frequency": hostile_text(),
        "forums-0-convener": hostile_text(),
        "forums-0-participants": hostile_text(),
        "forums-1-name": hostile_text(),
    }
    body = apply(base, data.draw(changes(fields)))
    with rolled_back():
        before = snapshot()
        response = post(client, reverse("agreements:edit", args=[agreement.pk]), body)
        assert_refused_or_stored_safely(client, response, before, pages=agreement_pages(agreement))
        assert Agreement.objects.get(pk=world.other_agreement.pk).party_links.count() == 2


@FUZZ
@given(data=st.data())
def test_adding_and_editing_a_section(client, world, editor, content, data):
    client.force_login(editor)
    agreement, section = world.agreement, content["section"]
    fields = {
        "heading": hostile_text(),
        "body": hostile_text(),
        "parent": hostile_id(section.pk, content["other_section"].pk),
        "loaded_version": hostile_number(),
    }
    body = apply({"heading": "Bakgrund", "body": "<p>Text</p>", "loaded_version": "1"}, data.draw(changes(fields)))
    url = data.draw(
        st.sampled_from(
            [
                reverse("agreements:section_add", args=[agreement.pk, "appendix"]),
                reverse("agreements:section_add", args=[agreement.pk, "agreement"]),
                reverse("agreements:section_edit", args=[section.pk]),
            ]
        )
    )
    with rolled_back():
        before = snapshot()
        response = post(client, url, body)
        assert_refused_or_stored_safely(client, response, before, pages=agreement_pages(agreement))


def police_signed(agreement: Agreement, world, reviewer) -> None:
    """Every party has approved the draft and the police have signed it: the municipality's signature signs it."""
    if not PartySignature.objects.filter(agreement=agreement).exists():
        approve_by_every_party(agreement)
        agreement_sign(
            agreement=agreement, party=world.police, user=reviewer, signing_place="Hamnstad", signed_on=date(2024, 5, 2)
        )


@FEW
@given(data=st.data())
def test_signing(client, world, editor, reviewer, content, data):
    client.force_login(editor)
    agreement = world.agreement
    accept(Commitment.objects.filter(agreement=agreement), reviewer=reviewer)
    fields = {
        "party": hostile_text(),
        "signing_place": hostile_text(),
        "signed_on": hostile_date(),
    }
    base = {
        "party": str(world.municipality.pk),
        "signing_place": "Hamnstad",
        "signed_on": "2024-05-02",
        "loaded_fingerprint": shown_fingerprint(client, reverse("documents:sign", args=[agreement.pk])),
    }
    fields["loaded_fingerprint"] = hostile_text()
    # Most examples are refused before a PDF is rendered; the few that sign archive one, which takes a moment.
    body = apply(base, data.draw(changes(fields).filter(lambda c: c)))
    with rolled_back():
        before = snapshot()
        response = post(client, reverse("documents:sign", args=[agreement.pk]), body)
        assert_refused_or_stored_safely(client, response, before, pages=agreement_pages(agreement)[:2])


# --- focus areas, activities, commitments, goals, action plans -----------------------------------------------------


def workbench_pages(world) -> tuple[str, ...]:
    agreement = world.agreement
    return (
        reverse("documents:workbench", args=[agreement.pk]),
        agreement.get_absolute_url(),
        reverse("focusareas:review", args=[agreement.pk]),
    )


HTMX = [{}, {"HTTP_HX_REQUEST": "true"}]


@FUZZ
@given(data=st.data())
def test_focus_area_and_action_plan_forms(client, world, editor, content, data):
    client.force_login(editor)
    agreement, focus_area, plan = world.agreement, content["focus_area"], content["plan"]
    which = data.draw(
        st.sampled_from(
            ["focusareas:add", "focusareas:edit", "focusareas:action_plan_add", "focusareas:action_plan_edit"]
        )
    )
    url = {
        "focusareas:add": reverse("focusareas:add", args=[agreement.pk]),
        "focusareas:edit": reverse("focusareas:edit", args=[focus_area.pk]),
        "focusareas:action_plan_add": reverse("focusareas:action_plan_add", args=[agreement.pk]),
        "focusareas:action_plan_edit": reverse("focusareas:action_plan_edit", args=[plan.pk]),
    }[which]
    if which.startswith("focus_area"):
        base = {"title": "Narkotika", "loaded_version": str(focus_area.version)}
        fields = {
            "title": hostile_text(),
            "group_heading": hostile_text(),
            "placement": hostile_id(content["section"].pk, content["other_section"].pk),
            "prioritised": st.sampled_from(["on", "", "\x00", "false"]),
            "description": hostile_text(),
            "loaded_version": hostile_number(),
        }
    else:
        base = {"title": "Handlingsplan 2025", "year": "2025"}
        fields = {"title": hostile_text(), "year": hostile_number(), "loaded_version": hostile_number()}
    body = apply(base, data.draw(changes(fields)))
    with rolled_back():
        before = snapshot()
        response = post(client, url, body, **data.draw(st.sampled_from(HTMX)))
        assert_refused_or_stored_safely(client, response, before, pages=workbench_pages(world))


@FUZZ
@given(data=st.data())
def test_activity_row_forms(client, world, editor, content, data):
    client.force_login(editor)
    row, focus_area = content["row"], content["focus_area"]
    url = data.draw(
        st.sampled_from(
            [reverse("focusareas:row_add", args=[focus_area.pk]), reverse("focusareas:row_edit", args=[row.pk])]
        )
    )
    fields = {
        "activity": hostile_text(),
        "measure": hostile_text(),
        "follow_up": hostile_text(),
        "goal_effect": hostile_text(),
        "goals": st.lists(hostile_id(content["goal"].pk, content["other_goal"].pk), max_size=3),
        "loaded_version": hostile_number(),
    }
    body = apply({"activity": "Kartläggning", "loaded_version": str(row.version)}, data.draw(changes(fields)))
    with rolled_back():
        before = snapshot()
        response = post(client, url, body, **data.draw(st.sampled_from(HTMX)))
        assert_refused_or_stored_safely(client, response, before, pages=workbench_pages(world))


@FUZZ
@given(data=st.data())
def test_commitment_forms(client, world, editor, content, data):
    client.force_login(editor)
    agreement, commitment = world.agreement, content["commitment"]
    query = data.draw(
        st.sampled_from(
            [
                "",
                f"?focus_area={content['focus_area'].pk}",
                f"?focus_area={content['other_focus_area'].pk}",
                f"?action_plan={content['other_plan'].pk}",
                "?focus_area=-1",
                "?focus_area=99999999999999999999999",
                "?action_plan=%00",
                "?next=javascript:alert(1)",
                "?next=//evil.example/",
            ]
        )
    )
    url = data.draw(
        st.sampled_from(
            [
                reverse("focusareas:commitment_add", args=[agreement.pk]),
                reverse("focusareas:commitment_edit", args=[commitment.pk]),
            ]
        )
    )
    fields = {
        "parties": st.lists(hostile_id(world.municipality.pk, world.other_police.pk), max_size=3),
        "text": hostile_text(),
        "target_group": hostile_text(),
        "responsible_role": hostile_text(),
        "target_value": hostile_number(),
        "target_unit": hostile_text(),
        "target_scope": st.one_of(st.sampled_from(["per_year", "period", "forever"]), hostile_text()),
        "target_text": hostile_text(),
        "timing": hostile_text(),
        "milestones": hostile_text(),
        "place": hostile_text(),
        "third_parties": hostile_text(),
        "focus_area": hostile_id(content["focus_area"].pk, content["other_focus_area"].pk),
        "action_plan": hostile_id(content["plan"].pk, content["other_plan"].pk),
        "goals": st.lists(hostile_id(content["goal"].pk, content["other_goal"].pk), max_size=3),
        "loaded_version": hostile_number(),
    }
    base = {
        "parties": [str(world.municipality.pk)],
        "text": "genomföra tillsyner",
        "focus_area": str(content["focus_area"].pk),
        "loaded_version": str(commitment.version),
    }
    body = apply(base, data.draw(changes(fields)))
    with rolled_back():
        before = snapshot()
        response = post(client, url + query, body, **data.draw(st.sampled_from(HTMX)))
        if response.status_code == 404:
            assert "?focus_area" in query or "?action_plan" in query
            assert snapshot() == before
            return
        if response.status_code == 302:
            assert response["Location"].startswith("/"), response["Location"]
            assert not response["Location"].startswith("//"), response["Location"]
        assert_refused_or_stored_safely(client, response, before, pages=workbench_pages(world))


@FUZZ
@given(data=st.data())
def test_goal_forms_with_their_indicator(client, world, editor, content, data):
    client.force_login(editor)
    agreement, goal = world.agreement, content["goal"]
    url = data.draw(
        st.sampled_from(
            [reverse("focusareas:goal_add", args=[agreement.pk]), reverse("focusareas:goal_edit", args=[goal.pk])]
        )
    )
    fields = {
        "kind": st.one_of(st.sampled_from(["effect", "result"]), hostile_text()),
        "text": hostile_text(),
        "focus_area": hostile_id(content["focus_area"].pk, content["other_focus_area"].pk),
        "loaded_version": hostile_number(),
        "indicator-name": hostile_text(),
        "indicator-source": st.one_of(st.sampled_from(["reported_crime", "survey", "other"]), hostile_text()),
        "indicator-unit": hostile_text(),
        "indicator-direction": st.one_of(st.sampled_from(["decrease", "at_least", "zero"]), hostile_text()),
        "indicator-baseline_year": hostile_number(),
        "indicator-baseline_value": hostile_number(),
        "indicator-target_value": hostile_number(),
    }
    base = {
        "kind": "effect",
        "text": "Färre brott",
        "loaded_version": str(goal.version),
        "indicator-name": "Anmälda brott",
        "indicator-source": "reported_crime",
        "indicator-direction": "decrease",
    }
    body = apply(base, data.draw(changes(fields)))
    with rolled_back():
        before = snapshot()
        response = post(client, url, body, **data.draw(st.sampled_from(HTMX)))
        assert_refused_or_stored_safely(client, response, before, pages=workbench_pages(world))


@FUZZ
@given(data=st.data())
def test_pasting_a_table(client, world, editor, content, data):
    client.force_login(editor)
    cell = hostile_text().filter(lambda text: len(text) < 3000)
    table = st.one_of(
        hostile_text(),
        st.lists(st.lists(cell, min_size=1, max_size=5).map("\t".join), min_size=1, max_size=4).map("\r\n".join),
    )
    url = reverse("focusareas:rows_paste", args=[content["focus_area"].pk])
    body = apply(
        {
            "table": "Aktivitet\tÅtgärd\nKartläggning\tTrygghetsvandring",
            "loaded_fingerprint": shown_fingerprint(client, url),
        },
        data.draw(
            changes(
                {"table": table, "confirm": st.just("1"), "change": st.just("1"), "loaded_fingerprint": hostile_text()}
            )
        ),
    )
    with rolled_back():
        before = snapshot()
        response = post(client, url, body)
        previewing = "confirm" not in body or "change" in body
        if response.status_code == 200 and previewing and not form_errors(response.context):
            assert snapshot() == before  # only the preview, or the text again to change
            assert_inert(response.content.decode())
            return
        assert_refused_or_stored_safely(client, response, before, pages=workbench_pages(world))


@FUZZ
@given(data=st.data())
def test_pasting_a_list_of_commitments(client, world, editor, content, data):
    client.force_login(editor)
    items = st.lists(hostile_text().filter(lambda text: len(text) < 3000), min_size=1, max_size=4)
    text = st.one_of(hostile_text(), items.map(lambda lines: "\r\n".join(f"• {line}" for line in lines)))
    url = reverse("focusareas:commitments_paste", args=["fokusomrade", content["focus_area"].pk])
    body = apply(
        {
            "text": "• ordna trygghetsvandringar\n• följa upp varje kvartal",
            "parties": [world.police.pk],
            "loaded_fingerprint": shown_fingerprint(client, url),
        },
        data.draw(
            changes(
                {
                    "text": text,
                    "parties": st.one_of(hostile_text(), st.lists(hostile_text(), max_size=3)),
                    "confirm": st.just("1"),
                    "change": st.just("1"),
                    "loaded_fingerprint": hostile_text(),
                }
            )
        ),
    )
    with rolled_back():
        before = snapshot()
        response = post(client, url, body)
        previewing = "confirm" not in body or "change" in body
        if response.status_code == 200 and previewing and not form_errors(response.context):
            assert snapshot() == before  # only the preview, or the text again to change
            assert_inert(response.content.decode())
            return
        assert_refused_or_stored_safely(client, response, before, pages=workbench_pages(world))


@FUZZ
@given(data=st.data())
def test_review_decisions_and_comments(client, world, editor, reviewer, content, data):
    user = data.draw(st.sampled_from([editor, reviewer]))
    client.force_login(user)
    commitment = data.draw(st.sampled_from([content["commitment"], content["other_commitment"]]))
    fields = {"action": st.one_of(st.sampled_from(["accept", "request_change", "comment"]), hostile_text())}
    fields |= {"text": hostile_text(), "loaded_version": hostile_number()}
    body = apply(
        {"action": "comment", "text": "Bra", "loaded_version": str(commitment.version)}, data.draw(changes(fields))
    )
    with rolled_back():
        before = snapshot()
        response = post(client, reverse("focusareas:commitment_decide", args=[commitment.pk]), body)
        if response.status_code == 404:
            assert commitment == content["other_commitment"] or body.get("action") not in (
                "accept",
                "request_change",
                "comment",
            )
            assert snapshot() == before
            return
        if response.status_code == 403:  # the editor may not accept
            assert snapshot() == before
            return
        assert_refused_or_stored_safely(client, response, before, pages=workbench_pages(world))


# --- the same POST twice ------------------------------------------------------------------------------------------


@FEW
@given(text=hostile_text())
def test_the_same_edit_posted_twice_is_saved_once(client, world, editor, content, text):
    """The second of two identical saves carries the version the first one moved on from: it is refused."""
    client.force_login(editor)
    row = content["row"]
    body = {"activity": f"Kartläggning {text}", "loaded_version": str(row.version)}
    with rolled_back():
        first = post(client, reverse("focusareas:row_edit", args=[row.pk]), body)
        after_first = snapshot()
        second = post(client, reverse("focusareas:row_edit", args=[row.pk]), body)
        assert first.status_code in (200, 302)
        if first.status_code == 302:
            assert second.status_code == 200
            assert snapshot() == after_first
            assert form_errors(second.context) or "alert-danger" in second.content.decode()


def test_posting_review_sign_revision_and_renewal_twice_never_fails(client, world, editor, reviewer, content):
    client.force_login(editor)
    agreement = world.agreement
    for _ in range(2):
        assert post(client, reverse("focusareas:send_for_review", args=[agreement.pk]), {}).status_code == 302
    accept(Commitment.objects.filter(agreement=agreement), reviewer=reviewer)
    police_signed(agreement, world, reviewer)
    url = reverse("documents:sign", args=[agreement.pk])
    signing = {
        "party": str(world.municipality.pk),
        "signing_place": "Hamnstad",
        "signed_on": "2024-05-02",
        "loaded_fingerprint": shown_fingerprint(client, url),
    }
    first = post(client, url, signing)
    assert first.status_code == 302, form_errors(first.context)
    second = post(client, url, signing)
    assert second.status_code in (403, 200)
    assert agreement.archived_pdfs.count() == 1
    for name in ("documents:new_revision", "documents:renew"):
        before = Agreement.objects.count()
        confirmed = {"loaded_fingerprint": agreement_fingerprint(agreement)}
        assert post(client, reverse(name, args=[agreement.pk]), confirmed).status_code == 302
        assert post(client, reverse(name, args=[agreement.pk]), confirmed).status_code == 302
        assert Agreement.objects.count() == before + 1


# --- the yearly follow-up -----------------------------------------------------------------------------------------


@pytest.fixture
def report(world, content, editor, reviewer) -> FollowUpReport:
    """A draft follow-up of 2024 for the signed agreement, with a line of every kind."""
    agreement = world.agreement
    Commitment.objects.filter(pk=content["commitment"].pk).update(target_value=10, target_scope="per_year")
    CommitmentFactory(focus_area=content["focus_area"], parties=[world.municipality, world.police], text="gemensamt")
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.SIGNED)
    return followup_services.report_start(
        agreement=Agreement.objects.get(pk=agreement.pk), year=2024, copy_previous=False
    )


def report_pages(report: FollowUpReport) -> tuple[str, ...]:
    pk = report.agreement_id
    return (
        reverse("followup:report", args=[pk, report.year]),
        reverse("followup:index", args=[pk]),
        reverse("followup:dashboard", args=[pk]),
        reverse("followup:evaluation", args=[pk]),
    )


def report_fields(report: FollowUpReport, other: FollowUpReport | None = None) -> tuple[dict, dict]:
    """The fill-in page's fields for the report's focus area: a valid POST and hostile values for each field."""
    base, fields = {}, {}
    for outcome in report.commitment_outcomes.all():
        p = f"c{outcome.pk}-"
        base |= {f"{p}status": "ongoing", f"{p}loaded_version": str(outcome.version)}
        fields |= {
            f"{p}status": st.one_of(st.sampled_from(["done", "not_started"]), hostile_text()),
            f"{p}achieved": hostile_number(),
            f"{p}evidence_link": st.one_of(
                hostile_text(),
                st.sampled_from(["javascript:alert(1)", "data:text/html,<script>x</script>", "kommun.se/" + "a" * 600]),
            ),
            f"{p}loaded_version": hostile_number(),
        }
        for party in outcome.commitment.parties.all():
            fields[f"{p}comment_{party.pk}"] = hostile_text()
    for outcome in report.activity_outcomes.all():
        p = f"a{outcome.pk}-"
        base |= {f"{p}status": "done", f"{p}loaded_version": str(outcome.version)}
        fields |= {f"{p}status": hostile_text(), f"{p}comment": hostile_text(), f"{p}loaded_version": hostile_number()}
    for value in report.indicator_values.all():
        p = f"i{value.pk}-"
        base |= {f"{p}value": "12", f"{p}loaded_version": str(value.version)}
        fields |= {
            f"{p}value": hostile_number(),
            f"{p}source": hostile_text(),
            f"{p}comment": hostile_text(),
            f"{p}loaded_version": hostile_number(),
        }
    for summary in report.focus_area_summaries.all():
        base |= {"s-summary": "Bra år", "s-loaded_version": str(summary.version)}
        fields |= {"s-summary": hostile_text(), "s-conclusions": hostile_text(), "s-loaded_version": hostile_number()}
    return base, fields


@FUZZ
@given(data=st.data())
def test_filling_in_a_focus_area_of_the_follow_up(client, world, editor, report, content, data):
    client.force_login(editor)
    base, fields = report_fields(report)
    body = apply(base, data.draw(changes(fields)))
    url = reverse("followup:edit", args=[report.agreement_id, report.year, content["focus_area"].pk])
    with rolled_back():
        before = snapshot()
        response = post(client, url, body)
        assert_refused_or_stored_safely(client, response, before, pages=report_pages(report))


@FUZZ
@given(data=st.data())
def test_the_follow_up_summary_and_the_evaluation(client, world, editor, report, data):
    client.force_login(editor)
    pk = report.agreement_id
    which = data.draw(st.sampled_from(["summary", "evaluation"]))
    if which == "summary":
        url = reverse("followup:edit", args=[pk, report.year, "sammanfattning"])
        base = {"report-summary": "Bra", "report-loaded_version": str(report.version)}
        fields = {"report-summary": hostile_text(), "report-conclusions": hostile_text()}
        fields["report-loaded_version"] = hostile_number()
    else:
        url = reverse("followup:evaluation_edit", args=[pk])
        base = {"text": "Perioden", "loaded_version": "0"}
        fields = {"text": hostile_text(), "conclusions": hostile_text(), "loaded_version": hostile_number()}
    body = apply(base, data.draw(changes(fields)))
    with rolled_back():
        before = snapshot()
        response = post(client, url, body)
        assert_refused_or_stored_safely(client, response, before, pages=report_pages(report))


@FEW
@given(data=st.data())
def test_evidence_files(client, world, editor, report, content, data):
    client.force_login(editor)
    outcome = report.commitment_outcomes.get(commitment=content["commitment"])
    name = data.draw(
        st.one_of(
            st.sampled_from(
                [
                    "underlag.pdf",
                    "../../../etc/passwd.pdf",
                    "<script>x</script>.pdf",
                    "a" * 400 + ".pdf",
                    "bild.png\x00.html",
                    "faktura.pdf.html",
                    ".pdf",
                    "\u202egpj.exe",
                ]
            ),
            hostile_text().map(lambda text: text.encode("utf-8", "replace").decode("utf-8", "replace")),
        )
    )
    head = data.draw(st.sampled_from([b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"<html>", b""]))
    tail = data.draw(st.sampled_from([b"", f"<script>{XSS}</script>".encode(), b"\x00" * 100]))
    p = f"c{outcome.pk}-"
    body = {
        f"{p}status": "done",
        f"{p}loaded_version": str(outcome.version),
        f"{p}evidence_file": SimpleUploadedFile(name.replace("\x00", "") or "x", head + tail),
        **{f"c{o.pk}-loaded_version": str(o.version) for o in report.commitment_outcomes.exclude(pk=outcome.pk)},
        **{f"c{o.pk}-status": o.status for o in report.commitment_outcomes.exclude(pk=outcome.pk)},
    }
    url = reverse("followup:edit", args=[report.agreement_id, report.year, content["focus_area"].pk])
    with rolled_back():
        before = snapshot()
        response = client.post(url, body)
        assert_refused_or_stored_safely(client, response, before, pages=report_pages(report)[:1])
        outcome.refresh_from_db()
        if outcome.evidence_file:
            download = client.get(reverse("followup:evidence", args=[outcome.pk]))
            assert download.status_code == 200
            assert download["Content-Disposition"].startswith("attachment")
            assert download["X-Content-Type-Options"] == "nosniff"


@FUZZ
@given(data=st.data())
def test_starting_and_moving_a_follow_up_on(client, world, editor, reviewer, report, data):
    pk = report.agreement_id
    action = data.draw(st.sampled_from(["start", "submit", "confirm", "approve"]))
    client.force_login(reviewer if action == "confirm" else editor)
    if action == "start":
        url = reverse("followup:start", args=[pk])
        base = {"year": "2023", "copy_previous": "on"}
        fields = {"year": hostile_number(), "copy_previous": st.sampled_from(["on", "", "\x00", "0"])}
    else:
        url = reverse("followup:transition", args=[pk, report.year, action])
        if action == "approve":
            FollowUpReport.objects.filter(pk=report.pk).update(stage=FollowUpReport.Stage.CONFIRMED)
        shown = client.get(reverse("followup:report", args=[pk, report.year])).context["loaded_fingerprint"]
        base = {"approved_on": "2025-03-18", "case_number": "KS 2025/112", "loaded_fingerprint": shown}
        fields = {"approved_on": hostile_date(), "case_number": hostile_text(), "loaded_fingerprint": hostile_text()}
    body = apply(base, data.draw(changes(fields)))
    if action == "approve" and body == base:
        body["case_number"] = "\x00"  # a valid approval renders and archives a PDF: covered elsewhere
    with rolled_back():
        before = snapshot()
        response = post(client, url, body)
        assert_refused_or_stored_safely(client, response, before, pages=report_pages(report))


# --- logging in, the language, the list's filters ------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_logging_in(client, world, editor, data):
    body = apply(
        {"username": "editor", "password": "fel lösenord"},
        data.draw(changes({"username": hostile_text(), "password": hostile_text(), "next": hostile_text()})),
    )
    url = data.draw(st.sampled_from([reverse("login"), reverse("admin:login")]))
    with rolled_back():
        response = post(client, url, body)
        assert response.status_code in (200, 302, 403, 429)
        assert_inert(response.content.decode())
        if response.status_code == 200:
            for message in form_errors(response.context):
                assert not ENGLISH.search(message), message


@FUZZ
@given(data=st.data())
def test_switching_language(client, world, editor, data):
    client.force_login(editor)
    body = apply(
        {"language": "en", "next": "/overenskommelser/"},
        data.draw(
            changes(
                {
                    "language": st.one_of(st.sampled_from(["sv", "en", "xx", "en-us"]), hostile_text()),
                    "next": st.one_of(
                        st.sampled_from(["javascript:alert(1)", "//evil.example/", "https://evil.example/"]),
                        hostile_text(),
                    ),
                }
            )
        ),
    )
    response = post(client, reverse("set_language"), body)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.scheme in ("", "http") and location.netloc in ("", "testserver"), response["Location"]


@FUZZ
@given(data=st.data())
def test_filtering_the_agreement_list(client, world, editor, content, data):
    client.force_login(editor)
    query = apply(
        {},
        data.draw(
            changes(
                {
                    "q": hostile_text(),
                    "status": st.one_of(st.sampled_from(["draft", "signed", "ended"]), hostile_text()),
                    "police_area": hostile_id(world.police.pk, world.other_police.pk),
                    "year": hostile_number(),
                }
            )
        ),
    )
    url = reverse("agreements:list") + "?" + encoded(query).decode()
    response = client.get(url)
    assert response.status_code == 200
    assert_inert(response.content.decode())
    shown = {int(pk) for pk in re.findall(r'<a href="/overenskommelser/(\d+)/">', response.content.decode())}
    assert world.agreement.pk in shown or any(query.values())  # the link is as the pattern reads it
    assert world.other_agreement.pk not in shown


def test_a_readonly_user_or_an_outsider_posting_hostile_data_changes_nothing(client, world, reader, outsider, content):
    body = {"title": f"<script>{XSS}</script>\x00", "loaded_version": "1"}
    for user, status in ((reader, 403), (outsider, 404)):
        client.force_login(user)
        before = snapshot()
        assert post(client, reverse("focusareas:edit", args=[content["focus_area"].pk]), body).status_code == status
        assert snapshot() == before


def test_an_editor_of_a_third_organisation_cannot_add_it_through_forged_party_rows(client, world, content):
    stranger = UserFactory(username="stranger")
    MembershipFactory(user=stranger, organisation=world.other_municipality, role=Membership.Role.EDITOR)
    client.force_login(stranger)
    before = snapshot()
    body = {
        "title": "Kapad",
        "start_date": "2027-01-01",
        "end_date": "2030-12-31",
        "copies": "2",
        **management("parties", 2, 2),
        "parties-0-id": str(world.agreement.party_links.first().pk),
        "parties-0-organisation": str(world.other_municipality.pk),
        "parties-1-organisation": str(world.other_police.pk),
    }
    response = post(client, reverse("agreements:create"), body)
    assert response.status_code in (200, 302)
    assert world.agreement.party_links.count() == 2
    assert set(world.agreement.parties.all()) == {world.municipality, world.police}
    if response.status_code == 200:
        assert snapshot() == before


@pytest.mark.parametrize(
    ("title", "start", "end"),
    [
        ("Samverkan " + "2023 " * 38, date(2023, 1, 1), date(2023, 12, 31)),  # each year grows to 2024–2024
        ("Samverkan 9999", date(9999, 1, 1), date(9999, 12, 31)),  # as the admin may store it
    ],
)
def test_renewing_an_agreement_with_a_long_title_or_at_the_end_of_the_calendar(
    client, editor, world, title, start, end
):
    agreement = AgreementFactory(title=title.strip(), start_date=start, end_date=end)
    MembershipFactory(user=editor, organisation=agreement.parties.first(), role=Membership.Role.EDITOR)
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.SIGNED)
    client.force_login(editor)
    confirmed = {"loaded_fingerprint": agreement_fingerprint(agreement)}
    response = post(client, reverse("documents:renew", args=[agreement.pk]), confirmed)
    assert response.status_code == 302
    renewal = agreement.renewals.first()
    if renewal is None:
        assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    else:
        renewal.full_clean()
        assert renewal.title == agreement.title


def test_the_same_new_agreement_posted_twice_is_created_once(client, world, editor):
    client.force_login(editor)
    page = client.get(reverse("agreements:create")).content.decode()
    creation_key = re.search(r'name="creation_key" value="([^"]+)"', page).group(1)
    body = {
        "title": f"<script>{XSS}</script>",
        "start_date": "2027-01-01",
        "end_date": "2030-12-31",
        "copies": "2",
        "creation_key": creation_key,
        **management("parties", 2, 0),
        "parties-0-organisation": str(world.municipality.pk),
        "parties-1-organisation": str(world.police.pk),
    }
    responses = [post(client, reverse("agreements:create"), body) for _ in range(2)]
    assert [r.status_code for r in responses] == [302, 302]
    assert Agreement.objects.filter(title=body["title"]).count() == 1


HUGE = "9" * 30


@pytest.mark.parametrize(
    "url",
    [
        f"/overenskommelser/{HUGE}/",
        f"/overenskommelser/{HUGE}/redigera/",
        f"/overenskommelser/{HUGE}/pdf/",
        f"/overenskommelser/arkiv/{HUGE}/",
        f"/overenskommelser/avsnitt/{HUGE}/redigera/",
        f"/overenskommelser/{HUGE}/fokusomraden/",
        f"/overenskommelser/fokusomraden/{HUGE}/redigera/",
        f"/overenskommelser/aktivitet/{HUGE}/ta-bort/",
        f"/overenskommelser/{HUGE}/uppfoljning/",
        "/overenskommelser/1/uppfoljning/0000/fyll-i/ovrigt/",
        f"/overenskommelser/1/uppfoljning/{HUGE}/",
        f"/overenskommelser/1/uppfoljning/2024/fyll-i/{HUGE}/",
        f"/overenskommelser/1/uppfoljning/{HUGE}/export.xlsx",
        "/overenskommelser/1/uppfoljning/2024/export.%00",
        f"/overenskommelser/uppfoljning/underlag/{HUGE}/",
    ],
)
def test_ids_beyond_every_column_in_the_address_are_not_found(client, world, editor, url):
    client.force_login(editor)
    assert client.get(url).status_code == 404
    assert post(client, url, {}).status_code in (404, 405)


@pytest.mark.parametrize("field", ["parties", "goals"])
def test_an_id_beyond_every_column_among_several_chosen_is_refused_on_the_form(client, world, editor, content, field):
    client.force_login(editor)
    url = reverse("focusareas:commitment_add", args=[world.agreement.pk])
    data = {"text": "Ny tillsyn", "parties": [world.municipality.pk], "goals": [content["goal"].pk]}

    response = post(client, url, data | {field: [*data[field], str(2**63)]})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Commitment.objects.filter(text="Ny tillsyn").exists()


# Digits that str.isdigit() takes and int() refuses, other scripts' digits, and more digits than int() reads.
NOT_IDS = ["²", "①", "١٢٣", "1" * 5000, "+1", " 1", "1.0"]


@pytest.mark.parametrize(
    ("name", "query"),
    [
        (name, f"focus_area={value}")
        for name in ("focusareas:commitment_add", "focusareas:goal_add")
        for value in NOT_IDS
    ]
    + [("focusareas:commitment_add", f"action_plan={value}") for value in NOT_IDS],
)
def test_a_focus_area_or_action_plan_in_the_query_that_is_no_id_is_not_found(
    client, world, editor, content, name, query
):
    client.force_login(editor)
    url = reverse(name, args=[world.agreement.pk]) + "?" + query
    before = snapshot()
    assert client.get(url).status_code == 404
    assert post(client, url, {"text": "genomföra tillsyner"}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("value", ["²", "1" * 5000])
def test_a_follow_up_address_with_an_id_that_is_no_id_is_not_found(client, editor, report, value):
    client.force_login(editor)
    pk, year = report.agreement_id, report.year
    for url in [
        f"/overenskommelser/{pk}/uppfoljning/{year}/fyll-i/{value}/",
        f"/overenskommelser/{value}/uppfoljning/{year}/fyll-i/ovrigt/",
    ]:
        assert client.get(url).status_code == 404
        assert post(client, url, {}).status_code == 404
    assert post(client, f"/overenskommelser/{value}/uppfoljning/{year}/submit/", {}).status_code == 404


def test_control_characters_are_named_in_the_forbidden_set():
    assert FORBIDDEN_CHARACTERS.search("\x00")
    assert FORBIDDEN_CHARACTERS.search("\x1b")
    assert not FORBIDDEN_CHARACTERS.search("rad ett\r\nrad två\tflik")
    assert all(unicodedata.category(c) != "Cc" for c in "åäö ÅÄÖ")


@pytest.fixture
def survey(world):
    survey = est_setup(world.municipality, factors=2, places=2, reporters=1)
    survey["week"] = Week.objects.create(municipality=world.municipality, monday=date(2026, 11, 23))
    return survey


@FUZZ
@given(data=st.data())
def test_a_reporters_answer(client, survey, data):
    """The one form anyone holding a link may post, without an account."""
    url = reverse("situation:answer", args=[answer_token(reporter=survey["reporters"][0], week=survey["week"])])
    ratings = [f"rating-{f.pk}-{p.pk}" for f in survey["factors"] for p in survey["places"]]
    base = {name: "1" for name in ratings} | {"free_text": "Lugnt"}
    fields = {name: st.one_of(st.sampled_from(["x", "0", "3", "4", "-1", ""]), hostile_text()) for name in ratings}
    body = apply(base, data.draw(changes(fields | {"free_text": hostile_text()})))
    with rolled_back():
        before = snapshot()
        response = post(client, url, body)
        assert_refused_or_stored_safely(client, response, before, pages=(url,))


@FUZZ
@given(data=st.data())
def test_the_weekly_meeting_and_the_reporters(client, world, editor, survey, data):
    client.force_login(editor)
    municipality = world.municipality.pk
    if data.draw(st.booleans()):
        url = reverse("situation:week", kwargs={"pk": municipality, "week": survey["week"].label})
        base = {"situation": "Lugnt", "loaded_version": "1"}
        fields = {name: hostile_text() for name in ("situation", "priorities", "police_intelligence", "attendance")}
        fields["loaded_version"] = hostile_number()
        pages = (url,)
    else:
        url = reverse("situation:setup", kwargs={"pk": municipality, "kind": "rapportorer"})
        reporter = survey["reporters"][0]
        base = {
            "rapportorer-TOTAL_FORMS": "1",
            "rapportorer-INITIAL_FORMS": "1",
            "rapportorer-0-id": str(reporter.pk),
            "rapportorer-0-name": "Anna",
            "rapportorer-0-email": "anna@example.se",
        }
        fields = {
            "rapportorer-TOTAL_FORMS": st.sampled_from(MANAGEMENT),
            "rapportorer-INITIAL_FORMS": st.sampled_from(MANAGEMENT),
            "rapportorer-0-id": hostile_id(reporter.pk),
            "rapportorer-0-name": hostile_text(),
            "rapportorer-0-email": hostile_text(),
            "rapportorer-0-organisation": hostile_text(),
        }
        pages = (url,)
    body = apply(base, data.draw(changes(fields)))
    with rolled_back():
        before = snapshot()
        response = post(client, url, body)
        assert_refused_or_stored_safely(client, response, before, pages=pages)
