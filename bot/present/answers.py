"""Answers as ``Reply`` objects: the same content for Discord embeds and console text.

Every answer shows where it comes from: our own plain-language summary, the exact quoted clause,
its effective date, the source link and the "as of" date, because terms change and members
should be able to check. Buttons carry their action in their custom id (``buttons.encode``), so
they keep working after a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from bot import limits
from bot.actions import Action, Alternatives, MoreTerms, Pick, ShowHistory, ShowItem, ShowOptOuts
from bot.knowledge.matcher import Match
from bot.knowledge.model import (
    DATE_BASES,
    GLOBAL,
    OPTOUT_EXISTS,
    Absence,
    Clause,
    Event,
    Platform,
)
from bot.knowledge.text import clip
from bot.knowledge.topics import TOPICS
from bot.present.buttons import encode
from bot.present.markdown import escape_markdown, neutralize_mentions, quote_block
from bot.present.reply import (
    COLOR_ANSWER,
    COLOR_MUTED,
    COLOR_NOTICE,
    Button,
    Card,
    Field,
    Reply,
)
from bot.present.texts import ENGLISH, Texts
from bot.results import (
    AboutView,
    AlternativesView,
    AnswerView,
    ClauseView,
    FaqView,
    Gone,
    HistoryView,
    OptOutsView,
    OptOutView,
    TermsView,
    UnknownPlatform,
    View,
)

MAX_CARDS = 3  # clauses or opt-outs shown at once


# -- buttons ---------------------------------------------------------------------------------
def optout_button(platform: str, t: Texts) -> Button:
    return Button(t("button.optout"), custom_id=encode(ShowOptOuts(platform)), style="primary")


def history_button(platform: str, t: Texts) -> Button:
    return Button(t("button.history"), custom_id=encode(ShowHistory(platform)))


def alternatives_button(query: str, guild_id: int | None, t: Texts) -> Button:
    return Button(t("button.not_asked"), custom_id=encode(Alternatives(guild_id, query)))


def terms_alternatives_button(platform: str, topic: str | None, t: Texts) -> Button:
    return Button(t("button.not_asked"), custom_id=encode(MoreTerms(platform, topic)))


def show_action(match: Match, feedback_id: int | None = None) -> Action:
    """What pressing a match shows: its item, or for a history match the whole timeline; after
    "Not what I asked" (``feedback_id``) the press is also recorded as the member's pick."""
    if match.is_timeline and match.platform:
        if feedback_id is not None:
            return Pick(feedback_id, "history", match.platform)
        return ShowHistory(match.platform)
    if feedback_id is not None:
        return Pick(feedback_id, match.kind, match.id)
    return ShowItem(match.kind, match.id)


def show_button(match: Match, label: str, feedback_id: int | None = None) -> Button:
    return Button(
        clip(label, limits.BUTTON_LABEL), custom_id=encode(show_action(match, feedback_id))
    )


def match_title(match: Match, t: Texts) -> str:
    """A suggestion's title in the reader's language (shipped entries' translations; a
    server's own entries as their moderators wrote them)."""
    if match.guild_id is not None:
        return match.title
    name = "question" if match.kind == "faq" else "title"
    return t.kb(match.kind, match.id, name, match.title)


def platform_buttons(platform: str | None, t: Texts) -> list[Button]:
    return [optout_button(platform, t), history_button(platform, t)] if platform else []


# -- small parts -----------------------------------------------------------------------------
def _domain(url: str) -> str:
    return urlsplit(url).netloc.removeprefix("www.") or url


def _source(url: str) -> str:
    return f"[{_domain(url)}]({url})"


def _live_link(platform: Platform, t: Texts) -> str:
    return t("answer.live_terms", url=platform.terms_url) if platform.terms_url else ""


def since(clause: Clause, t: Texts) -> tuple[str, str]:
    """The field that dates a wording: its label says what kind of date it is."""
    if clause.since_after is not None:  # a gap between two captures: no exact day known
        return t("clause.since.between"), t(
            "clause.since.between.value",
            after=t.date(clause.since_after),
            before=t.date(clause.since),
        )
    basis = clause.since_basis if clause.since_basis in DATE_BASES else "effective"
    return t(f"clause.since.{basis}"), t.date(clause.since)


