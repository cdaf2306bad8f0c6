"""Words -> comparable *concepts*: the shared vocabulary of BM25, answer scoring and follow-ups.

Why by hand: no library turns "progression-free survival", "PFS" and "progression free survival" into one
key while keeping "0.38" and "A021602" intact. Pieces used: snowball stemming (snowballstemmer), a
stop-word list (scikit-learn's), rapidfuzz for typo correction against the corpus vocabulary, and an alias
table built from a shipped glossary of clinical abbreviations plus the abbreviations each release defines
itself ("pancreatic (pNET)"), found with the Schwartz-Hearst algorithm (Schwartz & Hearst, PSB 2003).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from assistant.text.folding import fold

_TOKEN = re.compile(r"[A-Z]&[A-Z]\b|(?:[A-Z]\.){2,}|\d+(?:[.,:]\d+)*%?|[A-Za-z][A-Za-z0-9]*")
# Upper-case abbreviations that would otherwise read as stop words ("US" is not "us").
_CAPS = {"US": "usa", "U.S.": "usa", "U.S.A.": "usa", "IT": "it-sector"}
_NUMBER = re.compile(r"^\d+(?:[.,:]\d+)*%?$")
_NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "twenty": "20",
    "hundred": "100",
}
# Irregular past forms, so "led" in a release matches "leads" in a question (stems cannot do this).
_IRREGULAR = {
    "led": "lead",
    "took": "take",
    "taken": "take",
    "gave": "give",
    "given": "give",
    "made": "make",
    "held": "hold",
    "began": "begin",
    "begun": "begin",
    "ran": "run",
    "saw": "see",
    "seen": "see",
    "went": "go",
    "gone": "go",
    "got": "get",
    "paid": "pay",
    "sold": "sell",
    "bought": "buy",
    "grew": "grow",
    "grown": "grow",
    "rose": "rise",
    "risen": "rise",
    "fell": "fall",
    "fallen": "fall",
    "won": "win",
    "lost": "lose",
    "met": "meet",
    "brought": "bring",
    "thought": "think",
    "told": "tell",
    "wrote": "write",
    "written": "write",
    "chose": "choose",
    "chosen": "choose",
    "drove": "drive",
    "driven": "drive",
    "showed": "show",
    "shown": "show",
    "spent": "spend",
    "sent": "send",
    "built": "build",
    "left": "leave",
    "kept": "keep",
    "felt": "feel",
    "understood": "understand",
    "undertook": "undertake",
}
_BRITISH = [
    (re.compile(r"(?<=[a-z]{3})our(s?)$"), r"or\1"),  # tumour -> tumor
    (re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations)$"), r"iz\1"),  # randomised -> randomized
    (re.compile(r"^oes"), "es"),  # oesophageal
    (re.compile(r"^haem"), "hem"),
    (re.compile(r"^anaem"), "anem"),
    (re.compile(r"ogue(s?)$"), r"og\1"),  # analogue -> analog
]

#: Words about the document rather than its content ("what does the release say about ...").
META_WORDS = {
    "release",
    "press",
    "say",
    "says",
    "said",
    "state",
    "states",
    "stated",
    "mention",
    "mentioned",
    "mentions",
    "according",
    "tell",
    "document",
    "announcement",
    "announce",
    "announced",
    "text",
    "article",
    "describe",
    "described",
    "explain",
    "please",
    "know",
    "list",
    "name",
    "give",
    "provide",
    "detail",
    "details",
    "information",
    "info",
}
#: Generic words that carry little of a question's meaning; they count at a quarter of their weight.
LIGHT_WORDS = {
    "do",
    "does",
    "did",
    "show",
    "shown",
    "showed",
    "find",
    "found",
    "result",
    "results",
    "outcome",
    "outcomes",
    "data",
    "value",
    "kind",
    "type",
    "way",
    "happen",
    "happened",
    "mean",
    "means",
    "involve",
    "involved",
    "use",
    "used",
    "get",
    "got",
    "make",
    "made",
    "look",
    "include",
    "included",
    "includes",
    "thing",
    "things",
    "exactly",
    "specific",
    "specifically",
    "overall",
    "main",
    "key",
    "also",
}
#: Words that ask for a *kind* of answer (a quantity); a sentence with a figure answers them even if it
#: lacks the word. Topical quantities ("price", "dose") are not here: they must be matched like any word.
QUANTITY_WORDS = {
    "rate",
    "ratio",
    "percentage",
    "percent",
    "proportion",
    "share",
    "number",
    "count",
    "total",
    "figure",
    "value",
    "long",
    "many",
    "much",
    "duration",
    "likely",
    "year",
    "month",
    "date",
}
_KEEP = {
    "first",
    "last",
    "system",
    "found",
    "side",
    "full",
    "well",
    "back",
    "part",
    "top",
    "bottom",
    "move",
    "interest",
    "amount",
    "fire",
    "bill",
    "call",
    "show",
    "find",
    "give",
    "take",
    "see",
    "serious",
    "describe",
    "detail",
    "empty",
    "name",
    "put",
    "keep",
    "go",
}


def _english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop-word list, read from its own module file: importing it the usual way
    loads all of scikit-learn (1.2 s of every cold ``assistant ask``) for one constant."""
    import importlib.util

    spec = importlib.util.find_spec("sklearn")
    if spec and spec.submodule_search_locations:
        path = Path(list(spec.submodule_search_locations)[0]) / "feature_extraction" / "_stop_words.py"
        words_spec = importlib.util.spec_from_file_location("_assistant_stop_words", path)
        if path.exists() and words_spec and words_spec.loader:
            module = importlib.util.module_from_spec(words_spec)
            words_spec.loader.exec_module(module)
            return frozenset(module.ENGLISH_STOP_WORDS)
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


