"""Which platform a question is about when it names several.

"is reddit selling my posts to google" is about Reddit: Google is where the posts go.
"twitter entrena a grok con mis tuits" is about X: Grok is what is trained. The word before a
name says what part it plays (the role words are data: ``lexicon.toml`` ``[roles]``):

1. A platform named only as a recipient ("to Google" when the question is about passing
   content on), a purpose ("for Grok", "pour Meta AI") or the thing trained ("train Grok") is
   not the subject, unless every platform named is.
   A work "made on/in/with" a platform comes from it ("musica feita no Udio": Udio is its
   source, not where it is uploaded).
2. For a question about AI-made uploads, the platform they are uploaded *on* is the subject
   ("can I upload Udio songs on Spotify" → Spotify); for a question about rights, the one they
   come *from* ("who owns music made with Suno that I release on Spotify" → Suno).
3. Then the platform whose members' content is asked about: named as the member's own ("my
   Twitter account") or right by the content ("Meta AI … my Instagram photos", "mis posts de
   Facebook"), or by a word for its own kind
   of post even unnamed (``lexicon.toml`` ``[owners]``: "Grok is using my tweets" is about X,
   whose members write tweets, not about Grok).
4. Otherwise the platform named most often as a possible subject ("… youtube … youtube can
   share my videos …"; "train Gemini" does not count for Google), and between equals the one
   named first ("soundcloud vs bandcamp").

No weights: each rule either applies or not, and tests/unit/test_understanding.py has a case
for every one of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.knowledge.platforms import PlatformHit
from bot.knowledge.understanding.lexicon import Lexicon

NOT_SUBJECT = frozenset({"recipient", "purpose", "object"})
OWNER = "owner"  # named by a word for its members' content ("tweets"), not by its name
# Cue classes that make "to X" a recipient rather than a destination.
PASSING_ON = frozenset({"sell", "share", "third_party", "deal"})
PREFERRED_ROLE = {"ai-content": "location", "license": "source"}


def _train_a(toks: Sequence[str], classes_at: Sequence[frozenset[str]], i: int) -> bool:
    """Spanish marks a trained person-like object with "a": "entrena a Grok"."""
    return toks[i] == "a" and i > 0 and "train" in classes_at[i - 1]


def role(
    hit: PlatformHit,
    toks: Sequence[str],
    lexicon: Lexicon,
    classes_at: Sequence[frozenset[str]],
    passing_on: bool,
) -> str:
    """The part a mention plays, from the word before it (articles skipped)."""
    i = hit.start - 1
    while i >= 0 and (toks[i] in lexicon.articles or _train_a(toks, classes_at, i)):
        i -= 1
    after = hit.end
    if after < len(toks) and "content" in classes_at[after]:
        return OWNER  # "my insta photos", "facebook posts": the content is that platform's
    if i < 0:
        return "none"
    before = toks[i]
    if before in lexicon.roles.get("owner", ()) or "content" in classes_at[i]:
        return OWNER  # "my twitter account", "mes posts facebook"
    if before in lexicon.roles.get("source", ()) and i > 0 and "content" in classes_at[i - 1]:
        return OWNER  # "posts de facebook", "video di youtube"
    made = lexicon.roles.get("made", frozenset())
    if i > 0 and toks[i - 1] in made and before in _role_words(lexicon):
        return "source"  # "made with Suno", "feita no Udio", "fait sur Suno"
    if "train" in classes_at[i]:
        return "object"
    if before in lexicon.roles.get("purpose", ()):
        return "purpose"
    if before in lexicon.roles.get("toward", ()):
        return "recipient" if passing_on else "location"
    if before in lexicon.roles.get("location", ()):
        return "location"
    if before in lexicon.roles.get("source", ()):
        return "source"
    return "none"


def _role_words(lexicon: Lexicon) -> frozenset[str]:
    return frozenset().union(
        *(words for name, words in lexicon.roles.items() if name not in ("made", "owner"))
    )


@dataclass(frozen=True, slots=True)
class Mentions:
    """The platforms a question names: in order of first mention, how often as a possible
    subject, in which roles."""

    order: tuple[str, ...]
    counts: dict[str, int]  # mentions in a role other than NOT_SUBJECT's
    roles: dict[str, frozenset[str]]

    def roles_present(self) -> frozenset[str]:
        return frozenset().union(*self.roles.values()) if self.roles else frozenset()


def mentions_of(
    hits: Sequence[PlatformHit],
    toks: Sequence[str],
    lexicon: Lexicon,
    classes_at: Sequence[frozenset[str]],
) -> Mentions:
    order: list[str] = []
    counts: dict[str, int] = {}
    roles: dict[str, set[str]] = {}
    passing_on = any(classes & PASSING_ON for classes in classes_at)
    for hit in hits:
        if hit.platform not in counts:
            order.append(hit.platform)
            counts[hit.platform] = 0
        part = role(hit, toks, lexicon, classes_at, passing_on)
        counts[hit.platform] += part not in NOT_SUBJECT
        roles.setdefault(hit.platform, set()).add(part)
    if hits:  # a platform's kind of post, when some platform is named ("grok … my tweets")
        for tok in toks:
            owner = lexicon.owners.get(tok)
            if owner is not None:
                if owner not in counts:
                    order.append(owner)
                    counts[owner] = 0
                counts[owner] += 1
                roles.setdefault(owner, set()).add(OWNER)
    return Mentions(tuple(order), counts, {p: frozenset(r) for p, r in roles.items()})


def choose(mentions: Mentions, topic: str | None) -> tuple[str, ...]:
    """Every platform named, the subject first."""
    order = list(mentions.order)
    if len(order) <= 1:
        return tuple(order)
    roles, counts = mentions.roles, mentions.counts
    candidates = [p for p in order if roles[p] - NOT_SUBJECT] or order
    preferred = PREFERRED_ROLE.get(topic or "")
    if preferred:
        with_role = [p for p in candidates if preferred in roles[p]]
        candidates = with_role or candidates
    candidates = [p for p in candidates if OWNER in roles[p]] or candidates
    most = max(counts[p] for p in candidates)
    subject = next(p for p in candidates if counts[p] == most)
    return (subject, *(p for p in order if p != subject))
