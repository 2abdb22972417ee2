"""People's names: which part is the family name, made once and read by every place that cites,
sorts or files a person.

A name is written as its bearer prints it (``Kim Min-jun``, ``Aroha Te Rangi``, ``李晓燕``), and
a person may say which part is the family name (``family``) and give the name in Latin script
too (``latin``). :class:`PersonName` holds that, resolved once at validation: where ``family`` is
not given, the family name is taken to be the last word (titles and degrees aside), and
:func:`doubts` says why that guess may be wrong, for ``make check`` to warn. Citations (RIS,
CSL-JSON, BibTeX, Highwire, Crossref, JSON-LD), the Contributors list, the index, the EPUB's
``file-as`` and the chapters' ``sort: author`` read the parts from here; the printed name is
always the name as written (and its Latin form after it in parentheses).

Nothing here knows about Sphinx or the check's messages: :mod:`bookbuilder.check.schema` turns
:func:`doubts`, :func:`titles_in` and :func:`family_choices` into problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache


def _listed(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that join a family name to what comes before it: where one stands inside a name, the
# family name may be more than the last word (Dutch, German, Romance, Portuguese, Māori, Arabic).
PARTICLES = _listed(
    """van von vom zu zum zur de da das do dos du des del della delle dei degli di der den
    ter ten te la le lo les y e bin binti bint ibn ben bat abu al el ul ap af av mac"""
)
# Prefixes joined to a family name by a hyphen (al-Rashid, el-Sayed, ad-Din).
PARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|ar|as|at|ash|az|ul|ud)-", re.IGNORECASE)
# Icelandic patronymics: a name without a family name, filed and cited whole.
PATRONYMIC = re.compile(r"(?:dóttir|dottir|sdóttir)$", re.IGNORECASE)
# Scripts whose names are written family name first (ICU's short script names).
FAMILY_FIRST_SCRIPTS = {"Hani": "Han", "Hang": "Hangul", "Hira": "Hiragana", "Kana": "Katakana"}
# The commonest family names of traditions that write them first (Korean, Chinese, Vietnamese,
# Hungarian, Japanese): as a name's first word in Latin script, the last-word guess is doubtful.
FAMILY_FIRST_SURNAMES = _listed(
    """kim lee yi park pak choi choe jung jeong chung kang cho jo yoon yun jang chang lim im han
    shin seo kwon hwang ahn oh song hong wang li zhang liu chen yang huang zhao wu zhou xu sun
    zhu hu guo lin luo zheng liang xie tang feng deng cao nguyen nguyễn tran trần le lê pham
    phạm hoang hoàng huynh huỳnh phan vu vũ vo võ dang đặng bui bùi ngo ngô duong dương ly lý
    nagy kovács tóth szabó horváth varga kiss molnár németh farkas
    sato satō suzuki takahashi tanaka watanabe ito itō yamamoto nakamura kobayashi kato katō
    yoshida yamada sasaki yamaguchi matsumoto inoue kimura hayashi shimizu"""
)
# Words of a group's name, not a person's: a name with one is perhaps an organisation's.
ORGANISATION_WORDS = _listed(
    """board committee department dept. society association college university hospital
    institute team group unit service clinic centre center faculty school network council
    editorial editors collaboration consortium working"""
)
# Honorifics before a name, and post-nominal letters (degrees, fellowships, licences) after it:
# none is part of the name. Matched as written (so "Do", a Vietnamese family name, is not "DO").
HONORIFICS = _listed(
    """Dr Dr. Prof Prof. Professor Mr Mr. Mrs Mrs. Ms Ms. Mx Mx. Sir Dame Rev Rev. Dott. Dott.ssa
    Dra Dra. Drs. Herr Frau Sr. Sra. Mme Mme. Mlle Assoc. Ass."""
)
POSTNOMINALS = _listed(
    """MD M.D. DO RN R.N. PhD Ph.D. DPhil MSc M.Sc. BSc B.Sc. MBBS MBChB MB BS MA MPH MBA MS
    FRCR FRCP FRCS FRCPC FRANZCR FACR FESR FFR MRCP MRCS DMRD DNB DMD DDS RT RT(R) RTT ARRT
    RDMS RVT CNMT BPharm PharmD DrPH EdD FHEA FIPEM MSCR CRA RRT LPN NP APRN"""
)


@dataclass(frozen=True)
class PersonName:
    """A person's (or an organisation's) name, with its family part resolved.

    ``name`` is as written and printed; ``family`` the family name as it stands inside it (None
    for an organisation, which is never split); ``latin`` the same name in Latin script, printed
    after it. ``stated``: whether ``family`` was written in the source, or guessed.
    """

    name: str
    family: str | None = None
    latin: str | None = None
    organisation: bool = False
    stated: bool = False

    @classmethod
    def of(
        cls,
        name: str,
        family: str | None = None,
        latin: str | None = None,
        organisation: bool = False,
    ) -> PersonName:
        """The name with ``family`` as stated, or guessed (the last word, titles aside)."""
        name = " ".join(name.split())
        if organisation:
            return cls(name, None, latin, True, False)
        if family:
            return cls(name, " ".join(family.split()), latin, False, True)
        return cls(name, guess_family(name), latin, False, False)

    @property
    def printed(self) -> str:
        """As every edition prints it: ``李晓燕 (Li Xiaoyan)``."""
        return f"{self.name} ({self.latin})" if self.latin else self.name

    @property
    def given(self) -> str | None:
        """The rest of the name, in its order, titles and degrees left out; None if nothing."""
        return _given(self.name, self.family)

    @property
    def family_first(self) -> bool:
        return bool(self.family and self.given and self.name.startswith(self.family))

    @property
    def parts(self) -> tuple[str | None, str | None]:
        """(family, given) as citations give them: from the Latin form when there is one (what
        reference managers and Latin-script indexes read), else from the name as written."""
        if self.organisation or not self.family:
            return None, None
        if not self.latin:
            return self.family, self.given
        return _latin_parts(self)

    @property
    def file_as(self) -> str:
        """How a list or index files it: ``Te Rangi, Aroha``, ``Kim, Min-jun``, ``Li, Xiaoyan``;
        a mononym alone; an organisation whole."""
        family, given = self.parts
        if family is None:
            return self.latin or self.name
        return f"{family}, {given}" if given else family


_PARENTHESES = re.compile(r"\([^)]*\)?")
TWO_SCRIPTS = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<other>[^()]+)\)$")


def _words(name: str) -> list[str]:
    """The name's words, without commas, and without what stands in parentheses (another
    script's form, which is ``latin``'s to give: never split by a guess)."""
    return [w.strip(",") for w in _PARENTHESES.sub(" ", name).split() if w.strip(",")]


def is_title(word: str) -> bool:
    """An honorific or a post-nominal as written (``Dr.``, ``MD``, ``PhD``)."""
    return word in HONORIFICS or word.strip(",") in POSTNOMINALS


def guess_family(name: str) -> str:
    """The last word that is not a title or degree (the whole name for a single word)."""
    words = [w for w in _words(name) if not is_title(w)] or _words(name) or [name]
    return words[-1]


def _given(name: str, family: str | None) -> str | None:
    """The words of ``name`` around the family name (found as whole words, or as the leading
    characters of a word in a script written without spaces)."""
    if not family:
        return None
    words, wanted = _words(name), family.split()
    size = len(wanted)
    for i in range(len(words) - size + 1):
        if words[i : i + size] == wanted:
            rest = words[:i] + words[i + size :]
            break
    else:
        rest = [w.removeprefix(family) if w.startswith(family) else w for w in words]
    given = [w for w in rest if w and not is_title(w)]
    return " ".join(given) or None


def _latin_parts(person: PersonName) -> tuple[str | None, str | None]:
    """The family name's Latin form: as many words of ``latin`` as the family has in the name
    (one, in a script written without spaces), from the end where it stands."""
    assert person.latin is not None and person.family is not None
    latin = _words(person.latin)
    if person.given is None:
        return " ".join(latin), None
    count = len(person.family.split()) if " " in person.name else 1
    count = min(count, len(latin) - 1) or 1
    if person.family_first:
        family, given = latin[:count], latin[count:]
    else:
        family, given = latin[-count:], latin[:-count]
    return " ".join(family), " ".join(given) or None


@cache
def script_of(char: str) -> str:
    import icu  # PyICU: Unicode's script property

    return icu.Script.getScript(char).getShortName()


def family_first_script(name: str) -> str | None:
    """The name of a script written family name first that ``name`` uses (Han, Hangul…)."""
    for char in name:
        if char.isalpha() and ord(char) > 0x2E7F:
            script = FAMILY_FIRST_SCRIPTS.get(script_of(char))
            if script:
                return script
    return None


def looks_like_organisation(name: str) -> bool:
    return any(w.casefold() in ORGANISATION_WORDS for w in _words(name))


def doubts(name: str) -> list[str]:
    """Why the last-word guess of ``name``'s family name may be wrong (empty: it looks right)."""
    words = [w for w in _words(name) if not is_title(w)]
    found: list[str] = []
    if looks_like_organisation(name):
        found.append("it looks like an organisation's name, which is never split")
    inner = [w for w in words[1:] if w.casefold() in PARTICLES or PARTICLE_PREFIX.match(w)]
    if words and PARTICLE_PREFIX.match(words[0]):
        inner.insert(0, words[0])
    if inner:
        found.append(f"'{inner[0]}' may belong to the family name")
    if len(words) > 3:
        found.append(f"it has {len(words)} words")
    script = family_first_script(name)
    if script:
        found.append(f"{script} names are written family name first")
    elif len(words) in (2, 3) and words[0].casefold() in FAMILY_FIRST_SURNAMES:
        found.append(f"'{words[0]}' is often a family name written first")
    if PATRONYMIC.search(words[-1] if words else ""):
        found.append(f"'{words[-1]}' is a patronymic, not a family name")
    if "," in without_titles(name):
        found.append("it has a comma")
    if "(" in name or ")" in name:
        found.append("it has parentheses (a name in two scripts takes latin: for the other)")
    return found