def _scope(region: tuple[str, ...], apps: tuple[str, ...], t: Texts) -> str:
    """ "EEA, UK · Instagram" for a clause or opt-out that does not apply everywhere."""
    parts = []
    if region and region != (GLOBAL,):
        parts.append(", ".join(t(f"region.{r}") for r in region))
    if apps:
        parts.append(", ".join(a.capitalize() for a in apps))
    return " · ".join(parts)


def _join_within(lines: list[str], budget: int, t: Texts) -> str:
    """Whole lines only; when they do not all fit, say how many were left out."""
    out: list[str] = []
    used = 0
    for n, line in enumerate(lines):
        if used + len(line) + 1 > budget:
            out.append(t("history.more", count=len(lines) - n))
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)


def quote_heading(clause: Clause, t: Texts) -> str:
    """The heading over a quoted clause. Quotes stay verbatim in the document's language, so a
    member reading another language is told which one ("Quoted from the English Terms of Use")."""
    document = t.document(clause.document)
    if clause.language == t.lang:
        return t("clause.what_it_says", document=document)
    return t("clause.quoted_from", language=t.language(clause.language), document=document)


# -- cards -----------------------------------------------------------------------------------
def clause_card(view: ClauseView, t: Texts = ENGLISH) -> Card:
    clause, platform = view.clause, view.platform
    description = t.kb("clause", clause.id, "summary", clause.summary)
    if not clause.current:
        description += "\n\n" + t("clause.replaced")
    live = _live_link(platform, t)
    if live:
        description += f"\n\n{live} · {t('answer.check_live')}"
    label, when = since(clause, t)
    fields = [
        Field(quote_heading(clause, t), quote_block(clip(clause.quote, 1000))),
        Field(label, when, inline=True),
        Field(t("answer.as_of"), t.date(clause.verified), inline=True),
        Field(t("answer.source"), _source(clause.source_url), inline=True),
    ]
    scope = _scope(clause.region, clause.apps, t)
    if scope:
        fields.append(Field(t("answer.applies_to"), scope, inline=True))
    if view.needs_review:
        fields.append(Field(t("clause.review.title"), t("clause.review.text")))
    if clause.quote_source == "secondary":
        fields.append(Field(t("clause.press.title"), t("clause.press.text")))
    if clause.note:
        fields.append(Field(t("answer.note"), t.kb("clause", clause.id, "note", clause.note)))
    return Card(
        title=t.kb("clause", clause.id, "title", clause.title),
        author=f"{platform.name} · {t.topic(clause.topic)}",
        description=description,
        url=clause.source_url,
        color=COLOR_ANSWER if clause.current else COLOR_MUTED,
        fields=fields,
        footer=t(
            "clause.footer", document=t.document(clause.document), verified=t.date(clause.verified)
        ),
    )


def optout_card(view: OptOutView, t: Texts = ENGLISH) -> Card:
    opt, platform = view.optout, view.platform

    def own(name: str, english: str) -> str:
        return t.kb("optout", opt.id, name, english)

    fields: list[Field] = []
    if opt.steps:
        steps = t.kb_list("optout", opt.id, "steps", opt.steps)
        fields.append(
            Field(t("optout.steps"), "\n".join(f"{n}. {s}" for n, s in enumerate(steps, start=1)))
        )
    if opt.url:
        fields.append(Field(t("optout.link"), opt.url))
    if opt.who:
        fields.append(Field(t("optout.who"), own("who", opt.who)))
    if opt.not_covered:
        fields.append(Field(t("optout.not_covered"), own("not_covered", opt.not_covered)))
    if opt.quote:
        fields.append(Field(t("optout.quote"), quote_block(clip(opt.quote, 900))))
    if opt.note:
        fields.append(Field(t("answer.note"), own("note", opt.note)))
    scope = _scope(opt.region, opt.apps, t)
    if scope:
        fields.append(Field(t("answer.applies_to"), scope, inline=True))
    fields.append(Field(t("answer.as_of"), t.date(opt.verified), inline=True))
    fields.append(Field(t("answer.source"), _source(opt.source_url), inline=True))
    return Card(
        title=own("title", opt.title),
        author=f"{platform.name} · {optout_kind(opt.exists, t)}",
        description=own("controls", opt.controls),
        url=opt.source_url,
        color=COLOR_ANSWER if opt.available else COLOR_NOTICE,
        fields=fields,
        footer=t("optout.footer", verified=t.date(opt.verified), check=t("answer.check_live")),
    )