@functools.lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    ENGLISH_STOP_WORDS = _english_stop_words()
    return frozenset(set(ENGLISH_STOP_WORDS) - _KEEP) | {"s", "t", "vs", "versus", "et", "al"}


@functools.lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=200_000)  # a pure function of the token, called for every word of every release
def normalize(token: str) -> str:
    """Lower-case, American spelling, digits for number words, bare numbers ("1,500" -> "1500")."""
    if token in _CAPS:
        return _CAPS[token]
    if token.endswith(".") and token[:1].isupper():
        token = token.replace(".", "")
    t = token.lower()
    if t in _NUMBER_WORDS:
        return _NUMBER_WORDS[t]
    if t in _IRREGULAR:
        return _IRREGULAR[t]
    if _NUMBER.match(t):
        t = t.rstrip("%")
        return t.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", t) else t
    for pattern, repl in _BRITISH:
        t = pattern.sub(repl, t)
    return t


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    if word[:1].isdigit():
        return word
    return _stemmer().stemWord(word)


def words(text: str) -> list[str]:
    """Normalised word tokens of a text, stop words included (positions matter for aliases)."""
    return [normalize(t) for t in _TOKEN.findall(fold(text))]


def is_number_word(word: str) -> bool:
    """ "two", "Twelve": a number written as a word."""
    return word.lower() in _NUMBER_WORDS


def is_number(token: str) -> bool:
    return bool(token) and token[0].isdigit()


# --- aliases -------------------------------------------------------------------------------------------
_SPECIFIC_WORD = re.compile(r"(?:[A-Z]\.){2,}|[A-Za-z0-9][A-Za-z0-9\-]*")
_PAREN = re.compile(r"\(([A-Za-z][A-Za-z0-9\-]{1,14})s?\)")


def _schwartz_hearst(short: str, words_before: list[str]) -> list[str] | None:
    """Shortest run of preceding words whose letters spell the short form (Schwartz & Hearst 2003)."""
    sf = short.lower()
    candidate = " ".join(words_before)
    s_i, l_i = len(sf) - 1, len(candidate) - 1
    while s_i >= 0:
        ch = sf[s_i]
        if not ch.isalnum():
            s_i -= 1
            continue
        while l_i >= 0 and (
            candidate[l_i].lower() != ch or (s_i == 0 and l_i > 0 and candidate[l_i - 1].isalnum())
        ):
            l_i -= 1
        if l_i < 0:
            return None
        l_i -= 1
        s_i -= 1
    start = candidate.rfind(" ", 0, l_i + 1) + 1
    long_form = candidate[start:].split()
    return long_form if long_form else None


# "CABINET (... CABozantinib versus placebo In patients with advanced NEuroendocrine Tumors ...)": a name
# in capitals, then a parenthesis whose words' leading capitals spell it.
_NAME_THEN_PAREN = re.compile(r"\b([A-Za-z][A-Za-z0-9\-]{1,14})\s*\(([^()]{5,400})\)")