def likely_family(name: str) -> str:
    """The best candidate for ``family`` to offer with a doubt: a particle and what follows
    it, a family-first name's first word (or character), else the last word."""
    words = [w for w in _words(name.split("(")[0]) if not is_title(w)]
    if not words:
        return name
    for index, word in enumerate(words[1:], start=1):
        if word.casefold() in PARTICLES:
            return " ".join(words[index:])
    script = family_first_script(name)
    if script:
        return words[0] if len(words) > 1 else words[0][:1]
    if len(words) in (2, 3) and words[0].casefold() in FAMILY_FIRST_SURNAMES:
        return words[0]
    if PATRONYMIC.search(words[-1]):
        return " ".join(words)  # no family name: the whole name, never split
    return words[-1]


def titles_in(name: str) -> list[str]:
    """The honorifics and post-nominals written inside ``name``, in order."""
    return [w.strip(",") for w in name.split() if is_title(w)]


def without_titles(name: str) -> str:
    return " ".join(w for w in name.split() if not is_title(w)).strip(" ,")


def family_choices(name: str) -> list[str]:
    """What ``family`` may be for ``name``: every run of whole words (one word or more); a name
    in a script written without spaces also its leading characters."""
    words = _words(name)
    runs = [" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)]
    return runs


def is_part_of(family: str, name: str) -> bool:
    """Whether ``family`` is whole words of ``name``, or a leading part of a word in a script
    written without spaces (``李`` of ``李晓燕``)."""
    words = _words(name)
    wanted = family.split()
    size = len(wanted)
    if any(words[i : i + size] == wanted for i in range(len(words) - size + 1)):
        return True
    return size == 1 and any(
        w.startswith(family) and family_first_script(w) is not None for w in words
    )