def optout_kind(exists: str, t: Texts) -> str:
    """ "There is no opt-out" is not "I found no opt-out": each is worded for what it is."""
    return t(f"optout.kind.{exists if exists in OPTOUT_EXISTS else 'yes'}")


def faq_card(view: FaqView, t: Texts = ENGLISH) -> Card:
    entry = view.entry
    if entry.is_guild:
        # Moderators' text: kept as written (they may format it) but it can never ping.
        question = neutralize_mentions(entry.question)
        answer = neutralize_mentions(entry.answer_in(t.lang) or entry.answer)
        footer = t("faq.footer.guild")
    else:
        question = t.kb("faq", entry.id, "question", entry.question)
        answer = t.kb("faq", entry.id, "answer", entry.answer)
        footer = (
            t("faq.footer.shipped_as_of", verified=t.date(entry.verified))
            if entry.verified
            else t("faq.footer.shipped")
        )
    fields: list[Field] = []
    if entry.links:
        fields.append(Field(t("faq.sources"), "\n".join(f"<{link}>" for link in entry.links[:6])))
    # The quotes an answer rests on are shown from its clauses, never retyped in the answer.
    quote_room = 900 if len(view.clauses) < 2 else 700
    for cv in view.clauses:
        clause = cv.clause
        label, when = since(clause, t)
        same = clause.language == t.lang
        fields.append(
            Field(
                t(
                    "faq.clause" if same else "faq.clause.quoted",
                    platform=cv.platform.name,
                    document=t.document(clause.document),
                    since=f"{label.lower()} {when}",
                    **({} if same else {"language": t.language(clause.language)}),
                ),
                quote_block(clip(clause.quote, quote_room))
                + "\n"
                + t("faq.clause_source", url=clause.source_url),
            )
        )
    for opt in view.optouts:
        link = f"[{t('faq.source')}]({opt.source_url})"
        title = t.kb("optout", opt.id, "title", opt.title)
        fields.append(Field(title, f"{optout_kind(opt.exists, t)} · {link}"))
    names = ", ".join(p.name for p in view.platforms)
    url = entry.links[0] if entry.links else None
    if url is None and view.clauses:
        url = view.clauses[0].clause.source_url
    return Card(
        title=question,
        author=f"{names or t('faq.all_platforms')} · {t.topic(view.topic or entry.topics[0])}",
        description=answer,
        url=url,
        fields=fields,
        footer=footer,
    )


def history_card(view: HistoryView, t: Texts = ENGLISH) -> Card:
    platform = view.platform
    lines: list[str] = []
    for item in view.items:
        if isinstance(item, Clause):
            state = "" if item.current else t("history.replaced")
            lines.append(
                t(
                    "history.clause",
                    date=t.date(item.effective),
                    title=t.kb("clause", item.id, "title", item.title),
                    document=t.document(item.document),
                    state=state,
                    url=item.source_url,
                )
            )
        elif isinstance(item, Event):
            lines.append(
                t(
                    "history.event",
                    date=t.date(item.date),
                    title=t.kb("event", item.id, "title", item.title),
                    url=item.source_url,
                )
            )
    if not lines:
        description = t("history.empty", platform=platform.name)
    else:
        description = _join_within(lines, limits.EMBED_DESCRIPTION - 200, t)
    live = _live_link(platform, t)
    if live:
        description += f"\n\n{live}"
    return Card(
        title=t("history.title", platform=platform.name),
        author=f"{platform.name} · {t.topic('history')}",
        description=description,
        url=platform.terms_url,
        footer=t("history.footer"),
    )


# -- replies ---------------------------------------------------------------------------------
def clause(view: ClauseView, t: Texts = ENGLISH) -> Reply:
    return Reply([clause_card(view, t)], buttons=platform_buttons(view.clause.platform, t))


def optout(view: OptOutView, t: Texts = ENGLISH) -> Reply:
    return Reply([optout_card(view, t)], buttons=[history_button(view.optout.platform, t)])


def faq(view: FaqView, t: Texts = ENGLISH) -> Reply:
    entry = view.entry
    platform = entry.platforms[0] if len(entry.platforms) == 1 else None
    return Reply([faq_card(view, t)], buttons=platform_buttons(platform, t))