def _abbreviation_like(token: str) -> bool:
    """ "CABINET", "HER2", "pNET", "RSV-LRTD": at least two capitals, or a capital with a digit."""
    caps = sum(ch.isupper() for ch in token)
    return caps >= 2 or (caps >= 1 and any(ch.isdigit() for ch in token))


def _spelled_inside(short: str, inside: str) -> str | None:
    """Schwartz & Hearst (2003) run on "SHORT (long form)": the shortest run of words opening the
    parenthesis whose letters spell the short form in order, the first at the start of a word, the others
    anywhere inside words ("ABCDEF (ABle Combination DEsign with Fixed dosing)", "HER2 (human epidermal
    growth factor receptor 2)")."""
    tokens = re.findall(r"[A-Za-z0-9][A-Za-z0-9\-']*", inside)
    letters = sum(ch.isalnum() for ch in short)
    limit = min(letters + 5, 2 * letters, len(tokens))
    for n in range(1, limit + 1):
        lf = _schwartz_hearst(short, tokens[:n])
        if lf and len(lf) == n and n > 1:
            return " ".join(tokens[:n])
    return None


def _spelled_by_capitals(short: str, inside: str) -> str | None:
    """The run of words in ``inside`` whose leading capitals spell ``short`` in order, or None."""
    tokens = list(re.finditer(r"[A-Za-z0-9][A-Za-z0-9\-]*", inside))
    rest, first, last = short, None, None
    for m in tokens:
        lead = re.match(r"[A-Z0-9]*", m.group(0)).group(0)
        if not lead:
            continue
        n = 0
        while n < len(lead) and n < len(rest) and lead[n] == rest[n]:
            n += 1
        if n == 0:
            continue
        first = m.start() if first is None else first
        last, rest = m.end(), rest[n:]
        if not rest:
            break
    if rest or first is None or last is None or " " not in inside[first:last]:
        return None
    return inside[first:last]


def find_expansions(text: str) -> list[tuple[str, str, int, int]]:
    """Every (short, long, start, end) a text defines, both "long (SHORT)" and "SHORT (long)", with the
    span of the definition in ``text``; what a "What does X stand for?" question is answered from.

    >>> [(s, long) for s, long, _, _ in find_expansions("median progression-free survival (PFS) was")]
    [('PFS', 'progression-free survival')]
    """
    out = []
    known = _glossary_long_forms()
    for m in _PAREN.finditer(text):
        found = False
        for short, long in find_definitions(m.string[max(0, m.start() - 200) : m.end()]):
            if short == m.group(1) or short == m.group(1).rstrip("s"):
                at = text.rfind(long, 0, m.start())
                out.append((short, long, at if at >= 0 else m.start(), m.end()))
                found = True
        # A long form whose letters are out of order for Schwartz-Hearst ("Committee for Medicinal
        # Products for Human Use (CHMP)") counts when the glossary pairs it with the short form.
        for long in [] if found else known.get(m.group(1), []):
            window = max(0, m.start() - 200)
            before = text[window : m.start()].rstrip()
            if before.lower().endswith(long.lower()):
                out.append((m.group(1), long, window + len(before) - len(long), m.end()))
    out.extend(short_then_long(text))
    return out


def short_then_long(text: str) -> list[tuple[str, str, int, int]]:
    """Definitions written "SHORT (long form)", with the span of the definition in ``text``."""
    out = []
    for m in _NAME_THEN_PAREN.finditer(text):
        if not _abbreviation_like(m.group(1)):
            continue
        inside = m.group(2)
        long = _spelled_by_capitals(m.group(1), inside) or _spelled_inside(m.group(1), inside)
        if long:
            out.append((m.group(1), long, m.start(), m.end()))
    return out


def find_definitions(text: str) -> list[tuple[str, str]]:
    """(short, long) pairs a text defines: "hazard ratio (HR)", "Cabometyx (cabozantinib)"."""
    pairs = []
    for m in _PAREN.finditer(text):
        short = m.group(1)
        before = re.findall(r"[A-Za-z0-9][A-Za-z0-9\-]*", text[max(0, m.start() - 200) : m.start()])
        if not before:
            continue
        window = before[-min(len(short) + 5, 2 * len(short) + 1, len(before)) :]
        lf = _schwartz_hearst(short, window) if any(c.isupper() for c in short) else None
        if lf and len(lf) <= len(short) + 5:
            pairs.append((short, " ".join(lf)))
        elif short[0].islower() and len(short) >= 6 and before[-1][:1].isupper() and len(before[-1]) >= 5:
            pairs.append((before[-1], short))  # brand name followed by its generic name
    return pairs


