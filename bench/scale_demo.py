"""Scale the demo up for the load test: more municipalities, each with its own users and copies of the demo
agreements, under the demo's two police areas.

Run after `manage.py seed_demo`, against the bench database only:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samverkan_bench python bench/scale_demo.py [--municipalities 27]

Each bench municipality NN gets an editor `bench-NN-redaktor` and a council reader `bench-NN-lasare`, a draft
(a copy of the Trelleborg draft, its commitments doubled) and an agreement in review (a copy of Svedala's);
every third one also a signed agreement (a copy of Sölvesborg's, its PDF archived) with the 2024 follow-up
approved and archived and 2025 being filled in. The police areas get reviewers `bench-polis-t1`…`t3` and
`bench-polis-k1`…`k3`. All passwords are the demo's. Running it again adds nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from agreements.models import Agreement, ArchivedPdf, Membership, Organisation  # noqa: E402
from agreements.services import agreement_copy  # noqa: E402
from demo.loader import DEMO_PASSWORD  # noqa: E402
from documents.services import archive_pdf  # noqa: E402
from focusareas.models import Commitment  # noqa: E402
from followup.services import report_approve, report_confirm, report_start, report_submit  # noqa: E402

User = get_user_model()
# The demo organisations the bench copies from, as named in demo/data/people.yaml.
TRELLEBORG = "Trelleborgs kommun"
SVEDALA = "Svedala kommun"
LPO_TRELLEBORG = "Lokalpolisområde Trelleborg"
SOLVESBORG = "Sölvesborgs kommun"
LPO_KARLSHAMN = "Lokalpolisområde Karlshamn"
POLICE = {"t": LPO_TRELLEBORG, "k": LPO_KARLSHAMN}


def municipality_name(number: int) -> str:
    return f"Benchkommun {number:02d}"


def demo_agreement(party: str, status: str) -> Agreement:
    return Agreement.objects.filter(parties__name=party, status=status).order_by("pk").first()


def ensure_user(username: str, organisation: Organisation, role: str, password_hash: str):
    user, _ = User.objects.get_or_create(
        username=username, defaults={"password": password_hash, "email": f"{username}@bench.example"}
    )
    Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": role})
    return user


def copy_for(source: Agreement, *, replace: dict[Organisation, Organisation], title: str) -> Agreement:
    """A draft copy of a demo agreement in which the given parties are replaced by others."""
    agreement = agreement_copy(source=source, title=title)
    for party in agreement.party_links.all():
        if party.organisation in replace:
            party.organisation = replace[party.organisation]
            party.save()
    for signatory in agreement.signatories.all():
        if signatory.party in replace:
            signatory.party = replace[signatory.party]
            signatory.save()
    for commitment in Commitment.objects.filter(agreement=agreement).prefetch_related("parties"):
        commitment.parties.set([replace.get(o, o) for o in commitment.parties.all()])
    return agreement


def double_commitments(agreement: Agreement) -> None:
    """Every commitment once more, so that the drafts carry a realistic number of them."""
    for commitment in list(Commitment.objects.filter(agreement=agreement).prefetch_related("parties", "goals")):
        parties, goals = list(commitment.parties.all()), list(commitment.goals.all())
        commitment.pk = commitment.id = None
        commitment._state.adding = True
        commitment._prefetched_objects_cache = {}
        commitment.order += 100
        commitment.save()
        commitment.parties.set(parties)
        commitment.goals.set(goals)


def freeze(agreement: Agreement, archivist) -> None:
    for signatory in agreement.signatories.all():
        signatory.signed_on = date(2024, 1, 15)
        signatory.save(update_fields=["signed_on"])
    agreement.signing_place, agreement.signing_date = "Rådhuset", date(2024, 1, 15)
    agreement.status = Agreement.Status.SIGNED
    agreement.save()
    archive_pdf(ArchivedPdf(agreement=agreement, archived_by=archivist))


def follow_up(agreement: Agreement, *, editor, police, reader) -> None:
    report = report_start(agreement=agreement, year=2024, copy_previous=False)
    report_submit(report=report, user=editor)
    report_confirm(report=report, user=police)
    report_approve(report=report, user=reader, approved_on=date(2025, 3, 20), case_number="KS 2025/100")
    report_start(agreement=agreement, year=2025, copy_previous=True)


def scale(municipalities: int) -> None:
    password_hash = make_password(DEMO_PASSWORD)
    organisations = {o.name: o for o in Organisation.objects.all()}
    police_users = {}
    for key, name in POLICE.items():
        for number in (1, 2, 3):
            police_users[key, number] = ensure_user(
                f"bench-polis-{key}{number}", organisations[name], Membership.Role.REVIEWER, password_hash
            )
    draft = demo_agreement(TRELLEBORG, Agreement.Status.DRAFT)
    review = demo_agreement(SVEDALA, Agreement.Status.REVIEW)
    signed = demo_agreement(SOLVESBORG, Agreement.Status.SIGNED)
    admin = User.objects.get(username="admin")
    for number in range(1, municipalities + 1):
        name = municipality_name(number)
        if Organisation.objects.filter(name=name).exists():
            continue
        started = time.monotonic()
        with transaction.atomic():
            municipality = Organisation.objects.create(name=name, kind=Organisation.Kind.MUNICIPALITY)
            key = "tk"[number % 2]
            police = organisations[POLICE[key]]
            editor = ensure_user(f"bench-{number:02d}-redaktor", municipality, Membership.Role.EDITOR, password_hash)
            reader = ensure_user(f"bench-{number:02d}-lasare", municipality, Membership.Role.READER, password_hash)
            place = name.removesuffix(" kommun")
            replace = {organisations[TRELLEBORG]: municipality, organisations[LPO_TRELLEBORG]: police}
            double_commitments(copy_for(draft, replace=replace, title=f"Samverkansöverenskommelse {place} 2023–2026"))
            replace = {organisations[SVEDALA]: municipality, organisations[LPO_TRELLEBORG]: police}
            in_review = copy_for(review, replace=replace, title=f"Samverkansöverenskommelse {place} 2024–2027")
            in_review.status = Agreement.Status.REVIEW
            in_review.save(update_fields=["status", "updated_at"])
            if number % 3 == 0:
                replace = {organisations[SOLVESBORG]: municipality, organisations[LPO_KARLSHAMN]: police}
                copy = copy_for(signed, replace=replace, title=f"Samverkansöverenskommelse för ett tryggare {place}")
                freeze(copy, admin)
                follow_up(copy, editor=editor, police=police_users[key, 1], reader=reader)
        print(f"{name}: {time.monotonic() - started:.1f} s", flush=True)
    print(
        f"{Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).count()} municipalities, "
        f"{Agreement.objects.count()} agreements, {Commitment.objects.count()} commitments, "
        f"{User.objects.count()} users"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=27, help="bench municipalities to add (default 27)")
    arguments = parser.parse_args()
    # The follow-up steps mail the parties; the bench addresses get nothing.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        scale(arguments.municipalities)


if __name__ == "__main__":
    main()