def history(view: HistoryView, t: Texts = ENGLISH) -> Reply:
    return Reply([history_card(view, t)], buttons=[optout_button(view.platform.id, t)])


def gone(_view: Gone | None = None, t: Texts = ENGLISH) -> Reply:
    return Reply(
        [Card(t("gone.title"), t("gone.text"), color=COLOR_NOTICE)],
        ephemeral=True,
    )


def item(
    view: ClauseView | OptOutView | FaqView | HistoryView | OptOutsView | Gone,
    t: Texts = ENGLISH,
) -> Reply:
    """One clause, opt-out, FAQ entry, timeline or a platform's opt-outs (answers and the
    "show" buttons)."""
    return render(view, t)


def answer(view: AnswerView, t: Texts = ENGLISH) -> Reply:
    if view.state == "off-topic":
        return off_topic(view, t)
    if view.state == "uncurated" and view.platform is not None:
        return uncurated(view, view.platform, t)
    if view.shown is None:
        return not_sure(view, t)
    reply = item(view.shown, t)
    if not isinstance(view.shown, Gone):
        reply.buttons.append(alternatives_button(view.result.query, view.guild_id, t))
    return reply


def off_topic(view: AnswerView, t: Texts = ENGLISH) -> Reply:
    """Not a question about AI terms: say what Fine Print answers, with commands to try."""
    platform = view.platform
    examples = (
        t("off_topic.examples.platform", platform=platform.id, name=platform.name)
        if platform is not None
        else t("off_topic.examples")
    )
    text = t("off_topic.text") + "\n\n" + examples
    return Reply([Card(t("off_topic.title"), text, color=COLOR_NOTICE)])


def uncurated(view: AnswerView, platform: Platform, t: Texts = ENGLISH) -> Reply:
    """The platform and topic were understood, and nothing is curated for them: say exactly
    that, then what there is for that platform and its live terms."""
    offers = view.result.alternatives
    lines = [
        t(
            "uncurated.text",
            platform=platform.name,
            what=t(f"uncurated.what.{view.topic}") if view.topic else t("topic.none"),
        )
    ]
    lines += [
        absence_line(a, platform.name, t) + (f" {a.note}" if a.note else "") for a in view.absences
    ]
    if offers:
        lines.append("\n" + t("uncurated.have", platform=platform.name))
        lines += [f"{n}. {m.title} ({t.topic(m.topic)})" for n, m in enumerate(offers, start=1)]
    live = _live_link(platform, t)
    if live:
        lines.append("\n" + live + " · " + t("answer.check_live"))
    return Reply(
        [Card(t("uncurated.title", platform=platform.name), "\n".join(lines), color=COLOR_NOTICE)],
        buttons=[
            show_button(m, f"{n}. {m.title}")
            for n, m in enumerate(offers[: limits.BUTTONS_PER_ROW - 1], start=1)
        ],
    )


def not_sure(view: AnswerView, t: Texts = ENGLISH) -> Reply:
    result = view.result
    lines = [t("not_sure.intro")]
    if view.platform is not None:
        lines.append(t("not_sure.platform", platform=view.platform.name))
    if result.alternatives:
        lines.append("\n" + t("not_sure.did_you_mean"))
        lines += [f"{n}. {match_title(m, t)}" for n, m in enumerate(result.alternatives, start=1)]
    lines.append("\n" + t("not_sure.try"))
    return Reply(
        [Card(t("not_sure.title"), "\n".join(lines), color=COLOR_NOTICE)],
        buttons=[
            show_button(m, f"{n}. {match_title(m, t)}")
            for n, m in enumerate(result.alternatives[: limits.BUTTONS_PER_ROW - 1], start=1)
        ],
    )


def alternatives(view: AlternativesView, t: Texts = ENGLISH) -> Reply:
    """The other matches for a question (the App already left out what was shown)."""
    if not view.matches:
        return Reply(
            [Card(t("alternatives.none.title"), t("alternatives.none.text"), color=COLOR_NOTICE)],
            ephemeral=True,
        )
    lines = [
        f"{n}. {match_title(m, t)} ({t.topic(m.topic)})"
        for n, m in enumerate(view.matches, start=1)
    ]
    return Reply(
        [Card(t("alternatives.title"), "\n".join(lines), color=COLOR_MUTED)],
        buttons=[
            show_button(m, f"{n}. {match_title(m, t)}", view.feedback_id)
            for n, m in enumerate(view.matches, start=1)
        ],
        ephemeral=True,
    )


