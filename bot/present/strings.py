"""Every sentence Fine Print writes in its own words, in English, by key.

The one home for user-facing strings: renderers look them up through ``Texts``. Placeholders
use ``str.format`` names (``{platform}``); a key ending in ``.one`` / ``.other`` is chosen by a
number (``Texts.n``). Keys are grouped by the part of the bot that speaks.
"""

from __future__ import annotations

STRINGS: dict[str, str] = {
    # -- topics ---------------------------------------------------------------------------
    "topic.ai-training": "AI training",
    "topic.third-party": "Third parties",
    "topic.opt-out": "Opt-out",
    "topic.license": "Licence",
    "topic.ai-content": "AI-generated content",
    "topic.history": "History",
    "topic.none": "AI terms",
    # -- buttons --------------------------------------------------------------------------
    "button.optout": "Opt-out steps",
    "button.history": "History",
    "button.not_asked": "Not what I asked",
    "button.previous": "Previous page",
    "button.next": "Next page",
    # -- answers --------------------------------------------------------------------------
    "answer.check_live": "Terms change often: check the live page before acting.",
    "answer.live_terms": "[Live terms]({url})",
    "answer.as_of": "As of",
    "answer.source": "Source",
    "answer.note": "Note",
    "card.read_more": "Read the full text",
    "clause.replaced": "**This wording has since been replaced** — see History.",
    "clause.what_it_says": "What the {document} say",
    "clause.quoted_from": "Quoted from the {language} {document}",
    "clause.since.effective": "Effective",
    "clause.since.captured": "First recorded",
    "clause.since.announced": "Announced",
    "clause.since.reported": "Reported",
    "clause.since.between": "Appeared",
    "clause.since.between.value": "between {after} and {before}",
    "answer.applies_to": "Applies to",
    "region.global": "everywhere",
    "region.eu": "EU",
    "region.eea": "EEA",
    "region.efta": "EFTA",
    "region.uk": "UK",
    "region.ch": "Switzerland",
    "region.us": "US",
    "region.ca": "Canada",
    "region.br": "Brazil",
    "region.in": "India",
    "region.jp": "Japan",
    "region.kr": "South Korea",
    "region.au": "Australia",
    "region.hk": "Hong Kong",
    "region.sg": "Singapore",
    "region.rest-of-world": "other regions (see the note)",
    "clause.review.title": "Needs review",
    "clause.review.text": (
        "This quote was not found in the latest copy of the page we watch: the platform may "
        "have changed it. Check the live page."
    ),
    "clause.press.title": "Quoted via the press",
    "clause.press.text": "The platform's original text is not archived.",
    "clause.footer": "Fine Print · {document} · as of {verified}",
    "optout.steps": "Steps",
    "optout.link": "Link",
    "optout.who": "Who can use it",
    "optout.not_covered": "What it does not cover",
    "optout.kind.yes": "Opt-out",
    "optout.kind.no": "No opt-out",
    "optout.kind.unknown": "No opt-out found",
    "optout.quote": "In the source's words",
    "optout.footer": "Fine Print · as of {verified} · {check}",
    "faq.footer.guild": "Answer written by this server's moderators",
    "faq.footer.shipped": "Fine Print FAQ",
    "faq.footer.shipped_as_of": "Fine Print FAQ · as of {verified}",
    "faq.sources": "Sources",
    "faq.clause": "The clause ({platform}, {document}, {since})",
    "faq.source": "source",
    "faq.clause.quoted": "The clause ({platform}, {since}), quoted from the {language} {document}",
    "faq.clause_source": "[source]({url})",
    "faq.all_platforms": "All platforms",
    "history.title": "{platform}: what changed and when",
    "history.clause": "**{date}** — {title} ({document}){state} · [source]({url})",
    "history.event": "**{date}** — {title} · [source]({url})",
    "history.replaced": " · *replaced*",
    "history.empty": "I have no dated changes on record for {platform} yet.",
    "history.more": "… and {count} earlier/later entries not shown.",
    "history.footer": "Fine Print · oldest first · dates are effective or announcement dates",
    "gone.title": "That answer is no longer available",
    "gone.text": "It may have been removed or edited. Ask again with `/faq ask`.",
    "not_sure.title": "Not sure what you're asking",
    "not_sure.intro": "I couldn't match that to a platform's AI terms with confidence.",
    "not_sure.platform": "It sounds like **{platform}**.",
    "not_sure.did_you_mean": "**Did you mean:**",
    "not_sure.try": (
        "Try `/terms <platform>`, `/optout <platform>` or rephrase, e.g. "
        "`/faq ask does spotify train ai on my songs`. Moderators can add this server's own "
        "answers with `/faqmod add`."
    ),
    "off_topic.title": "I answer questions about platforms' AI terms",
    "off_topic.text": (
        "Ask me whether a platform trains AI on your uploads, shares or sells them, what licence "
        "you grant it, how to opt out, its rules on AI-generated music, or what changed in its "
        "terms and when."
    ),
    "off_topic.examples": (
        "Try `/terms soundcloud`, `/optout youtube` or "
        "`/faq ask does spotify train ai on my songs`."
    ),
    "off_topic.examples.platform": (
        "For {name}, try `/terms {platform}`, `/optout {platform}` or "
        "`/faq ask does {platform} train ai on my uploads`."
    ),
    "uncurated.title": "{platform}: no curated answer yet",
    "uncurated.text": "I have no curated answer about {platform}'s {what} yet.",
    "uncurated.have": "What I do have for {platform}:",
    "uncurated.what.ai-training": "AI-training terms",
    "uncurated.what.third-party": "terms on sharing content with others for AI",
    "uncurated.what.opt-out": "opt-out",
    "uncurated.what.license": "licence terms",
    "uncurated.what.ai-content": "rules for AI-generated uploads",
    "uncurated.what.history": "history of AI-terms changes",
    "alternatives.title": "Other answers that might fit",
    "alternatives.none.title": "No other answers",
    "alternatives.none.text": (
        "I have nothing else close to that question. Try rephrasing, or ask your moderators "
        "to add an answer with `/faqmod add`."
    ),
    "terms.nothing.title": "{platform}: nothing on {topic}",
    "terms.nothing.text": (
        "I have no quoted clause on this topic ({topic}) for {platform}.{absent}{hint} See History "
        "for "
        "dated changes, or the live page: {url}"
    ),
    "terms.nothing.have": "I do have: {topics}.",
    "terms.absence": "No AI clause found in the [{document}]({url}) as of {checked}.",
    "terms.absence.research": (
        "I have no verified clause from {platform}'s {document}: they are not archived where I "
        "can quote them, and the [sources I read]({url}) give no exact, dated wording."
    ),
    "optouts.none.title": "{platform}: no opt-out on record",
    "optouts.none.text": "I have no verified opt-out information for this platform yet.",
    "unknown_platform.title": "Unknown platform",
    "unknown_platform.text": "I don't know a platform called “{typed}”.\nI cover: {known}.",
    "about.title": "About Fine Print",
    "about.text": (
        "Fine Print watches platforms' terms of service and answers questions about how they "
        "may use your uploads for AI. Facts come from the platforms' own terms (via Open Terms "
        "Archive) and reputable reporting, each with its source and date. It is not legal "
        "advice."
    ),
    "about.version": "Version",
    "about.platforms": "Platforms",
    "about.knowledge": "Knowledge",
    "about.counts": "{clauses} clauses · {optouts} opt-outs · {faq} FAQ",
    "about.freshness": "Database freshness",
    "about.freshness.text": (
        "Oldest 'last verified' date: **{oldest}**. Each answer shows its own \"as of\" date."
    ),
    "about.none": "n/a",
    "help.title": "Fine Print — help",
    "help.text": (
        "**Ask**\n"
        "`/terms platform [topic]` — the quoted clause, e.g. `/terms soundcloud ai-training`\n"
        "`/optout platform` — how to opt out (or that you can't), e.g. `/optout youtube`\n"
        "`/faq ask question` — any question, e.g. `/faq ask does spotify train ai on my songs`\n"
        "`/faq suggest question` — suggest a question for the moderators to answer\n"
        "\n"
        "**Alerts** (Manage Server)\n"
        "`/alerts subscribe channel [platforms] [only_ai] [mention_role] [mode]` — post alerts "
        "here, each as it comes or as one weekly digest\n"
        "`/alerts preview platform` — the latest alert for a platform, as it would be posted\n"
        "`/alerts list` · `/alerts unsubscribe` · `/alerts test`\n"
        "`/feeds add|remove|list|status|resume` — this server's own RSS feeds and pages\n"
        "\n"
        "**Curate** (Manage Server or the moderator role)\n"
        "`/faqmod add|edit|remove|restore|hide|unhide|list|history|export|import|queue`\n"
        "`/config modrole role` — who besides Manage Server may curate\n"
        "`/config language` — the language alerts are written in\n"
        "\n"
        "Fine Print answers you in your Discord language.\n"
        "Topics: {topics}.\n"
        'Every answer shows its source and an "as of" date. `/about` shows how fresh the '
        "database is."
    ),
    # -- curation: refusals (bot.curation.errors) -------------------------------------------
    "curation.operator": "the operator (command line)",
    "curation.error.title": "That didn't work",
    "curation.not_found.title": "Entry not found",
    "curation.invalid.title": "Please check the entry",
    "curation.invalid.list": "{problems}",
    "curation.limit.title": "Limit reached",
    "curation.unreadable.title": "Can't read that file",
    "curation.conflict.title": "Someone else changed this entry",
    "curation.conflict.newer": (
        "{by} saved a newer version of {entry} (version {version}) {at}, after you opened it. "
        "Nothing was overwritten. Here is the current text{yours}"
    ),
    "curation.conflict.newer.removing": (
        "{by} saved a newer version of {entry} (version {version}) {at}, after you asked to "
        "remove it. Nothing was overwritten. Here is the current text{yours}"
    ),
    "curation.conflict.yours": "; yours is below so you can copy it.",
    "curation.conflict.no_yours": ".",
    "curation.conflict.removed": (
        "{entry} was removed by {by} {at} while you were editing. Nothing was saved; restore it "
        "with `/faqmod restore {entry}` if it should stay."
    ),
    "curation.conflict.current_question": "Current question",
    "curation.conflict.current_answer": "Current answer",
    "curation.conflict.current_tags": "Current platforms and topics",
    "curation.conflict.your_question": "Your question",
    "curation.conflict.your_answer": "Your answer",
    "curation.no_entry": "This server has no entry {entry}.",
    "curation.no_entry.pick": "This server has no entry {entry}. Pick one from the list.",
    "curation.not_ours": "{entry} is not an entry of this server.",
    "curation.removed": (
        "{entry} was removed by {by} {at}. Bring it back with `/faqmod restore {entry}`."
    ),
    "curation.not_removed": "{entry} is not removed: nothing to restore.",
    "curation.already_removed": "{entry} was already removed by {by} {at}.",
    "curation.already_removed.title": "Already removed",
    "curation.cant_find": (
        "I can't find “{typed}” among this server's entries. Start typing and pick one from the "
        "list."
    ),
    "curation.cant_find.removed": (
        "I can't find “{typed}” among this server's removed entries. Start typing and pick one "
        "from the list."
    ),
    "curation.hide.own": (
        "{entry} is this server's own entry: use `/faqmod remove` (or `/faqmod edit`) for it. "
        "Hiding "
        "is for the shipped Fine Print entries."
    ),
    "curation.no_shipped": (
        "There is no shipped entry “{typed}”. Start typing and pick one from the list."
    ),
    "curation.already_hidden": "“{question}” is already hidden in this server.",
    "curation.already_hidden.title": "Already hidden",
    "curation.not_hidden": "“{question}” is not hidden in this server.",
    "curation.not_hidden.title": "Not hidden",
    "curation.unknown_platform": "I don't know a platform called “{typed}”.",
    "curation.cap": (
        "This server has {live} entries; the limit is {cap}. Remove entries you no longer need "
        "with `/faqmod remove` first."
    ),
    "curation.cap.many": (
        "This server has {live} entries; the limit is {cap} and this would add {adding}. Remove "
        "entries you no longer need with `/faqmod remove` first."
    ),
    "curation.duplicate": (
        "{entry} already asks “{question}”. Edit that one with `/faqmod edit {entry}`, or word "
        "this one differently."
    ),
    "curation.duplicate.title": "That question already has an entry",
    "curation.export.format": "Export as toml or json.",
    "curation.export.empty": (
        "Nothing to export yet — this server has no entries of its own. Add one with `/faqmod add`."
    ),
    "curation.export.empty.title": "No entries yet",
    "curation.file.too_big": "{path} is {size} MB; the limit is 1 MB.",
    "curation.file.unreadable": "Cannot read {path}: {reason}",
    "curation.import.other_server": "That preview belongs to another server.",
    "curation.import.nothing": "The file changes nothing.",
    "curation.import.none.title": "Nothing was imported",
    "curation.import.changed": (
        "{entry} changed since the preview ({by} {at}). Nothing was imported; run the import "
        "again to see the new preview."
    ),
    "curation.import.gone": (
        "{entry} changed since the preview. Nothing was imported; run the import again to see "
        "the new preview."
    ),
    "curation.import.question_taken": (
        "Since the preview, {entry} was saved with the question of {row}. Nothing was "
        "imported; run the import again to see the new preview."
    ),
    "curation.suggest.short": "Please write the question out (at least {min} letters).",
    "curation.suggest.long_question": "The question is {length} characters; the limit is {limit}.",
    "curation.suggest.long_answer": "The answer is {length} characters; the limit is {limit}.",
    "curation.suggest.bad_text": "The text contains characters that cannot be stored.",
    "curation.suggest.rate": (
        "You've suggested {count} questions in the last hour — thank you! You can suggest "
        "another in about {minutes} minute(s)."
    ),
    "curation.suggest.rate.title": "Thanks — that's plenty for now",
    "curation.suggest.full": (
        "The moderators already have {count} suggestions to read. Please try again in a few days."
    ),
    "curation.suggest.full.title": "The suggestion box is full",
    "curation.suggest.dup": "That question is already waiting for the moderators — thanks!",
    "curation.suggest.dup.title": "Already suggested",
    "curation.suggestion.none": "There is no suggestion #{number} in this server.",
    "curation.suggestion.approved": "Suggestion #{number} was already approved by {by} {at}.",
    "curation.suggestion.rejected": "Suggestion #{number} was already rejected by {by} {at}.",
    "curation.suggestion.reviewed.title": "Already reviewed",
    "curation.form.unknown_tags": (
        "I didn't understand {names} in platforms and topics. Use platform names (e.g. "
        "{examples}) and topics ({topics}), separated by commas."
    ),
    "curation.form.no_topic": "Add at least one topic: {topics}.",
    "curation.form.incomplete": "The entry is incomplete.",
    "curation.form.topic_guessed": (
        "Topic set to “{topic}” from the question; edit the entry to change it."
    ),
    # -- curation: replies (bot.present.curation) --------------------------------------------
    "curation.action.add": "Added",
    "curation.action.edit": "Edited",
    "curation.action.remove": "Removed",
    "curation.action.restore": "Restored",
    "curation.action.hide": "Hidden in this server",
    "curation.action.unhide": "Shown again in this server",
    "curation.action.import": "Imported",
    "curation.action.approve": "Added from a member's suggestion",
    "curation.action.reject": "Suggestion declined",
    "curation.field.platforms": "Platforms",
    "curation.field.topics": "Topics",
    "curation.field.phrasings": "Also matches",
    "curation.saved.add.title": "Entry added",
    "curation.saved.add.text": "Members can ask it now with `/faq ask`.",
    "curation.saved.approve.title": "Suggestion approved",
    "curation.saved.approve.text": "Members can ask it now with `/faq ask`.",
    "curation.saved.edit.title": "Entry saved",
    "curation.saved.edit.text": "The new text answers from now on.",
    "curation.saved.restore.title": "Entry restored",
    "curation.saved.restore.text": "It answers questions again.",
    "curation.saved.remove.title": "Entry removed",
    "curation.saved.remove.text": "It no longer answers. Undo with `/faqmod restore {entry}`.",
    "curation.saved.import.title": "Saved",
    "curation.saved.import.text": "",
    "curation.saved.hide.title": "Saved",
    "curation.saved.hide.text": "",
    "curation.saved.unhide.title": "Saved",
    "curation.saved.unhide.text": "",
    "curation.saved.reject.title": "Saved",
    "curation.saved.reject.text": "",
    "curation.saved.same.title": "Nothing to save",
    "curation.saved.same.text": "The entry already says exactly that.",
    "curation.remove.confirm.title": "Remove {entry}?",
    "curation.remove.confirm.text": (
        "It will stop answering in this server. You can undo this with `/faqmod restore {entry}`."
    ),
    "curation.entry.footer": "{entry} · version {version}",
    "curation.hidden.title": "Hidden in this server",
    "curation.hidden.text": (
        "“{question}” ({entry}) will no longer answer here. Other servers still see it. Undo "
        "with `/faqmod unhide {entry}`."
    ),
    "curation.shown.title": "Shown again",
    "curation.shown.text": "“{question}” ({entry}) answers in this server again.",
    "curation.list.title": "This server's FAQ",
    "curation.list.hidden.one": "{count} shipped entry hidden here (`/faqmod unhide`).",
    "curation.list.hidden.other": "{count} shipped entries hidden here (`/faqmod unhide`).",
    "curation.list.empty": (
        "No entries yet — add one with `/faqmod add`, import a file with `/faqmod import`, or "
        "review "
        "members' suggestions with `/faqmod queue`."
    ),
    "curation.list.empty.platform": (
        "No entries about {platform} yet — add one with `/faqmod add`. `/faqmod list` without a "
        "platform shows all {total}."
    ),
    "curation.list.item": "{answer}\n*{tags}* · v{version} · changed {when} by {who}",
    "curation.list.heading.one": "This server's FAQ — {shown} entry",
    "curation.list.heading.other": "This server's FAQ — {shown} entries",
    "curation.list.heading.platform.one": "This server's FAQ about {platform} — {shown} entry",
    "curation.list.heading.platform.other": (
        "This server's FAQ about {platform} — {shown} entries"
    ),
    "curation.list.help": (
        "Edit with `/faqmod edit`, remove with `/faqmod remove`, see changes with "
        "`/faqmod history`."
    ),
    "curation.list.of": "{total} of {all}",
    "curation.page": "Page {page} of {pages}",
    "curation.audit.head": "{action} by {who} · {when}",
    "curation.audit.question": "Question: “{question}”",
    "curation.audit.note": "Note: {note}",
    "curation.audit.suggested_by": "Suggested by {who}",
    "curation.history.title": "History of {entry}",
    "curation.history.empty": "“{question}”\n\nNo changes recorded in this server yet.",
    "curation.history.count.one": "“{question}” — {count} change, newest first.",
    "curation.history.count.other": "“{question}” — {count} changes, newest first.",
    "curation.export.title": "FAQ export",
    "curation.export.text.one": (
        "{count} entry, in the same schema as the shipped FAQ. Edit it and bring it back with "
        "`/faqmod import`: rows keep their `guild-N` id, so they update the same entries."
    ),
    "curation.export.text.other": (
        "{count} entries, in the same schema as the shipped FAQ. Edit it and bring it back with "
        "`/faqmod import`: rows keep their `guild-N` id, so they update the same entries."
    ),
    "curation.export.too_big": (
        "⚠️ The file is larger than the {mb} MB import limit: split it into smaller files to "
        "import it again."
    ),
    "curation.import.summary": (
        "{added} to add · {changed} to change · {unchanged} unchanged · {rejected} rejected"
    ),
    "curation.import.report": "Import preview for {file}: {summary}",
    "curation.import.more": "… and {n} more (see the attached report)",
    "curation.import.problems": "Problems",
    "curation.import.rows.rejected": "Rejected ({count})",
    "curation.import.rows.added": "Added ({count})",
    "curation.import.rows.changed": "Changed ({count})",
    "curation.import.refused": (
        "**Nothing was imported.** Fix the rows below and import the file again: a file is "
        "applied all at once or not at all."
    ),
    "curation.import.ready": (
        "Nothing has changed yet. Press **Confirm import** to apply all of it at once, or "
        "**Cancel**."
    ),
    "curation.import.same": (
        "The file matches this server's entries exactly: there is nothing to import."
    ),
    "curation.import.preview": "Import preview — {file}",
    "curation.import.footer": (
        "Rows map to entries by id (guild-N of this server), else by identical question."
    ),
    "curation.import.applied.title": "Import applied",
    "curation.import.applied.text": (
        "{added} added · {changed} changed · {unchanged} unchanged. The new answers are live; "
        "every change is in `/faqmod history`."
    ),
    "curation.suggest.thanks.title": "Thanks for the suggestion!",
    "curation.suggest.thanks.text": (
        "The moderators will review it. If they don't add it, I'll let you know (by DM if your "
        "DMs are open)."
    ),
    "curation.suggest.footer": "Suggestion #{number}",
    "curation.queue.empty.title": "No suggestions waiting",
    "curation.queue.empty.text": (
        "The queue is empty. Members can suggest questions with `/faq suggest`."
    ),
    "curation.queue.question": "Question",
    "curation.queue.answer": "Their suggested answer",
    "curation.queue.suggested": "Suggested",
    "curation.queue.where": " in <#{channel}>",
    "curation.queue.by": "by {who}{where} · {when}",
    "curation.queue.title": "Suggestion #{number}",
    "curation.queue.help": (
        "**Approve** opens the entry form prefilled with it; **Reject** lets you add a short "
        "note for the member."
    ),
    "curation.queue.footer": "{position} of {total} waiting · oldest first",
    "curation.told.dm": "The member was told by DM.",
    "curation.told.channel": (
        "Their DMs are closed, so I told them in the channel where they suggested it."
    ),
    "curation.told.none": (
        "I couldn't reach the member (DMs closed and no access to that channel)."
    ),
    "curation.member.the_server": "the server",
    "curation.member.approved": (
        "Good news! The question you suggested for the FAQ of {server} was added:\n{question}\n"
        "Anyone there can now get the answer with `/faq ask`. Thank you for helping!"
    ),
    "curation.member.declined": (
        "thank you for suggesting a question for the FAQ of {server}:\n{question}\nThe "
        "moderators decided not to add it this time.{reason}\nYou can still ask it with "
        "`/faq ask`, and you're welcome to suggest others."
    ),
    "curation.member.reason": "\nTheir note: {note}",
    "curation.member.hi": "Hi, {body}",
    # -- alerts (bot.present.alerts) ---------------------------------------------------------
    "alert.news": "News",
    "alert.changed.other": "This document changed; the change does not look AI-related.",
    "alert.summary": "Summary",
    "alert.more_ai.one": "…and 1 more AI-relevant sentence in the full diff.",
    "alert.more_ai.other": "…and {count} more AI-relevant sentences in the full diff.",
    "alert.others.one": "…and 1 other edit.",
    "alert.others.other": "…and {count} other edits.",
    "alert.said": "What Fine Print said",
    "alert.said.removed": "its quote is gone from the new version — flagged for review",
    "alert.said.edited": "its quote was reworded — flagged for review",
    "alert.said.nearby": "still quoted, but a sentence next to it changed — flagged for review",
    "alert.said.more.one": "…and 1 more clause.",
    "alert.said.more.other": "…and {count} more clauses.",
    "alert.links": "Links",
    "alert.link.diff": "Full diff",
    "alert.link.page": "Live page",
    "alert.link.archived": "Full text (archived)",
    "alert.footer": "Fine Print · {kind} · detected {detected}",
    "alert.footer.why": "Fine Print · {kind} · matched: {terms} · detected {detected}",
    # Headlines (bot.present.headline): built from the leading AI-relevant sentence's topic,
    # direction, actor and stance; {what} is "your content" or "your data". The most specific
    # key that exists is used: topic.actor.direction.stance, topic.actor.direction,
    # topic.direction.stance, topic.direction, then "alert.headline.ai".
    "alert.headline.ai": "{platform} changed its AI wording",
    "alert.headline.other": "{platform} changed its {document}",
    "alert.headline.document": "terms",
    "alert.headline.whose.content": "your content",
    "alert.headline.whose.data": "your data",
    "alert.headline.ai-training.added.permits": "{platform} now allows AI training on {what}",
    "alert.headline.ai-training.added.forbids": "{platform} now rules out AI training on {what}",
    "alert.headline.ai-training.removed.permits": (
        "{platform} no longer says it allows AI training on {what}"
    ),
    "alert.headline.ai-training.removed.forbids": (
        "{platform} no longer rules out AI training on {what}"
    ),
    "alert.headline.ai-training.edited": (
        "{platform} reworded what it says about AI training on {what}"
    ),
    "alert.headline.ai-training.users.added.forbids": (
        "{platform} now forbids using its service to train AI"
    ),
    "alert.headline.ai-training.users.removed.forbids": (
        "{platform} no longer forbids using its service to train AI"
    ),
    "alert.headline.third-party.added.permits": (
        "{platform} now lets third parties train AI on {what}"
    ),
    "alert.headline.third-party.added.forbids": (
        "{platform} now rules out letting others train AI on {what}"
    ),
    "alert.headline.third-party.removed.permits": (
        "{platform} no longer says third parties may train AI on {what}"
    ),
    "alert.headline.third-party.removed.forbids": (
        "{platform} no longer rules out letting others train AI on {what}"
    ),
    "alert.headline.third-party.edited": (
        "{platform} reworded what it says about others training AI on {what}"
    ),
    "alert.headline.license.added.permits": (
        "{platform} added licence terms covering AI use of {what}"
    ),
    "alert.headline.license.added.forbids": (
        "{platform} now limits how the licence on {what} covers AI"
    ),
    "alert.headline.license.removed.permits": (
        "{platform} removed licence terms covering AI use of {what}"
    ),
    "alert.headline.license.removed.forbids": (
        "{platform} no longer limits how the licence on {what} covers AI"
    ),
    "alert.headline.license.edited": (
        "{platform} reworded the licence terms covering AI use of {what}"
    ),
    "alert.headline.opt-out.added": "{platform} added wording on opting out of AI use of {what}",
    "alert.headline.opt-out.removed": (
        "{platform} removed wording on opting out of AI use of {what}"
    ),
    "alert.headline.opt-out.edited": "{platform} reworded how you opt out of AI use of {what}",
    "alert.headline.ai-content.added.permits": "{platform} added rules for AI-generated uploads",
    "alert.headline.ai-content.added.forbids": "{platform} now restricts AI-generated uploads",
    "alert.headline.ai-content.removed.permits": (
        "{platform} dropped its rules for AI-generated uploads"
    ),
    "alert.headline.ai-content.removed.forbids": (
        "{platform} no longer restricts AI-generated uploads"
    ),
    "alert.headline.ai-content.edited": "{platform} reworded its rules for AI-generated uploads",
    "alert.kind.news": "news",
    "alert.kind.terms-change": "terms change",
    "alert.sample.title": "Sample alert — Fine Print is set up in this channel",
    "alert.sample.document": "Terms of Use (sample)",
    "alert.sample.added": "This is a sample of an added passage. Real alerts quote what changed.",
    "alert.sample.removed": "This is a sample of a removed passage.",
    "alert.sample.role": "Sample: real alerts here mention <@&{role}>.",
    "alert.notice.footer": "Fine Print · source health",
    "alert.refused.title": "Fine Print cannot post alerts",
    "alert.refused.text": (
        "Alerts for <#{channel}> could not be delivered: {reason}. I stopped sending alerts "
        "there. Fix the channel's permissions (View Channel, Send Messages, Embed Links) and "
        "subscribe the channel again."
    ),
    "alert.refused.footer": "Fine Print · delivery",
    "alert.rejected.title": "Fine Print could not post an alert",
    "alert.rejected.text": (
        "Discord refused an alert for <#{channel}>: {reason}. That alert was dropped; the "
        "channel still receives the others. If it happens again, please tell the bot's operator."
    ),
    "digest.title": "Weekly digest · {start} – {end}",
    "digest.count.one": "1 alert from Fine Print this week.",
    "digest.count.other": "{count} alerts from Fine Print this week.",
    "digest.section.ai": "AI-relevant ({count})",
    "digest.section.other": "Other changes and news ({count})",
    "digest.line": "• {where} — {title}{day}",
    "digest.more.one": "…and 1 more alert this week.",
    "digest.more.other": "…and {count} more alerts this week.",
    "digest.footer": "Fine Print · weekly digest · weeks run from Monday 00:00 UTC",
    # -- /alerts, /feeds, /config (bot.present.manage) ---------------------------------------
    "notice.title": "Fine Print",
    "alerts.every_platform": "every platform",
    "alerts.unknown": "I don't know {typed}. I cover: {known}.",
    "alerts.what.ai": "AI-relevant changes and news",
    "alerts.what.all": "every change and news item",
    "alerts.subscribed.title": "Alerts subscribed",
    "alerts.subscribed.text": "<#{channel}> will get alerts about {what} for **{platforms}**.",
    "alerts.subscribed.role": "Each alert mentions <@&{role}>; nothing else ever pings.",
    "alerts.subscribed.weekly": (
        "They come as **one weekly digest**, posted when each week closes (Monday 00:00 UTC); a "
        "week without alerts posts nothing."
    ),
    "alerts.subscribed.weekly_role": "Each digest mentions <@&{role}>; nothing else ever pings.",
    "alerts.subscribed.test": "Use `/alerts test` to post a sample here and check my permissions.",
    "alerts.subscribed.language": "Alerts here are written in {language}.",
    "alerts.check_this": "Check this",
    "alerts.unsubscribed.title": "Unsubscribed",
    "alerts.unsubscribed.text": "<#{channel}> will get no more alerts.",
    "alerts.not_subscribed.title": "Not subscribed",
    "alerts.not_subscribed.text": (
        "<#{channel}> was not getting alerts. `/alerts list` shows the channels that are."
    ),
    "alerts.none.title": "No alert channels yet",
    "alerts.none.text": (
        "No channel in this server gets alerts. Run `/alerts subscribe` in the channel that "
        "should get them (you can pick platforms, AI-only, and a role to mention)."
    ),
    "alerts.list.title": "Alert channels",
    "alerts.line.ai": " · AI-relevant only",
    "alerts.line.all": " · every change",
    "alerts.line.role": " · mentions <@&{role}>",
    "alerts.line.language": " · in {language}",
    "alerts.line.weekly": " · weekly digest",
    "alerts.line.waiting.one": " (1 alert waiting for Monday)",
    "alerts.line.waiting.other": " ({count} alerts waiting for Monday)",
    "alerts.line.paused": "\n  ⚠ paused: {reason} — subscribe again to resume",
    "alerts.missing": "I am missing {missing} in <#{channel}>.",
    "alerts.role_not_mentionable": (
        "<@&{role}> is not mentionable by me: make it mentionable or the alerts will show the "
        "role without notifying anyone."
    ),
    "alerts.pick_text_channel": "Pick a text channel for alerts.",
    "alerts.pick_channel": "Pick a text channel.",
    "alerts.no_everyone": "Alerts never mention @everyone; pick a role.",
    "alerts.test.title": "Sample posted",
    "alerts.test.posted": "Posted a sample alert in <#{channel}>.",
    "alerts.test.not_subscribed": "That channel is not subscribed yet: `/alerts subscribe` it.",
    "alerts.test.refused.title": "Sample not posted",
    "alerts.test.refused": "I could not post in <#{channel}>: I am missing {missing}.",
    "alerts.a_permission": "a permission",
    "perm.view_channel": "View Channel",
    "perm.send_messages": "Send Messages",
    "perm.embed_links": "Embed Links",
    "alerts.preview.latest": (
        "Preview: the latest {platform} alert, detected {detected}, as it would be posted. Only "
        "you can see this, and nobody was notified."
    ),
    "alerts.preview.empty": (
        "No alert for {platform} yet — here is a sample of how one would look. Only you can see "
        "this, and nobody was notified."
    ),
    "alerts.preview.sample.title": "Sample: how a {platform} alert looks",
    "feeds.health.ok": "ok",
    "feeds.health.failing": "failing",
    "feeds.health.paused": "paused",
    "feeds.health.new": "not polled yet",
    "feeds.never": "never",
    "feeds.refused.title": "Source not added",
    "feeds.added.title": "Source added",
    "feeds.added.about": " about **{platform}**",
    "feeds.added.text": (
        "Watching `{source}`{about}: <{url}>.\nThe first check records a baseline and posts "
        "nothing; later changes and new items alert the subscribed channels. `/feeds status` "
        "shows how it is doing."
    ),
    "feeds.removed.title": "Source removed",
    "feeds.removed.text": "`{source}` is no longer watched.",
    "feeds.no_such.title": "No such source",
    "feeds.no_such.text": "This server has no source `{source}`. `/feeds list` shows its sources.",
    "feeds.list.title": "Watched sources",
    "feeds.list.header": (
        "Fine Print watches {shipped} platform pages and news feeds for every server. These are "
        "this server's own:"
    ),
    "feeds.list.none.title": "No server sources yet",
    "feeds.list.none": "(none) — add an RSS feed or a page with `/feeds add`, up to {cap}.",
    "feeds.status.title": "Source status",
    "feeds.status.line": "{health}; last ok {last_ok}",
    "feeds.status.failures": "; {count} failure(s) in a row",
    "feeds.status.error": "Last error: {error}",
    "feeds.status.paused": "Paused — `/feeds resume {source}` to try again",
    "feeds.status.shipped": " (Fine Print's)",
    "feeds.status.summary": "{healthy} of {shipped} of Fine Print's own sources are healthy.",
    "feeds.status.no_own": "This server has no sources of its own (`/feeds add`).",
    "feeds.resume.unknown": "`/feeds status` lists the sources and their ids.",
    "feeds.resume.not_paused.title": "Not paused",
    "feeds.resume.not_paused": "`{source}` is not paused.",
    "feeds.resume.done.title": "Resumed",
    "feeds.resume.done": "`{source}` will be checked again now.",
    "config.modrole.title": "Moderator role updated",
    "config.modrole.set": "Members with <@&{role}> can now curate this server's FAQ.",
    "config.modrole.cleared": "The moderator role is cleared: only Manage Server can curate.",
    "config.modrole.everyone": "@everyone cannot be the moderator role.",
    "config.language.title": "Alert language updated",
    "config.language.set": (
        "Alerts in this server are now written in {language}. A channel can still have its own: "
        "`/alerts subscribe` with `language`. Members' own answers follow their Discord language."
    ),
    "config.language.auto": (
        "Alerts in this server now follow the server's language in Discord's settings "
        "(now {language}). Members' own answers follow their Discord language."
    ),
    "config.language.current": "Alert language",
    "language.auto": "The server's language (Discord settings)",
    # -- console mode (bot.console) ---------------------------------------------------------
    "console.banner": (
        "Fine Print — console mode (DISCORD_TOKEN is not set, so nothing connects to Discord).\n"
        "Type slash commands as text, e.g. /terms soundcloud ai · /optout youtube · "
        "/faq ask does spotify train ai on my songs\n"
        "You are this server's moderator: /faqmod list · add · remove · restore · hide · history · "
        "export · import · queue · /alerts · /feeds · /config.\n"
        "A number presses a button of the last answer. /help lists commands; Ctrl-D quits."
    ),
    "console.server.none": (
        "Server: none given (--guild ID), so this session uses the console's own pseudo-server, "
        "id {guild}."
    ),
    "console.server.given": (
        "Server: {guild} — its own FAQ entries answer here and /faqmod curates them."
    ),
    "console.watching": "Watching {count} sources; alerts print here as they arrive.",
    "console.failed": "Sorry, that failed unexpectedly; the error was logged.",
    "console.unknown_command": "Unknown command /{name}. Known here: {known}.",
    "console.buttons": "Buttons: {buttons}",
    "console.not_understood": "I couldn't understand “{got}”.",
    "console.usage": "Usage: `{form}` — for example `{example}`.",
    "console.no_button": "There is no button {number}.",
    "console.actions": "Actions",
    "console.queue.help": (
        "`/faqmod approve {number}` opens the entry form prefilled with it; "
        "`/faqmod reject {number} "
        "[note]` declines it with a short note for the member."
    ),
    "console.remove.ask": "Type yes to confirm the removal; anything else keeps the entry.",
    "console.remove.kept": "Kept — nothing was removed.",
    "console.edit.intro": "Editing {entry} (Enter keeps a field as it is; /cancel stops).",
    "console.approve.intro": (
        "Approving suggestion #{number} as an entry (Enter keeps a field; /cancel stops)."
    ),
    "console.reject.title": "Suggestion #{number} declined",
    "console.reject.done": "Declined. In Discord the member is told by DM:\n{message}",
    "console.import.ask": "Type yes to apply the import; anything else cancels it.",
    "console.import.cancelled": "Import cancelled — nothing was changed.",
    "console.add.intro": "Adding an entry to this server's FAQ (/cancel stops).",
    "console.form.question": "Question",
    "console.form.phrasings": "Other ways members ask it, one per line (a blank line ends)",
    "console.form.answer": "Answer",
    "console.form.tags": "Platforms and topics, separated by commas (e.g. spotify, ai-training)",
    "console.form.links": "Source links, separated by spaces (optional)",
    "console.form.current": "{prompt}:\n  now: {current}",
    "console.form.cancelled": "Cancelled — nothing was saved.",
    "console.form.cancelled.add": "Cancelled — nothing was added.",
    # -- slash commands: descriptions, option descriptions and choice names (cogs/) ---------
    # Command and option names stay English everywhere; these are what Discord shows beside
    # them, localized through discord.py's Translator (cogs/utils/translator.py).
    "cmd.terms": "What a platform's terms say about AI, quoted",
    "cmd.terms.platform": "The platform, e.g. SoundCloud",
    "cmd.terms.topic": "What to look at (default: AI training)",
    "cmd.optout": "How to opt out of a platform's AI use",
    "cmd.optout.platform": "The platform, e.g. YouTube",
    "cmd.help": "What Fine Print can do, with examples",
    "cmd.about": "Version and how fresh the database is",
    "cmd.faq": "Questions about AI terms",
    "cmd.faq.ask": "Ask anything about platforms' AI terms",
    "cmd.faq.ask.question": "e.g. does spotify train ai on my songs",
    "cmd.faq.suggest": "Suggest a question for the moderators",
    "cmd.faq.suggest.question": "The question members ask",
    "cmd.faq.suggest.answer": "Optional: the answer you'd give (with sources)",
    "cmd.faqmod": "Curate this server's own FAQ answers (moderators)",
    "cmd.faqmod.entry": "Start typing the question or its id (guild-N) and pick from the list",
    "cmd.faqmod.add": "Add an answer for this server",
    "cmd.faqmod.edit": "Edit one of this server's answers",
    "cmd.faqmod.edit.language": "Edit the answer in another language (default: the main one)",
    "cmd.faqmod.remove": "Remove one of this server's answers",
    "cmd.faqmod.restore": "Bring back a removed answer",
    "cmd.faqmod.restore.entry": "A removed entry: start typing its question or id",
    "cmd.faqmod.hide": "Hide a shipped answer in this server only",
    "cmd.faqmod.hide.entry": "A Fine Print entry: start typing its question",
    "cmd.faqmod.unhide": "Show a hidden shipped answer again",
    "cmd.faqmod.unhide.entry": "A hidden Fine Print entry: start typing its question",
    "cmd.faqmod.list": "This server's own answers",
    "cmd.faqmod.list.platform": "Only entries about this platform",
    "cmd.faqmod.history": "Who changed an answer, when, and how",
    "cmd.faqmod.history.entry": "Start typing the question or id (removed entries included)",
    "cmd.faqmod.export": "Download this server's answers as a file",
    "cmd.faqmod.export.format": "TOML (default) or JSON",
    "cmd.faqmod.import": "Add or update answers from a file",
    "cmd.faqmod.import.file": "A .toml or .json file like the one /faqmod export gives (max 1 MB)",
    "cmd.faqmod.queue": "Review members' suggested questions",
    "cmd.config": "Fine Print settings",
    "cmd.config.modrole": "Who besides Manage Server may curate",
    "cmd.config.modrole.role": "The moderator role; leave empty to clear it",
    "cmd.config.language": "The language alerts are written in",
    "cmd.config.language.language": "Leave empty to see the current one",
    "cmd.alerts": "Where alerts are posted",
    "cmd.alerts.subscribe": "Post AI-terms alerts in a channel",
    "cmd.alerts.subscribe.channel": "Where to post (default: this channel)",
    "cmd.alerts.subscribe.platforms": "Comma-separated platforms, or 'all' (default: all)",
    "cmd.alerts.subscribe.only_ai": "Only changes judged AI-relevant (default: yes)",
    "cmd.alerts.subscribe.mention_role": "A role to mention with each alert (default: nobody)",
    "cmd.alerts.subscribe.language": "This channel's alert language (default: the server's)",
    "cmd.alerts.subscribe.mode": "Each alert as it comes (default), or one weekly digest",
    "cmd.alerts.preview": "See a platform's latest alert as it would be posted",
    "cmd.alerts.preview.platform": "The platform, e.g. soundcloud",
    "cmd.alerts.unsubscribe": "Stop posting alerts in a channel",
    "cmd.alerts.unsubscribe.channel": "The channel (default: this channel)",
    "cmd.alerts.list": "Which channels get alerts",
    "cmd.alerts.test": "Post a sample alert to check permissions",
    "cmd.alerts.test.channel": "Where to post the sample (default: this channel)",
    "cmd.feeds": "What Fine Print watches",
    "cmd.feeds.add": "Watch an RSS feed or a page for this server",
    "cmd.feeds.add.url": "The feed or page address (https://…)",
    "cmd.feeds.add.kind": "Feed or page",
    "cmd.feeds.add.platform": "Which platform it is about (optional)",
    "cmd.feeds.add.select": "Page only: a CSS selector for the part to watch, e.g. main",
    "cmd.feeds.remove": "Stop watching one of this server's sources",
    "cmd.feeds.remove.source": "The source id (see /feeds list)",
    "cmd.feeds.list": "This server's sources",
    "cmd.feeds.status": "Health of the sources: last error, paused",
    "cmd.feeds.resume": "Check a paused source again",
    "cmd.feeds.resume.source": "The paused source's id (see /feeds status)",
    "choice.mode.instant": "instant — each alert as it comes",
    "choice.mode.weekly": "weekly — one digest a week (Mondays, 00:00 UTC)",
    "choice.kind.rss": "RSS / Atom feed",
    "choice.kind.page": "Web page (terms, policy)",
    "choice.format.toml": "TOML (the format of the shipped FAQ, data/faq/)",
    # -- the Discord shell: errors, views, forms (bot.client, cogs/) ---------------------------
    "error.guild_only": "This command only works in a server.",
    "error.not_moderator": (
        "You need the Manage Server permission or this server's moderator role for that."
    ),
    "error.cooldown": "Slow down a little — try again in {seconds} s.",
    "error.not_allowed": "You are not allowed to use this command here.",
    "error.no_longer": "You can no longer do that here.",
    "error.bad_value": "I couldn't understand the value “{value}”.",
    "error.internal": (
        "Sorry, something went wrong on my side. The error was logged; please try again."
    ),
    "view.not_yours": (
        "These buttons belong to the moderator who opened this. Run the command yourself to get "
        "your own."
    ),
    "view.already_done": "Already done.",
    "view.cancel": "Cancel",
    "view.confirm": "Confirm",
    "view.cancelled": "Cancelled — nothing was changed.",
    "view.timed_out": "This confirmation timed out — nothing was changed.",
    "view.previous": "Previous",
    "view.next": "Next",
    "faq.fix_it": "Fix it (your text is kept)",
    "faq.edit_current": "Edit the current version",
    "faq.start_from_mine": "Start from my text",
    "faq.suggest.guild_only": "Suggestions go to a server's moderators: use this in a server.",
    "faq.suggest.no_bot": (
        "Suggestions go to a server's moderators, and this server hasn't added Fine Print. Use "
        "this in a server that has it."
    ),
    "faq.form.edit.language.title": "Edit {entry} ({language})",
    "faq.form.answer.language": "Answer in {language}",
    "faq.form.answer.language.help": "Members whose Discord is in this language will read it",
    "faq.form.add.title": "Add an FAQ entry",
    "faq.form.edit.title": "Edit {entry}",
    "faq.form.approve.title": "Approve suggestion #{number}",
    "faq.form.question": "Question",
    "faq.form.question.help": "How members usually ask it",
    "faq.form.question.example": "Does Spotify train AI on my songs?",
    "faq.form.phrasings": "Other ways to ask (one per line)",
    "faq.form.phrasings.help": "Optional. Other wordings or languages that should find this answer",
    "faq.form.phrasings.example": (
        "spotify ai training my music\nspotify entraîne l'IA avec mes morceaux ?"
    ),
    "faq.form.answer": "Answer",
    "faq.form.answer.help": "Markdown works; mentions never ping",
    "faq.form.tags": "Platforms and topics",
    "faq.form.tags.help": (
        "Comma-separated platforms, then topics: ai-training, third-party, opt-out, license…"
    ),
    "faq.form.tags.example": "spotify, youtube, opt-out",
    "faq.form.links": "Source links (one per line)",
    "faq.form.links.help": "Optional. Where the answer comes from (http/https)",
    "faq.reason.title": "Decline the suggestion",
    "faq.reason.label": "Note for the member (optional)",
    "faq.reason.help": "Sent to them by DM, or in the channel where they suggested it",
    "faq.reason.example": "Thanks! This is already covered by /faq ask spotify ai training.",
    "faq.queue.approve": "Approve…",
    "faq.queue.reject": "Reject…",
    "faq.remove.confirm": "Remove",
    "faq.remove.kept": "Kept — nothing was removed.",
    "faq.import.too_big": (
        "That file is {size} MB; the limit is 1 MB. Split it into smaller files and import them "
        "one by one."
    ),
    "faq.import.download_failed": "I couldn't download that file; try again.",
    "faq.import.confirm": "Confirm import",
    "faq.import.cancelled": "Import cancelled — nothing was changed.",
    "faq.approve.member": "Member",
    "faq.approve.no_dm": "I couldn't DM the member (their DMs are closed).",
    "faq.reject.declined": "Suggestion declined",
}
