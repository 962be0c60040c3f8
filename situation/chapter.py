"""The yearly lägesbild as the lägesbild chapter of an agreement's Bilaga 1: its analysis, the tables and charts of the
mapping and its sources, copied into the agreement's own content (a section with subsections and figures), so that a
signed agreement keeps what was placed in it whatever the statistics say later."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.translation import gettext as _

from agreements.models import Agreement, AgreementFrozen, Figure, Section
from samverkan.lib.charts import chart_png, format_number
from samverkan.lib.images import image_stored_name

from .models import YearlyPicture
from .yearly import Mapping, yearly_mapping


@dataclass
class ChapterPart:
    heading: str
    body: str
    charts: list[tuple[str, str, str]] = field(default_factory=list)  # (svg, alternative text, caption)


@dataclass
class Chapter:
    heading: str
    body: str
    parts: list[ChapterPart]


def _table(caption: str, header: list[str], rows: list[list[str]]) -> str:
    # The text's tables have no caption: the caption is the paragraph before it.
    return format_html(
        "<p><strong>{}</strong></p><table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>",
        caption,
        format_html_join("", "<th>{}</th>", ((cell,) for cell in header)),
        format_html_join(
            "",
            "<tr>{}</tr>",
            ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows),
        ),
    )


def _text(value: str) -> str:
    return linebreaks(value.strip(), autoescape=True) if value.strip() else "<p>–</p>"


def chapter_of(picture: YearlyPicture, mapping: Mapping) -> Chapter:
    """The chapter's words in the agreement's language, from the picture and the year's mapping."""
    year = picture.year
    parts = []
    for source in mapping.sources:
        lead = _("%(total)s reports in %(year)s, against %(before)s the year before.") % {
            "total": source.total,
            "year": year,
            "before": source.total_before,
        }
        table = _table(
            _("%(label)s per type of crime") % {"label": source.label},
            [_("Type of crime"), str(year), str(year - 1)],
            [[row.name, str(row.recent), str(row.before)] for row in source.types],
        )
        description = _("Reports per month of the year (1 = January), with the same month the year before.")
        parts.append(
            ChapterPart(
                heading=source.label,
                body=format_html("<p>{}</p>", lead) + table,
                charts=[(source.chart, f"{source.label} {year}. {description}"[:500], f"{source.label} {year}")],
            )
        )
    if mapping.weeks:
        lead = _("%(weeks)s weeks surveyed, %(answers)s answers.") % {
            "weeks": mapping.weeks,
            "answers": mapping.answers,
        }
        tables = "".join(
            _table(
                title,
                [_("Factor") if index == 0 else _("Place"), _("Mean rating")],
                [[item.name, "–" if mean is None else format_number(round(mean, 1))] for item, mean in rows],
            )
            for index, (title, rows) in enumerate(mapping.tables)
        )
        parts.append(ChapterPart(heading=_("The weekly survey (EST)"), body=format_html("<p>{}</p>", lead) + tables))
    parts.append(ChapterPart(heading=_("Sources and their limits"), body=_text(picture.sources)))
    return Chapter(heading=_("Situation picture %(year)s") % {"year": year}, body=_text(picture.analysis), parts=parts)


def placed_chapter(picture: YearlyPicture, agreement: Agreement) -> Section | None:
    """The agreement's lägesbild chapter placed before (from any year's picture of the municipality, or its copy in
    this revision, found by key), which placing again replaces."""
    keys = Section.objects.filter(yearly_pictures__municipality_id=picture.municipality_id).values("key")
    return Section.objects.filter(agreement=agreement, part=Section.Part.APPENDIX, key__in=keys).first()


@transaction.atomic
def chapter_place(*, picture: YearlyPicture, agreement: Agreement) -> Section:
    """Place the year's lägesbild in the agreement's Bilaga 1 as its chapter: the first one, or in place of the
    chapter placed before, whose subsections and figures go. AgreementFrozen for a signed agreement."""
    if Agreement.stored_as_frozen(agreement.pk):  # locks the agreement's row until the chapter is written
        raise AgreementFrozen
    with translation.override(settings.LANGUAGE_CODE):  # the agreement's language, whatever the user reads in
        chapter = chapter_of(picture, yearly_mapping(picture.municipality, picture.year))
    section = placed_chapter(picture, agreement)
    if section is None:
        first = Section.objects.filter(agreement=agreement, part=Section.Part.APPENDIX, parent=None)
        for later in first.order_by("-order", "-pk"):  # each through its own save: history and the frozen check
            later.order += 1
            later.save(update_fields=["order"])
        section = Section(agreement=agreement, part=Section.Part.APPENDIX, order=0)
    else:
        for child in section.children.all():
            child.delete()
        for figure in section.figures.all():
            figure.delete()
        section.version += 1
    section.heading, section.body = chapter.heading, chapter.body
    section.full_clean()
    section.save()
    for order, part in enumerate(chapter.parts):
        child = Section(
            agreement=agreement, part=Section.Part.APPENDIX, parent=section, order=order, heading=part.heading
        )
        child.body = part.body
        child.full_clean()
        child.save()
        for position, (svg, alt_text, caption) in enumerate(part.charts):
            figure = Figure(section=child, alt_text=alt_text, caption=caption, order=position)
            figure.image.save(image_stored_name("png"), ContentFile(chart_png(svg)), save=False)
            figure.save()
    picture.chapters.add(section)
    return section