def absence_line(absence: Absence, platform: str, t: Texts = ENGLISH) -> str:
    """ "No AI clause found in <document> as of <date>" when an archived version was read;
    when only research sources were, that nothing verified is known, and why."""
    if absence.checked is None or absence.from_research:
        return t(
            "terms.absence.research",
            platform=platform,
            document=t.document(absence.document),
            url=absence.source_url,
        )
    return t(
        "terms.absence",
        document=t.document(absence.document),
        url=absence.source_url,
        checked=t.date(absence.checked),
    )


def terms(view: TermsView, t: Texts = ENGLISH) -> Reply:
    platform = view.platform
    if not view.clauses:
        topic = t.topic(view.topic)
        hint = (
            " " + t("terms.nothing.have", topics=", ".join(t.topic(x) for x in view.other_topics))
            if view.other_topics
            else ""
        )
        absent = "".join(
            "\n"
            + absence_line(a, platform.name, t)
            + (f" {t.kb('absence', a.id, 'note', a.note)}" if a.note else "")
            for a in view.absences
        )
        card = Card(
            t("terms.nothing.title", platform=platform.name, topic=topic),
            t(
                "terms.nothing.text",
                topic=topic,
                platform=platform.name,
                absent=absent,
                hint=hint,
                url=platform.terms_url,
            ),
            color=COLOR_NOTICE,
        )
        return Reply([card], buttons=platform_buttons(platform.id, t))
    return Reply(
        [clause_card(c, t) for c in view.clauses[:MAX_CARDS]],
        buttons=[
            *platform_buttons(platform.id, t),
            terms_alternatives_button(platform.id, view.topic, t),
        ],
    )


def optouts(view: OptOutsView, t: Texts = ENGLISH) -> Reply:
    platform = view.platform
    if not view.optouts:
        return Reply(
            [
                Card(
                    t("optouts.none.title", platform=platform.name),
                    t("optouts.none.text"),
                    color=COLOR_NOTICE,
                )
            ],
            buttons=[history_button(platform.id, t)],
        )
    return Reply(
        [optout_card(o, t) for o in view.optouts[:MAX_CARDS]],
        buttons=[history_button(platform.id, t)],
    )


def unknown_platform(view: UnknownPlatform, t: Texts = ENGLISH) -> Reply:
    return Reply(
        [
            Card(
                t("unknown_platform.title"),
                t(
                    "unknown_platform.text",
                    typed=escape_markdown(clip(view.typed, 60)),
                    known=", ".join(view.known),
                ),
                color=COLOR_NOTICE,
            )
        ],
        ephemeral=True,
    )


def about(view: AboutView, t: Texts = ENGLISH) -> Reply:
    oldest = t.date(view.oldest_verified) if view.oldest_verified else t("about.none")
    fields = [
        Field(t("about.version"), view.version, inline=True),
        Field(t("about.platforms"), t.number(view.platforms), inline=True),
        Field(
            t("about.knowledge"),
            t(
                "about.counts",
                clauses=t.number(view.clauses),
                optouts=t.number(view.optouts),
                faq=t.number(view.faq),
            ),
            inline=True,
        ),
        Field(t("about.freshness"), t("about.freshness.text", oldest=oldest)),
    ]
    return Reply([Card(t("about.title"), t("about.text"), fields=fields)])


def help_card(t: Texts = ENGLISH) -> Reply:
    topics = ", ".join(f"`{topic.id}`" for topic in TOPICS)
    return Reply([Card(t("help.title"), t("help.text", topics=topics))], ephemeral=True)


_RENDERERS: dict[type, Callable[[Any, Texts], Reply]] = {
    ClauseView: clause,
    OptOutView: optout,
    FaqView: faq,
    HistoryView: history,
    Gone: gone,
    AnswerView: answer,
    TermsView: terms,
    OptOutsView: optouts,
    AlternativesView: alternatives,
    UnknownPlatform: unknown_platform,
    AboutView: about,
}


def render(view: View, t: Texts = ENGLISH) -> Reply:
    """Any answer-side view the App returns (what a button press or a command produced)."""
    return _RENDERERS[type(view)](view, t)
