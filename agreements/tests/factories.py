from __future__ import annotations

import io
from datetime import date

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from PIL import Image

from agreements.models import Agreement, CooperationForum, Figure, Membership, Organisation, Party, Section, Signatory


def image_bytes(width: int = 40, height: int = 20, kind: str = "PNG", colour: str = "#0b3a5d") -> bytes:
    """A real image of the given size and format, to upload as a figure or a logo."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, kind)
    return buffer.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    password = factory.django.Password("test-password-1234")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Kommun {n}")
    kind = Organisation.Kind.MUNICIPALITY


class PoliceAreaFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Lokalpolisområde {n}")
    kind = Organisation.Kind.POLICE_AREA


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.EDITOR


class AgreementFactory(factory.django.DjangoModelFactory):
    """An agreement 2023–2026 between a municipality and a police area (pass `parties=[...]` to choose)."""

    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Samverkansöverenskommelse {n}")
    start_date = date(2023, 1, 1)
    end_date = date(2026, 12, 31)
    purpose = "Att tydliggöra parternas åtaganden i det brottsförebyggande arbetet."

    @factory.post_generation
    def parties(self, create: bool, extracted: list[Organisation] | None, **kwargs) -> None:
        if not create:
            return
        for order, organisation in enumerate(extracted or [OrganisationFactory(), PoliceAreaFactory()]):
            Party.objects.create(agreement=self, organisation=organisation, order=order)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    agreement = factory.SubFactory(AgreementFactory)
    part = Section.Part.APPENDIX
    heading = factory.Sequence(lambda n: f"Avsnitt {n}")
    body = "<p>Text i avsnittet.</p>"
    order = factory.Sequence(lambda n: n)


class FigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Figure

    section = factory.SubFactory(SectionFactory)
    image = factory.LazyFunction(lambda: ContentFile(image_bytes(), name="figur.png"))
    alt_text = "Ett organisationsschema: säkerhetsenheten under kommunledningskontoret."
    caption = "Organisationen"
    order = factory.Sequence(lambda n: n)


class SignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signatory

    agreement = factory.SubFactory(AgreementFactory)
    party = factory.LazyAttribute(lambda o: o.agreement.parties.first())
    name = factory.Faker("name", locale="sv_SE")
    title = "Kommunstyrelsens ordförande"


class CooperationForumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CooperationForum

    agreement = factory.SubFactory(AgreementFactory)
    name = "Operativ samverkan (EST)"
    meeting_frequency = "Varje vecka"
    convener = "Kommunens säkerhetsenhet"
