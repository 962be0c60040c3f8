"""Every URL of the product, for every kind of user, with GET and POST: the outcome is written down per pattern.

The patterns are read from the URLconf, so a new URL without an entry in EXPECTED fails. Objects are those of
an agreement between the user's organisations or, for the outsiders, of someone else's: a refusal must not
change the database nor show the agreement's title.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from agreements.models import Agreement, ArchivedPdf, Membership
from agreements.services import agreement_new_revision
from agreements.tests.factories import AgreementFactory, FigureFactory, SectionFactory, UserFactory, image_bytes
from documents.models import Approval, PartySignature, SignedPage
from documents.revisions import content_snapshot
from documents.services import agreement_fingerprint
from exports.models import Export
from focusareas.kinds import ITEM_KINDS
from focusareas.models import ActionPlan, ActivityRow, Commitment, FocusArea, FocusAreaSection, Goal
from focusareas.tests.factories import (
    ActionPlanFactory,
    ActivityRowFactory,
    CommitmentFactory,
    FocusAreaFactory,
    FocusAreaSectionFactory,
    GoalFactory,
    IndicatorFactory,
)
from followup.models import CommitmentOutcome, Evaluation
from followup.services import report_start
from samverkan.lib.archive import store_archived
from samverkan.tests.helpers import World, build_world, built_once, member
from situation.models import Measure, Week, YearlyPicture
from situation.services import answer_token
from situation.setup import SETUP_KINDS
from situation.tests.helpers import est_setup

pytestmark = pytest.mark.django_db

# What a request comes to.
OK = "ok"  # served: a page, a file, a form with its messages, or a redirect within the product
LOGIN = "login"  # sent to the login page
ADMIN_LOGIN = "admin login"  # sent to the administration's login page
FORBIDDEN = "forbidden"  # 403: may read the agreement but not do this
HIDDEN = "hidden"  # 404: as if the object did not exist
NOT_ALLOWED = "method not allowed"  # 405

USERS = (
    "anonymous",
    "editor",  # security unit of the agreement's municipality
    "reviewer",  # municipal police officer of the agreement's police area
    "reader",  # council member of the agreement's municipality
    "outside_editor",  # the same roles in an unrelated municipality and police area
    "outside_reviewer",
    "outside_reader",
    "staff",  # staff member: reads every agreement, changes none
    "superuser",  # administrator: changes every agreement, manages organisations and users in /admin/
)
OUTSIDERS = {"outside_editor": HIDDEN, "outside_reviewer": HIDDEN, "outside_reader": HIDDEN}


def expect(default: str, **by_user: str) -> dict[str, str]:
    return {user: by_user.get(user, default) for user in USERS}


PUBLIC = expect(OK)
LOGGED_IN = expect(OK, anonymous=LOGIN)
READ = expect(OK, anonymous=LOGIN, **OUTSIDERS)
EDIT = expect(OK, anonymous=LOGIN, reviewer=FORBIDDEN, reader=FORBIDDEN, staff=FORBIDDEN, **OUTSIDERS)
# Every party writes its own lines of the follow-up: the security unit and the police, not the council.
REPORT = expect(OK, anonymous=LOGIN, reader=FORBIDDEN, staff=FORBIDDEN, superuser=FORBIDDEN, **OUTSIDERS)
# A citizen promise followed up by the police alone: only the police fill it in.
POLICE_REPORT = expect(
    OK, anonymous=LOGIN, editor=FORBIDDEN, reader=FORBIDDEN, staff=FORBIDDEN, superuser=FORBIDDEN, **OUTSIDERS
)
# What binds a party is done by a user of that party (its editors and reviewers), never by the council, staff or an
# administrator who is not one of them.
PARTY = expect(OK, anonymous=LOGIN, reader=FORBIDDEN, staff=FORBIDDEN, superuser=FORBIDDEN, **OUTSIDERS)
# Editors (while they may edit) and the police's reviewers write in a review thread; everyone who reads it reads it.
COMMENT = expect(OK, anonymous=LOGIN, reader=FORBIDDEN, staff=FORBIDDEN, **OUTSIDERS)
CREATE = expect(FORBIDDEN, anonymous=LOGIN, editor=OK, outside_editor=OK, superuser=OK)
# The weekly meeting is the security unit's and the police's; the council reads its picture.
MEET = expect(OK, anonymous=LOGIN, reader=FORBIDDEN, staff=FORBIDDEN, **OUTSIDERS)
# The council approves the yearly situation picture, or the security unit on its behalf.
COUNCIL = expect(OK, anonymous=LOGIN, reviewer=FORBIDDEN, staff=FORBIDDEN, **OUTSIDERS)
WRONG_METHOD = expect(NOT_ALLOWED, anonymous=LOGIN)
# The municipality's administrator (the estate's editor) and the system administrator manage its users.
ADMINISTER = expect(FORBIDDEN, anonymous=LOGIN, editor=OK, superuser=OK)
# An export is the business of the user who asked for it alone (here the editor), administrators included.
REQUESTER = expect(HIDDEN, anonymous=LOGIN, editor=OK)


def read_only(kind: dict[str, str] = READ) -> dict[str, dict[str, str]]:
    return {"GET": kind, "POST": WRONG_METHOD}


def post_only(kind: dict[str, str] = EDIT) -> dict[str, dict[str, str]]:
    return {"GET": WRONG_METHOD, "POST": kind}


def form(kind: dict[str, str] = EDIT) -> dict[str, dict[str, str]]:
    return {"GET": kind, "POST": kind}


EXPECTED: dict[str, dict[str, dict[str, str]]] = {
    "home": read_only(LOGGED_IN),
    "login": form(PUBLIC),
    "logout": {"GET": expect(NOT_ALLOWED), "POST": expect(LOGIN)},
    "accessibility": {"GET": PUBLIC, "POST": expect(NOT_ALLOWED)},
    # Users and organisations: every member sees their organisations; administrators change them. The invitation's
    # link is open to all (it carries its own one-time token).
    "accounts:organisation": read_only(LOGGED_IN),
    "accounts:invite": form(ADMINISTER),
    "accounts:member_edit": form(ADMINISTER),
    "accounts:invitation_resend": post_only(ADMINISTER),
    "accounts:partner_add": form(ADMINISTER),
    "accounts:activate": form(PUBLIC),
    "set_language": form(PUBLIC),
    "password_change": form(LOGGED_IN),
    "preferences": form(LOGGED_IN),
    "password_change_done": read_only(LOGGED_IN),
    # Answers every POST: a session already ended is told so, with no redirect to the login page.
    "session_keep_alive": {"GET": expect(NOT_ALLOWED), "POST": PUBLIC},
    # Agreements and their text
    "agreements:list": read_only(LOGGED_IN),
    "agreements:create": form(CREATE),
    "documents:detail": read_only(),
    "agreements:edit": form(),
    "agreements:history": read_only(),
    "agreements:delete": form(),
    "documents:pdf": read_only(),
    "documents:archived_pdf": read_only(),
    "documents:sign": form(PARTY),
    "documents:approve": post_only(PARTY),
    "documents:approval_changes": read_only(),
    "documents:signed_page": read_only(),
    "documents:publish": form(),
    "documents:new_revision": form(),
    "documents:renew": form(),
    "documents:compare": read_only(),
    "agreements:section_add": form(),
    "agreements:section_edit": form(),
    "agreements:section_move": post_only(),
    "agreements:section_delete": form(),
    "documents:layout": form(),
    "agreements:figure_add": form(),
    "agreements:figure_edit": form(),
    "agreements:figure_delete": form(),
    "agreements:figure_image": read_only(),
    "agreements:party_logo": read_only(),
    "documents:import_docx": form(CREATE),
    "documents:import_docx_confirm": post_only(CREATE),
    # Focus areas and the police review
    "documents:workbench": read_only(),
    "focusareas:add": form(),
    "focusareas:edit": form(),
    "focusareas:section_add": form(),
    "focusareas:section_edit": form(),
    "focusareas:row_add": form(),
    "focusareas:rows_paste": form(),
    "focusareas:row_edit": form(),
    "focusareas:commitment_add": form(),
    "focusareas:commitment_edit": form(),
    "focusareas:commitments_paste": form(),
    "focusareas:goal_add": form(),
    "focusareas:goal_edit": form(),
    "focusareas:action_plan_add": form(),
    "focusareas:action_plan_edit": form(),
    "focusareas:item_delete": form(),
    "focusareas:item_move": post_only(),
    "focusareas:review": read_only(),
    "focusareas:comments": {"GET": READ, "POST": COMMENT},
    "focusareas:send_for_review": post_only(),
    # Everyone who reads the agreement may comment; who decides is the service's rule (a message, not a 403).
    "focusareas:commitment_decide": post_only(READ),
    # Follow-up
    "followup:index": read_only(),
    "followup:start": post_only(),
    "followup:deadline": post_only(),
    "followup:report": read_only(),
    "followup:edit": form(REPORT),
    # Who submits, confirms and approves is the service's rule, answered with a message.
    "followup:transition": post_only(READ),
    "followup:pdf": read_only(),
    "followup:evidence": read_only(),
    "followup:export": read_only(),
    "followup:report_period": read_only(),
    "followup:edit_period": form(POLICE_REPORT),
    "followup:transition_period": post_only(READ),
    "followup:pdf_period": read_only(),
    "followup:export_period": read_only(),
    "followup:dashboard": read_only(),
    "followup:evaluation": read_only(),
    "followup:evaluation_edit": form(),
    "followup:evaluation_pdf": read_only(),
    # Exports
    "exports:index": form(LOGGED_IN),
    "exports:detail": read_only(REQUESTER),
    "exports:download": read_only(REQUESTER),
    # The situation picture: the municipality's users and the police of its agreements; the security unit sets it up.
    "situation:index": read_only(LOGGED_IN),
    "situation:municipality": read_only(),
    "situation:setup": form(),
    "situation:week": {"GET": READ, "POST": MEET},
    "situation:report": read_only(),
    "situation:statistics": read_only(),
    "situation:statistics_import": form(),
    "situation:indicators": form(),
    "situation:attendance": form(),
    "situation:safety_survey": read_only(),
    "situation:safety_survey_import": form(),
    "situation:safety_survey_enter": form(),
    "situation:yearly": read_only(),
    "situation:yearly_edit": form(),
    "situation:yearly_approve": post_only(COUNCIL),
    "situation:yearly_pdf": read_only(),
    # Taking the year's plan and picture into a draft agreement is the security unit's.
    "situation:plan_carry": form(),
    "situation:chapter_place": form(),
    "situation:report_pdf": read_only(),
    # A reporter's form is reached by the personal link, with or without an account: the link is the key.
    "situation:answer": form(PUBLIC),
}

# The administration is Django's own. Only staff get past its login (which, with its logout, is open to all);
# staff without model permissions get no page of it but these, and administrators never an error.
ADMIN_OPEN = {"admin:login", "admin:logout"}
ADMIN_STAFF_PAGES = ADMIN_OPEN | {"admin:index", "admin:jsi18n", "admin:password_change", "admin:password_change_done"}


@dataclass(frozen=True)
class Route:
    """One URL pattern: its name (or, for the administration's unnamed ones, its route) and its regex."""

    name: str
    route: str
    pattern: URLPattern


def all_routes() -> list[Route]:
    routes: list[Route] = []

    def walk(patterns, prefix: str = "", namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            else:
                route = prefix + str(pattern.pattern)
                if pattern.name:
                    name = namespace + pattern.name
                elif route.endswith("(?P<url>.*)$"):
                    name = f"{namespace}catch_all"
                else:
                    name = f"{namespace}{route}"
                routes.append(Route(name, route, pattern))

    walk(get_resolver().url_patterns)
    return routes


ROUTES = all_routes()


def is_admin(route: Route) -> bool:
    return route.name.startswith("admin:")


def test_every_url_pattern_has_its_expected_outcomes():
    product = {route.name for route in ROUTES if not is_admin(route)}
    assert product == set(EXPECTED), "add the new URL to EXPECTED, with who may GET and POST it"


@dataclass
class Estate:
    """An agreement in draft with one of everything, a signed one with its archive, follow-up and evaluation,
    and a revision of the signed one; all between the world's municipality and police area. Each user is logged
    in once: `sessions` holds their session keys."""

    world: World
    draft: Agreement
    signed: Agreement
    revision: Agreement
    objects: dict
    users: dict
    sessions: dict


@pytest.fixture(autouse=True)
def media_root() -> None:
    """The estate's archived files stay where it stored them for every test of the module."""


@pytest.fixture(scope="module")
def estate(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Estate]:
    """Built once for the module: every test only reads it, and its requests are rolled back."""
    yield from built_once(django_db_blocker, build_estate, media_root=tmp_path_factory.mktemp("media"))


def build_estate() -> Estate:
    world = build_world()
    editor = member(world.municipality, Membership.Role.EDITOR, "editor")
    Membership.objects.filter(user=editor).update(is_administrator=True)
    draft = world.agreement
    section = SectionFactory(agreement=draft, heading="Syfte")
    figure = FigureFactory(section=section)
    world.police.logo = ContentFile(image_bytes(), name="logo.png")
    world.police.save()
    focus_area = FocusAreaFactory(agreement=draft, title="Trygg stadskärna")
    area_section = FocusAreaSectionFactory(focus_area=focus_area)
    row = ActivityRowFactory(focus_area=focus_area)
    commitment = CommitmentFactory(focus_area=focus_area, parties=[world.police])
    goal = GoalFactory(focus_area=focus_area)
    plan = ActionPlanFactory(agreement=draft)

    signed = AgreementFactory(
        title="Samverkansöverenskommelse Hamnstad 2023", parties=[world.municipality, world.police]
    )
    signed_area = FocusAreaFactory(agreement=signed, title="Narkotika")
    signed_commitment = CommitmentFactory(focus_area=signed_area, parties=[world.municipality])
    IndicatorFactory(goal__focus_area=signed_area)
    CommitmentFactory(focus_area=None, action_plan=ActionPlanFactory(agreement=signed), parties=[world.police])
    signature = PartySignature.objects.create(
        agreement=signed,
        party=world.municipality,
        recorded_by=editor,
        fingerprint=agreement_fingerprint(signed),
        signing_place="Hamnstad",
        signed_on=date(2023, 1, 10),
    )
    signed_page = SignedPage(signature=signature, archived_by=editor)
    store_archived(signed_page, b"%PDF-1.7\n% sida\n", "hamnstad-sida")
    Agreement.objects.filter(pk=signed.pk).update(status=Agreement.Status.SIGNED)
    signed.refresh_from_db()
    archived = ArchivedPdf(agreement=signed, archived_by=editor)
    store_archived(archived, b"%PDF-1.7\n% signerad\n", "hamnstad")
    report = report_start(agreement=signed, year=2024, copy_previous=False)
    promise = AgreementFactory(
        title="Medborgarlöfte Hamnstad 2024",
        kind=Agreement.Kind.CITIZEN_PROMISE,
        parties=[world.municipality, world.police],
        follow_up_frequency=Agreement.FollowUpFrequency.QUARTERLY,
        followed_up_by=Agreement.FollowedUpBy.POLICE,
    )
    promise_area = FocusAreaFactory(agreement=promise, title="Lugnare trafik")
    CommitmentFactory(focus_area=promise_area, parties=[world.police])
    Agreement.objects.filter(pk=promise.pk).update(status=Agreement.Status.SIGNED)
    promise.refresh_from_db()
    quarter = report_start(agreement=promise, year=2024, period=2, copy_previous=False)
    evidence = default_storage.save("evidence/protokoll.pdf", ContentFile(b"%PDF-1.7\n% protokoll\n"))
    outcome = CommitmentOutcome.objects.get(report=report, commitment=signed_commitment)
    CommitmentOutcome.objects.filter(pk=outcome.pk).update(evidence_file=evidence)
    Evaluation.objects.create(agreement=signed, text="Samarbetet har fungerat väl.")
    revision = agreement_new_revision(agreement=signed)
    Approval.objects.create(
        agreement=draft,
        party=world.municipality,
        recorded_by=editor,
        fingerprint=agreement_fingerprint(draft),
        content=content_snapshot(draft),
    )
    survey = est_setup(world.municipality, factors=1, places=1, reporters=1)
    week = Week.objects.create(municipality=world.municipality, monday=date(2026, 11, 23))
    yearly = YearlyPicture.objects.create(municipality=world.municipality, year=2025, analysis="Mest oro i centrum.")
    Measure.objects.create(
        picture=yearly, problem="Oro i centrum", measure="Trygghetsvandringar", focus_area=focus_area
    )
    Group.objects.create(name="Säkerhetsenheten")
    export = Export(requested_by=editor, kind=Export.Kind.AGREEMENTS_WORKBOOK, state=Export.State.DONE)
    export.file.save("samverkan-overenskommelser.xlsx", ContentFile(b"PK\x03\x04"), save=True)

    users = {
        "anonymous": None,
        "editor": editor,
        "reviewer": member(world.police, Membership.Role.REVIEWER, "reviewer"),
        "reader": member(world.municipality, Membership.Role.READER, "reader"),
        "outside_editor": member(world.other_municipality, Membership.Role.EDITOR, "outsider"),
        "outside_reviewer": member(world.other_police, Membership.Role.REVIEWER, "otherpolice"),
        "outside_reader": member(world.other_municipality, Membership.Role.READER, "outsidereader"),
        "staff": UserFactory(username="staff", is_staff=True),
        "superuser": UserFactory(username="admin", is_staff=True, is_superuser=True),
    }
    return Estate(
        world=world,
        draft=draft,
        signed=signed,
        revision=revision,
        objects={
            "section": section,
            "figure": figure,
            "focus_area": focus_area,
            "area_section": area_section,
            "row": row,
            "commitment": commitment,
            "goal": goal,
            "action_plan": plan,
            "archived": archived,
            "report": report,
            "quarter": quarter,
            "promise_area": promise_area,
            "outcome": outcome,
            "signed_area": signed_area,
            "export": export,
            "signed_page": signed_page,
            "week": week,
            "yearly": yearly,
            "reporter": survey["reporters"][0],
        },
        users=users,
        sessions={kind: log_in(user) for kind, user in users.items()},
    )


def log_in(user) -> str | None:
    """The key of a new session of `user` (None for the anonymous user)."""
    if user is None:
        return None
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# The estate's object of each item kind's model.
ITEM_OBJECTS = {
    FocusArea: "focus_area",
    FocusAreaSection: "area_section",
    ActivityRow: "row",
    Commitment: "commitment",
    Goal: "goal",
    ActionPlan: "action_plan",
}


def product_urls(name: str, estate: Estate) -> list[str]:
    """The URLs of the pattern to try: one, or one per variant (item kinds, report parts, exports)."""
    o = estate.objects
    draft, signed, year = estate.draft.pk, estate.signed.pk, o["report"].year
    by_pk = {
        "documents:detail": draft,
        "agreements:edit": draft,
        "agreements:history": draft,
        "agreements:delete": draft,
        "documents:pdf": draft,
        "documents:sign": draft,
        "documents:publish": draft,
        "documents:layout": draft,
        "documents:new_revision": signed,
        "documents:renew": signed,
        "documents:compare": estate.revision.pk,
        "documents:archived_pdf": o["archived"].pk,
        "documents:approve": draft,
        "documents:signed_page": o["signed_page"].pk,
        "agreements:section_edit": o["section"].pk,
        "agreements:section_delete": o["section"].pk,
        "agreements:figure_add": o["section"].pk,
        "agreements:figure_edit": o["figure"].pk,
        "agreements:figure_delete": o["figure"].pk,
        "agreements:figure_image": o["figure"].pk,
        "documents:workbench": draft,
        "focusareas:add": draft,
        "focusareas:edit": o["focus_area"].pk,
        "focusareas:section_add": o["focus_area"].pk,
        "focusareas:section_edit": o["area_section"].pk,
        "focusareas:row_add": o["focus_area"].pk,
        "focusareas:rows_paste": o["focus_area"].pk,
        "focusareas:row_edit": o["row"].pk,
        "focusareas:commitment_add": draft,
        "focusareas:commitment_edit": o["commitment"].pk,
        "focusareas:commitment_decide": o["commitment"].pk,
        "focusareas:goal_add": draft,
        "focusareas:goal_edit": o["goal"].pk,
        "focusareas:action_plan_add": draft,
        "focusareas:action_plan_edit": o["action_plan"].pk,
        "focusareas:review": draft,
        "focusareas:send_for_review": draft,
        "followup:index": signed,
        "followup:start": signed,
        "followup:deadline": signed,
        "followup:evidence": o["outcome"].pk,
        "followup:dashboard": signed,
        "followup:evaluation": signed,
        "followup:evaluation_edit": signed,
        "followup:evaluation_pdf": signed,
        "accounts:invite": estate.world.municipality.pk,
        "accounts:member_edit": Membership.objects.get(user=estate.users["reader"]).pk,
        "accounts:invitation_resend": Membership.objects.get(user=estate.users["reader"]).pk,
        "exports:detail": o["export"].pk,
        "exports:download": o["export"].pk,
        "situation:municipality": estate.world.municipality.pk,
        "situation:statistics": estate.world.municipality.pk,
        "situation:statistics_import": estate.world.municipality.pk,
        "situation:indicators": estate.world.municipality.pk,
        "situation:attendance": estate.world.municipality.pk,
        "situation:safety_survey": estate.world.municipality.pk,
        "situation:safety_survey_import": estate.world.municipality.pk,
        "situation:safety_survey_enter": estate.world.municipality.pk,
    }
    if name in by_pk:
        return [reverse(name, args=[by_pk[name]])]
    report = {"pk": signed, "year": year}
    quarter = {"pk": o["quarter"].agreement_id, "year": o["quarter"].year, "period": o["quarter"].period_slug}
    variants = {
        "agreements:section_add": [{"pk": draft, "part": part} for part in ("agreement", "appendix")],
        "agreements:section_move": [{"pk": o["section"].pk, "direction": "up"}],
        "agreements:party_logo": [{"pk": draft, "organisation": estate.world.police.pk}],
        "documents:approval_changes": [{"pk": draft, "party": estate.world.municipality.pk}],
        "focusareas:comments": [{"pk": draft, "about": "avsnitt", "key": o["section"].key}],
        "focusareas:item_delete": [
            {"kind": name, "pk": o[ITEM_OBJECTS[kind.model]].pk} for name, kind in ITEM_KINDS.items()
        ],
        "focusareas:item_move": [
            {"kind": name, "pk": o[ITEM_OBJECTS[kind.model]].pk, "direction": "up"} for name, kind in ITEM_KINDS.items()
        ],
        "focusareas:commitments_paste": [
            {"kind": "fokusomrade", "pk": o["focus_area"].pk},
            {"kind": "handlingsplan", "pk": o["action_plan"].pk},
        ],
        "followup:report": [report],
        "followup:pdf": [report],
        "followup:edit": [report | {"part": part} for part in (str(o["signed_area"].pk), "ovrigt", "sammanfattning")],
        "followup:transition": [
            report | {"action": action} for action in ("submit", "confirm", "send-back", "approve")
        ],
        "followup:export": [report | {"fmt": fmt} for fmt in ("xlsx", "csv")],
        "followup:report_period": [quarter],
        "followup:pdf_period": [quarter],
        "followup:edit_period": [quarter | {"part": part} for part in (str(o["promise_area"].pk), "sammanfattning")],
        "followup:transition_period": [
            quarter | {"action": action} for action in ("submit", "confirm", "send-back", "approve")
        ],
        "followup:export_period": [quarter | {"fmt": fmt} for fmt in ("xlsx", "csv")],
        "accounts:activate": [{"uidb64": "MQ", "token": "gammal-lank"}],
        "situation:week": [{"pk": o["week"].municipality_id, "week": o["week"].label}],
        "situation:report": [{"pk": o["week"].municipality_id, "week": o["week"].label}],
        "situation:report_pdf": [{"pk": o["week"].municipality_id, "week": o["week"].label}],
        "situation:answer": [{"token": answer_token(reporter=o["reporter"], week=o["week"])}],
        "situation:yearly": [{"pk": o["yearly"].municipality_id, "year": o["yearly"].year}],
        "situation:yearly_edit": [{"pk": o["yearly"].municipality_id, "year": o["yearly"].year}],
        "situation:yearly_approve": [{"pk": o["yearly"].municipality_id, "year": o["yearly"].year}],
        "situation:yearly_pdf": [{"pk": o["yearly"].municipality_id, "year": o["yearly"].year}],
        "situation:plan_carry": [
            {"pk": o["yearly"].municipality_id, "year": o["yearly"].year, "agreement": estate.draft.pk}
        ],
        "situation:chapter_place": [
            {"pk": o["yearly"].municipality_id, "year": o["yearly"].year, "agreement": estate.draft.pk}
        ],
        "situation:setup": [{"pk": estate.world.municipality.pk, "kind": kind} for kind in SETUP_KINDS],
    }
    return [reverse(name, kwargs=kwargs) for kwargs in variants.get(name, [{}])]


def admin_url(route: Route, estate: Estate) -> str:
    """The administration's URL for the pattern, on an existing object where it takes one."""
    if route.name == "admin:catch_all":
        return "/admin/finns-inte/"
    if route.name == "admin:view_on_site":
        return reverse(route.name, args=[ContentType.objects.get_for_model(Agreement).pk, estate.draft.pk])
    if route.name == "admin:app_list":
        return reverse(route.name, kwargs={"app_label": "agreements"})
    parts = route.route.split("/")
    if len(parts) > 3 and ("object_id" in route.route or "<id>" in route.route or "([^/]+)" in route.route):
        instance = apps.get_model(parts[1], parts[2]).objects.order_by("pk").first()
        if instance is None:  # nothing of the kind yet: the page for an object that does not exist
            return "/" + route.route.replace("<path:object_id>", "999999")
        if route.name.endswith("_simple_history"):
            return f"/admin/{parts[1]}/{parts[2]}/{instance.pk}/history/{instance.history.earliest().history_id}/"
        return "/" + route.route.replace("<path:object_id>", str(instance.pk)).replace("<id>", str(instance.pk))
    return reverse(route.name)


def urls_for(route: Route, estate: Estate) -> list[str]:
    return [admin_url(route, estate)] if is_admin(route) else product_urls(route.name, estate)


# Data posted where an empty form would not reach the check under test.
POST_DATA = {"focusareas:commitment_decide": {"action": "comment", "text": "Hur följs detta upp?"}}


def outcome(response) -> str:
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if location.startswith(reverse("login")):
            return LOGIN
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        return OK
    return {200: OK, 403: FORBIDDEN, 404: HIDDEN, 405: NOT_ALLOWED}.get(response.status_code, str(response.status_code))


def request(url: str, method: str, session: str | None, data: dict, *, csrf_checks: bool = False):
    """One request in the session `session` (None: anonymous), in a savepoint that is rolled back, so each user
    meets the same database (their session included, should the request log them out); with the writes it made
    to the product's tables."""
    with transaction.atomic():
        client = Client(enforce_csrf_checks=csrf_checks)
        if session is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url) if method == "GET" else client.post(url, data)
        transaction.set_rollback(True)
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in query["sql"]
    ]
    return response, writes