class Lexicon:
    """Concept keys for texts, with aliases collapsed to one key and typos corrected on questions."""

    def __init__(self, texts: Iterable[str] = ()) -> None:
        self._aliases: dict[tuple[str, ...], str] = {}
        self._max_len = 1
        self._expansions: dict[str, set[str]] | None = None
        self._keys: set[str] | None = None
        self._families: list[str] | None = None
        self.vocabulary: set[str] = set()
        self._stems: set[str] | None = None
        self._canon: dict[str, str] = {}
        self._vocab_list: list[str] = []
        for short, long in _glossary():
            self.add_alias(short, long)
        for text in texts:
            self.add_text(text)

    def to_state(self) -> dict:
        """What the corpus taught this lexicon (aliases in the order found, vocabulary), as plain JSON."""
        return {
            "aliases": [[list(seq), key] for seq, key in self._aliases.items()],
            "max_len": self._max_len,
            "vocabulary": sorted(self.vocabulary),
        }

    @classmethod
    def from_state(cls, state: dict) -> Lexicon:
        """The lexicon ``to_state`` described, without reading the corpus again."""
        lex = cls()
        lex._aliases = {tuple(seq): key for seq, key in state["aliases"]}
        lex._max_len = int(state["max_len"])
        lex.vocabulary = set(state["vocabulary"])
        return lex

    def add_text(self, text: str) -> None:
        for short, long in find_definitions(text):
            self.add_alias(short, long)
        for short, long, _, _ in short_then_long(text):
            self.add_alias(short, long)
        new = {w for w in words(text) if not is_number(w)}
        if new - self.vocabulary:
            self.vocabulary |= new
            self._vocab_list = []
            self._stems = None
            self._canon = {}

    def add_alias(self, short: str, long: str) -> None:
        key = stem(normalize(short))
        seq = tuple(stem(w) for w in read_as(words(long)) if w not in stopwords())
        if not seq or seq == (key,):
            return
        self._aliases.setdefault(seq, key)
        self._max_len = max(self._max_len, len(seq))
        self._expansions = None
        self._keys = None

    def canonical(self, concept: str) -> str:
        """One key for stems the stemmer leaves apart: a stem that is a corpus stem plus one final vowel
        ("analysi" -> "analys": Snowball stems "analysis" and "analyses"/"analysed" differently, likewise
        diagnosis/diagnoses, metastasis/metastases)."""
        got = self._canon.get(concept)
        if got is None:
            got = concept
            if len(got) >= 6 and got[-1] in "aeiouy" and got.isalpha():
                if self._stems is None:
                    self._stems = {stem(w) for w in self.vocabulary}
                if got[:-1] in self._stems:
                    got = got[:-1]
            self._canon[concept] = got
        return got

    def is_alias_key(self, concept: str) -> bool:
        if self._keys is None:
            self._keys = set(self._aliases.values())
        return concept in self._keys

    def specific(self, text: str, concepts: list[str] | None = None) -> set[str]:
        """The concepts that say *which* thing a text is about: codes and figures, defined abbreviations
        (pNET, PFS), and capitalised words after the first. A question needs them all answered; a
        generated sentence must not borrow them from another passage than its figures'."""
        if concepts is None:
            concepts = self.concepts(strip_footnotes(text), collapse=True)
        out = {c for c in concepts if is_number(c) or self.is_alias_key(c)}
        for i, m in enumerate(_SPECIFIC_WORD.finditer(fold(text))):
            token = m.group(0)
            if any(ch.isdigit() for ch in token) or (i > 0 and any(ch.isupper() for ch in token)):
                out.update(self.concepts(token, collapse=True))
        return out

    def expansions(self) -> dict[str, set[str]]:
        """For each alias key, the concepts of its long forms ("pnet" -> pancreat, net, neuroendocrin...),
        so a passage saying "pNET" also answers a question saying "pancreatic NET"."""
        if self._expansions is None:
            table: dict[str, set[str]] = {}
            for seq, key in self._aliases.items():
                table.setdefault(key, set()).update(seq)
                # The head of an English noun phrase is its end: "pancreatic neuroendocrine tumor" is a
                # kind of "neuroendocrine tumor", so pNET also yields NET (the shortest aliased suffix).
                for i in range(len(seq) - 2, 0, -1):
                    head = self._aliases.get(seq[i:])
                    if head is not None:
                        table[key].add(head)
                        break
            for key in table:
                table[key].discard(key)
            self._expansions = table
        return self._expansions

    def concepts(self, text: str, collapse: bool = False) -> list[str]:
        """Stems of content words, plus one key per alias found (for a question, ``collapse`` drops the
        long form's own stems so "progression-free survival" counts as one concept, like "PFS")."""
        sw = stopwords()
        stems = [stem(w) for w in read_as(words(text)) if w not in sw]
        if collapse:
            return [self.canonical(c) for c in self._collapse(stems)]
        found = self._collapse(stems, keep_parts=True)
        table = self.expansions()
        extra = [e for c in found if c in table for e in table[c]]
        return [self.canonical(c) for c in found + extra]

    def _collapse(self, stems: list[str], keep_parts: bool = False) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(stems):
            for n in range(min(self._max_len, len(stems) - i), 0, -1):
                key = self._aliases.get(tuple(stems[i : i + n]))
                if key is not None:
                    out.append(key)
                    if keep_parts:
                        out.extend(stems[i : i + n])
                    i += n
                    break
            else:
                out.append(stems[i])
                i += 1
        return out

    def family(self, concept: str, known: dict[str, int]) -> str | None:
        """A corpus concept of the same word family ("analys" -> "analysi"): one stem is a prefix of the
        other and both have at least 5 letters. Stemmers leave such pairs apart; the commonest wins."""
        if len(concept) < 5 or any(ch.isdigit() for ch in concept):
            return None
        if self._families is None:
            self._families = sorted(c for c in known if len(c) >= 5 and c.isalpha())
        import bisect

        best = None
        i = bisect.bisect_left(self._families, concept[:5])
        while i < len(self._families) and self._families[i].startswith(concept[:5]):
            c = self._families[i]
            if (c.startswith(concept) or concept.startswith(c)) and (best is None or known[c] > known[best]):
                best = c
            i += 1
        return best

    def correct(self, word: str) -> str:
        """The corpus word a mistyped question word most likely meant; the word itself if none is close."""
        if (
            len(word) < 5
            or any(ch.isdigit() for ch in word)
            or word in self.vocabulary
            or word in stopwords()
        ):
            return word
        from rapidfuzz import fuzz, process

        if not self._vocab_list:
            self._vocab_list = sorted(self.vocabulary)
        hit = process.extractOne(word, self._vocab_list, scorer=fuzz.ratio, score_cutoff=84)
        return hit[0] if hit else word

    def correct_text(self, text: str) -> str:
        return _TOKEN.sub(lambda m: self._fix_token(m.group(0)), fold(text))

    def _fix_token(self, token: str) -> str:
        norm = normalize(token)
        fixed = self.correct(norm)
        if fixed == norm:
            return token
        return fixed[:1].upper() + fixed[1:] if token[:1].isupper() else fixed  # a name stays a name


