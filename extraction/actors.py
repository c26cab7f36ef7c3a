"""Actor names in a sentence: named groups, state forces, proxies and bare nouns.

"Pentagon" and "US military" become the state "United States"; "Israeli troops" becomes
"Israel"; "pro-Iran militias" / "Iran-backed militia groups" become one proxy actor; "police"
or "soldiers" with no country are placeholders that take the incident's country later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extraction.knowledge import Knowledge
from extraction.text import Sentence

PLACEHOLDER = ""  # name of a state-forces mention whose country is not yet known
ARTICLES = frozenset({"the", "a", "an", "its", "their", "his", "her", "our"})
POSSESSIVES = frozenset({"'s ", "’s "})
INDEFINITE = frozenset({"a", "an"})


@dataclass
class ActorMention:
    first: int  # word indices
    last: int
    name: str  # canonical name, or PLACEHOLDER
    kind: str
    country: str | None

    @property
    def span(self) -> range:
        return range(self.first, self.last + 1)


# Group abbreviations that are also military shorthand for casualties (killed, wounded, missing
# in action), and the nouns after one that show the group is meant ("30 KIA fighters").
CASUALTY_SHORTHAND = frozenset({"KIA", "WIA", "MIA"})
GROUP_NOUNS = frozenset({"fighters", "troops", "soldiers", "rebels", "members", "forces",
                         "units", "positions", "brigade", "battalion", "commander",
                         "commanders", "spokesman", "spokesperson", "statement"})


def _casualty_shorthand(words: list[Any], i: int) -> bool:
    """"23 sldrs KIA", "5 KIA": after a count the abbreviation is shorthand for the killed,
    not the Kachin Independence Army."""
    if words[i].text not in CASUALTY_SHORTHAND:
        return False
    counted = any(words[k].text[:1].isdigit() for k in range(max(0, i - 3), i))
    return counted and not (i + 1 < len(words) and words[i + 1].part in GROUP_NOUNS)


class ActorFinder:
    """Matches the actor tables of a `Knowledge` against sentences."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.kn = knowledge
        self.gaz = knowledge.gazetteer
        self.forms = knowledge.forms
        self._bare_first = frozenset(k.split(" ", 1)[0] for k in self.forms.bare_state_nouns)

    def find(self, sent: Sentence) -> list[ActorMention]:
        found = self._named(sent) + self._state_forces(sent) + self._bare(sent)
        found.sort(key=lambda a: (-(a.last - a.first), a.first))
        taken: set[int] = set()
        out = []
        for a in found:
            if taken.isdisjoint(a.span):
                taken.update(a.span)
                out.append(a)
        out.sort(key=lambda a: a.first)
        return out

    def _mention(self, first: int, last: int, name: str) -> ActorMention:
        info = self.kn.actors.get(name)
        if info is None:
            return ActorMention(first, last, name, "militia", None)
        return ActorMention(first, last, name, info.kind, info.country)

    def _named(self, sent: Sentence) -> list[ActorMention]:
        words, kn = sent.words, self.kn
        out = []
        for i, j, key in sent.ngrams(kn.actor_first):
            name = kn.actor_index.get(key)
            if name and (key not in kn.actor_proper
                         or any(w.text[:1].isupper() for w in words[i:j + 1])) \
                    and not self._inside_longer_name(sent, i, j, key) \
                    and not self._starts_longer_name(sent, j, name):
                # The table's names have no article, but "a suicide bomber" starts at "a".
                article = i > 0 and words[i - 1].part in INDEFINITE and sent.linked[i - 1]
                out.append(self._mention(i - article, j, name))
        for i, w in enumerate(words):
            name = kn.actor_exact.get(w.text)
            if name and not _casualty_shorthand(words, i):
                out.append(self._mention(i, i, name))
        return out + self._possessive_names(sent)

    def _possessive_names(self, sent: Sentence) -> list[ActorMention]:
        """Names with a possessive inside ("New People's Army", "People's Defence Force"),
        whose words the possessive unlinks in the sentence."""
        words, kn = sent.words, self.kn
        out: list[ActorMention] = []
        if not any(p in sent.text for p in POSSESSIVES):
            return out
        for i, w in enumerate(words):
            limit = kn.possessive_first.get(w.part or "")
            if not limit or not w.text[:1].isupper():
                continue
            key, j = w.part or "", i
            while j - i + 1 < limit and j + 1 < len(words) and (
                    sent.linked[j] or sent.text[words[j].end:words[j + 1].start] in POSSESSIVES):
                j += 1
                key = f"{key} {words[j].part}"
                name = kn.actor_possessive.get(key)
                if name:
                    out.append(self._mention(i, j, name))
        return out

    def _inside_longer_name(self, sent: Sentence, i: int, j: int, key: str) -> bool:
        """"Ta'ang National Liberation Army" is not the "National Liberation Army": a name
        of several words run on from a capitalised word names another group. A country or
        demonym before it ("Colombian National Liberation Army") is fine."""
        if i == 0 or j == i or key not in self.kn.actor_proper or not sent.linked[i - 1]:
            return False
        if i == 1 or not sent.linked[i - 2]:
            return False  # "Suspected Islamic State ...": a clause's first word is capitalised
        prev = sent.words[i - 1]
        return prev.text[:1].isupper() and (prev.part or "") not in self.gaz.demonyms \
            and prev.part not in ARTICLES \
            and not self.gaz.names_country(prev.part or "")

    def _starts_longer_name(self, sent: Sentence, j: int, name: str) -> bool:
        """"Kenya National Commission on Human Rights", "Sudan Tribune", "Israel Katz": a
        country's name run on into more capitalised words names something else. Titles are
        capitalised throughout, so this holds for the body only."""
        info = self.kn.actors.get(name)
        if info is None or info.kind != "state" or name != self.gaz.country_name(info.country) \
                or sent.index < 0 or j + 1 >= len(sent.words) or not sent.linked[j]:
            return False
        return sent.words[j + 1].text[:1].isupper()

    def country_at(self, sent: Sentence, i: int) -> tuple[str, int] | None:
        """(ISO3, last word) for a country name or demonym starting at word i."""
        words = sent.words
        if not words[i].text[:1].isupper():
            return None
        key, found = "", None
        for j in range(i, min(i + 4, len(words))):
            if j > i and not sent.linked[j - 1]:
                break
            key = f"{key} {words[j].part}" if key else (words[j].part or "")
            if key in self.gaz.demonyms:
                found = (self.gaz.demonyms[key], j)
            elif not self.gaz.written_as(key, sent.text, words[i].start, words[j].end):
                continue
            else:
                cc = self.gaz.country_code(key)
                if cc is not None:
                    found = (cc, j)
        return found

    def _noun_at(self, sent: Sentence, k: int, nouns: frozenset[str]) -> int | None:
        """Last word of the longest phrase from `nouns` starting at word k."""
        words, end, key = sent.words, None, ""
        for j in range(k, min(k + 3, len(words))):
            key = f"{key} {words[j].part}" if key else (words[j].part or "")
            if key in nouns:
                end = j
        return end

    def _state_forces(self, sent: Sentence) -> list[ActorMention]:
        words, forms, out = sent.words, self.forms, []
        for i in range(len(words)):
            if words[i].part == "pro" and i + 1 < len(words):
                proxy = self._proxy(sent, i + 1, i)
                if proxy:
                    out.append(proxy)
                continue
            if not words[i].text[:1].isupper():
                continue
            hit = self.country_at(sent, i)
            if hit is None:
                continue
            iso3, j = hit
            k = j + 1
            # "Iran-backed militias" is a proxy; "Beninese Armed Forces" the state itself.
            if k < len(words) and words[k].part in forms.proxy_links \
                    and self._noun_at(sent, k, forms.state_force_nouns) is None:
                noun_end = self._noun_at(sent, k + 1, forms.proxy_nouns)
                if noun_end is not None:
                    out.append(self._proxy_mention(iso3, i, noun_end))
                continue
            if k < len(words) and words[k].part in forms.state_force_modifiers:
                k += 1
            noun_end = self._noun_at(sent, k, forms.state_force_nouns) if k < len(words) else None
            name = self.gaz.country_name(iso3)
            if noun_end is not None and name:
                out.append(ActorMention(i, noun_end, name, "state", iso3))
        return out

    def _proxy(self, sent: Sentence, i: int, first: int) -> ActorMention | None:
        hit = self.country_at(sent, i)
        if hit is None:
            return None
        noun_end = self._noun_at(sent, hit[1] + 1, self.forms.proxy_nouns)
        return None if noun_end is None else self._proxy_mention(hit[0], first, noun_end)

    def _proxy_mention(self, iso3: str, first: int, last: int) -> ActorMention:
        patron = self.gaz.country_name(iso3) or iso3
        name = self.kn.actor(f"{patron}-backed militias") or f"{patron}-backed militias"
        return self._mention(first, last, name)

    def _bare(self, sent: Sentence) -> list[ActorMention]:
        words, nouns, out = sent.words, self.forms.bare_state_nouns, []
        for i in range(len(words)):
            if words[i].part not in self._bare_first:
                continue
            end = self._noun_at(sent, i, nouns)
            if end is not None:
                out.append(ActorMention(i, end, PLACEHOLDER, "state", None))
        return out