def check_matrix(routes: list[Route], estate: Estate, users: tuple[str, ...] = USERS) -> list[str]:
    titles = [estate.draft.title, estate.signed.title]
    mismatches = []
    for route in routes:
        expected = EXPECTED[route.name]
        for url in urls_for(route, estate):
            for method in ("GET", "POST"):
                for kind in users:
                    response, writes = request(url, method, estate.sessions[kind], POST_DATA.get(route.name, {}))
                    got, wanted = outcome(response), expected[method][kind]
                    if got != wanted:
                        mismatches.append(f"{route.name}: {method} {url} as {kind}: {got}, expected {wanted}")
                    if got != OK and writes and route.name != "logout":  # logging out is a redirect to the login
                        mismatches.append(f"{route.name}: {method} {url} as {kind} was refused but wrote {writes}")
                    if got == HIDDEN and any(title in response.content.decode() for title in titles):
                        mismatches.append(f"{route.name}: {method} {url} as {kind} shows an agreement's title")
    return mismatches


def test_who_may_get_and_post_every_page_of_the_product(estate: Estate):
    mismatches = check_matrix([route for route in ROUTES if not is_admin(route)], estate)
    assert not mismatches, "\n".join(mismatches)


def test_only_administrators_get_into_the_administration(estate: Estate):
    failures = []
    for route in (route for route in ROUTES if is_admin(route)):
        url = admin_url(route, estate)
        for method in ("GET", "POST"):
            # Users outside the staff are all alike to the administration: these two stand for them.
            for kind in ("anonymous", "editor"):
                response, writes = request(url, method, estate.sessions[kind], {})
                if route.name not in ADMIN_OPEN and (outcome(response) != ADMIN_LOGIN or writes):
                    failures.append(f"{method} {url} as {kind}: {response.status_code}, wrote {writes}")
            response, writes = request(url, method, estate.sessions["staff"], {})
            if route.name not in ADMIN_STAFF_PAGES and (response.status_code == 200 or writes):
                failures.append(f"{method} {url} as staff without permissions: {response.status_code}")
            response, _ = request(url, method, estate.sessions["superuser"], {})
            if response.status_code >= 500:
                failures.append(f"{method} {url} as administrator: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_ids_of_other_agreements_in_query_strings_and_forms_reveal_nothing(client, estate: Estate):
    """An editor may add to their own agreement, but not under a focus area or plan of someone else's."""
    world = estate.world
    foreign = FocusAreaFactory(agreement=world.other_agreement)
    foreign_plan = ActionPlanFactory(agreement=world.other_agreement)
    client.force_login(estate.users["editor"])
    url = reverse("focusareas:commitment_add", args=[world.agreement.pk])

    assert client.get(f"{url}?focus_area={foreign.pk}").status_code == 404
    assert client.post(f"{url}?action_plan={foreign_plan.pk}", {"text": "x"}).status_code == 404
    assert not foreign.commitments.exists() and not foreign_plan.commitments.exists()


def test_every_post_needs_the_csrf_token(estate: Estate):
    """A form posted from another site, without the token, is refused before it reaches the view."""
    failures = []
    for route in ROUTES:
        for url in urls_for(route, estate):
            for kind in ("superuser",):  # the user who may post the most
                response, writes = request(
                    url, "POST", estate.sessions[kind], POST_DATA.get(route.name, {}), csrf_checks=True
                )
                if outcome(response) in (LOGIN, ADMIN_LOGIN, NOT_ALLOWED) and not writes:
                    continue  # refused before any code that changes something: not logged in, or a read-only page
                if response.status_code != 403 or writes:
                    failures.append(f"POST {url} as {kind} without a token: {response.status_code}, wrote {writes}")
                elif "Formuläret kunde inte skickas" not in response.content.decode():
                    failures.append(f"POST {url} as {kind}: the refusal does not explain itself in Swedish")
    assert not failures, "\n".join(failures)