@functools.lru_cache(maxsize=1)
def _synonyms() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """data/synonyms.tsv as (word -> word, two-word phrase -> word), in normalised word forms."""
    raw = resources.files("assistant").joinpath("data/synonyms.tsv").read_text(encoding="utf-8")
    single: dict[str, str] = {}
    pairs: dict[tuple[str, str], str] = {}
    for line in raw.splitlines():
        if line.strip() and not line.startswith("#") and "\t" in line:
            left, right = (part.strip() for part in line.split("\t", 1))
            src, dst = words(left), words(right)
            if len(dst) != 1 or not 1 <= len(src) <= 2:
                raise ValueError(f"synonyms.tsv: one or two words, then one word: {line!r}")
            if len(src) == 1:
                single[src[0]] = dst[0]
            else:
                pairs[(src[0], src[1])] = dst[0]
    return single, pairs


@functools.lru_cache(maxsize=100_000)
def _base_forms(token: str) -> tuple[str, ...]:
    """The token and the forms it is an inflection of (regular English inflection only: -s, -es, -ies,
    -ed, -ied, -ing, doubled consonants), so the synonym table, which lists words, covers their other
    inflections too ("recruits", "allocating", "cutting") without reaching derivations ("participation"
    is not an inflection of "participant")."""
    out = [token]
    if len(token) > 4:
        if token.endswith("ies") or token.endswith("ied"):
            out.append(token[:-3] + "y")
        if token.endswith("es"):
            out.append(token[:-2])
        if token.endswith("s") and not token.endswith("ss"):
            out.append(token[:-1])
        if token.endswith("ed"):
            out += [token[:-2], token[:-1]]
            if len(token) > 5 and token[-3] == token[-4]:
                out.append(token[:-3])
        if token.endswith("ing"):
            out += [token[:-3], token[:-3] + "e"]
            if len(token) > 6 and token[-4] == token[-5]:
                out.append(token[:-4])
    return tuple(out)


def _lookup(table: dict, token: str) -> str | None:
    for form in _base_forms(token):
        if form in table:
            return table[form]
    return None


def read_as(tokens: list[str]) -> list[str]:
    """Normalised words with the genre's interchangeable words replaced by one of them (synonyms.tsv):
    "took part" -> "enrol", "assessed" -> "evaluated", "allocated" -> "randomized". Every regular
    inflection of a listed word is read the same way."""
    single, pairs = _synonyms()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if i + 1 < len(tokens):
            pair = pairs.get((tokens[i], tokens[i + 1]))
            if pair is None:
                pair = next(
                    (
                        pairs[(a, tokens[i + 1])]
                        for a in _base_forms(tokens[i])
                        if (a, tokens[i + 1]) in pairs
                    ),
                    None,
                )
            if pair is not None:
                out.append(pair)
                i += 2
                continue
        out.append(_lookup(single, tokens[i]) or tokens[i])
        i += 1
    return out


@functools.lru_cache(maxsize=1)
def _glossary_long_forms() -> dict[str, list[str]]:
    known: dict[str, list[str]] = {}
    for short, long in _glossary():
        known.setdefault(short, []).append(long)
    return known


def glossary_long_forms() -> dict[str, list[str]]:
    """Abbreviation -> its long forms, from the shipped glossary ("PFS" -> ["progression-free survival"])."""
    return _glossary_long_forms()


@functools.lru_cache(maxsize=1)
def _glossary() -> tuple[tuple[str, str], ...]:
    raw = resources.files("assistant").joinpath("data/glossary.tsv").read_text(encoding="utf-8")
    rows = []
    for line in raw.splitlines():
        if line.strip() and not line.startswith("#") and "\t" in line:
            short, long = line.split("\t", 1)
            rows.append((short.strip(), long.strip()))
    return tuple(rows)


# Footnote references glued to the end of a word or sentence: "cancer.5,6,7", "NETs,10", "as:16".
_FOOTNOTE = re.compile(r"(?:(?<=[a-z\)%\]])|(?<=[a-z\)%\]][\.:,;]))\d{1,2}(?:[,\u2013-]\d{1,2})*(?=[\s\]]|$)")


def strip_footnotes(text: str) -> str:
    """The text with footnote reference numbers blanked (same length, so offsets still hold)."""
    return _FOOTNOTE.sub(lambda m: " " * len(m.group(0)), text)


def numbers(text: str) -> set[str]:
    """The figures and codes a text states ("0.38", "2:1", "a021602"), footnote references excluded."""
    return {w for w in words(strip_footnotes(text)) if any(ch.isdigit() for ch in w)}


_FIGURE_TOKEN = re.compile(r"\d+(?:[.,:]\d+)*")
_CITE_MARKER = re.compile(r"\[\d+\]")


def figure_tokens(text: str) -> list[str]:
    """Every figure written in a text, footnote references included, citation markers excluded; thousands
    separators dropped ("1,500" == "1500"). Used by the grounding guard and by the eval's
    unsupported-number metric alike, so what the guard lets through is what the metric accepts."""
    out = []
    for f in _FIGURE_TOKEN.findall(_CITE_MARKER.sub(" ", text)):
        out.append(f.replace(",", "") if re.fullmatch(r"\d{1,3}(?:,\d{3})+", f) else f)
    return out
