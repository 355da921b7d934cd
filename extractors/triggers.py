"""Event triggers: verbal and nominal cues of the 13 event types, in inflected forms.

A match is kept when no blocking word stands before it (تفكيك عبوة ناسفة), a required
word is near it (فرار … السجن), it is not negated (لم تهاجم), and it is not inside an
organisation's name (هيئة تحرير الشام). Weapon words near a coarse trigger refine its
type (استهداف بطائرة مسيرة → Airstrike). The generic ``عملية`` gets a type from the
word after it or later from the events component.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import DocState, TriggerHit, state
from extractors.lexicon import Lexicon, arabic_verb_forms, has_article, load_lexicon
from kg.core.text import normalize_text

#: Mention kinds whose names may contain trigger words that are not triggers.
_NAME_KINDS = frozenset({"actor", "outlet", "person", "facility", "time"})
#: Refiners look this many tokens before and after a trigger.
REFINE_BEFORE = 6
REFINE_AFTER = 7
#: A plan or ability word (تعتزم، قدرة … على شن هجوم) this many tokens before a trigger,
#: in its clause, cancels it (and the acts coordinated after the first: "will increase
#: its drone strikes and artillery strikes").
IRREALIS_BEFORE = 8
_CLAUSE_BREAKS = frozenset({"،", ",", ";", "؛", ":"})
#: A denial (نفت الوزارة استهداف …) this many tokens before a trigger cancels it.
DENIAL_WINDOW = 6
#: How far before a trigger a negation (لم، لن، دون) still negates it.
NEGATION_BEFORE = 2
#: How far before a trigger a verb of aim ("to carry out", لتنفيذ) makes it an aim.
AIM_BEFORE = 3
#: Window for required words.
REQUIRE_WINDOW = 6
#: how far before a trigger ``requires_around`` looks (within its clause)
AROUND_BEFORE = 10


#: Most tokens between a verb of undergoing and the event noun after it, in one clause
#: (تعرض حاجز لقوات النظام لهجوم).
UNDERGO_BEFORE = 6


class TriggerFinder:
    """Find triggers and write them to ``doc._.ckg.triggers``."""

    def __init__(self, lexicon: Lexicon) -> None:
        """Use the trigger tables of ``lexicon``."""
        self.lex = lexicon
        self.nouns = frozenset(normalize_text(noun) for spec in lexicon.raw.get(
            "triggers", {}).values() for noun in spec.get("nouns", []))
        self.pronouns = lexicon.sets["pronoun_suffixes"] if lexicon.lang == "ar" \
            else frozenset()
        #: present-tense forms of the trigger verbs (a relative clause in the present
        #: tells what is done in general: "عمليات القتل التي تستهدف عناصر قسد")
        self.present = frozenset().union(*(
            arabic_verb_forms(pair[0], pair[1]) - arabic_verb_forms(pair[0], "")
            for spec in lexicon.raw.get("triggers", {}).values()
            for pair in spec.get("verbs", []) if len(pair) > 1)) \
            if lexicon.lang == "ar" else frozenset()
        #: per refiner row: whether only an operation noun typed by its adjective takes
        #: it (عملية أمنية لملاحقة …: a sweep, not a raid), and whether words of names do
        #: not count for it (هيئة تحرير الشام frees nothing)
        self.row_flags = [(bool(row.get("generic_only")), bool(row.get("outside_names")))
                          for row in lexicon.raw.get("refiners", [])]

    def __call__(self, doc: Doc) -> Doc:
        """Annotate ``doc``."""
        st = state(doc)
        st.triggers = self.find(st)
        return doc

    def find(self, st: DocState) -> list[TriggerHit]:
        """All kept triggers, left to right."""
        lex = self.lex
        n = len(st.norms)
        inside: dict[int, str] = {}
        for hit in st.mentions:
            for i in range(hit.start, hit.end):
                inside[i] = hit.mention.kind
        for time in st.times:  # "فجر اليوم" is dawn, not a detonation
            for i in range(time.start, time.end):
                inside[i] = "time"
        out: list[TriggerHit] = []
        i = 0
        while i < n:
            if inside.get(i) in _NAME_KINDS:
                i += 1
                continue
            hits = (lex.triggers.match(st.keys, i)
                    if lex.triggers.starts_with(st.forms[i]) else [])
            if hits and (has_article(st.keys[i]) or (
                    i > 0 and st.norms[i - 1] in lex.sets["determiners"])):
                # القصف is a noun, التابعة no form of تابع; "a target", "government
                # targets" name what is aimed at, not an act
                hits = [h for h in hits if h[1].kind != "verb"]
            if not hits:
                i += 1
                continue
            end, entry = hits[0]
            trig = TriggerHit(i, end, entry.type, entry.kind, entry.confidence,
                              definite=self._definite(st, i))
            if inside.get(i) == "operation" or self._names_operation(st, end, inside):
                trig.type = "MilitaryOperation"  # معركة "ردع العدوان"
            if self._keep(st, trig):
                if trig.type is None:
                    self._type_generic(st, trig, inside)
                else:
                    self._refine(st, trig, inside)
                out.append(trig)
            i = end
        return out

    @staticmethod
    def _names_operation(st: DocState, end: int, inside: dict[int, str]) -> bool:
        """Whether a named operation follows the trigger (after an optional quote)."""
        j = end + 1 if end < len(st.norms) and st.norms[end] == '"' else end
        return inside.get(j) == "operation"

    def _definite(self, st: DocState, i: int) -> bool:
        lex = self.lex
        demonstratives = lex.sets["demonstratives"]
        if any(form.startswith("ال") for form, _ in st.keys[i][:2]):
            return True
        if i > 0 and st.norms[i - 1] in demonstratives:
            return True
        if self._possessed(st, i):
            return True  # "جرى اختطافه يوم الأربعاء": his abduction, already told
        return i + 1 < len(st.norms) and st.norms[i + 1] in demonstratives

    def _aimed(self, st: DocState, hit: TriggerHit, s_start: int) -> bool:
        """Whether the trigger is what someone means to do: a verb of aim up to
        :data:`AIM_BEFORE` words before it, after a purpose word where the language has
        one ("the funds it uses to carry out raids", "في محاولة لتأمين هروب سجناء").
        What was aimed at is no event (a search to arrest fugitives, the escape a cell
        tried to secure); the act itself is told by other words."""
        purpose = self.lex.sets["purpose"]
        for j in range(max(s_start, hit.start - AIM_BEFORE), hit.start):
            if st.forms[j] & self.lex.sets["aim_verbs"] and (
                    not purpose or (j > s_start and st.norms[j - 1] in purpose)):
                return True
        return False

    def _undergone(self, st: DocState, i: int, s_start: int) -> bool:
        """Whether a verb of undergoing stands before ``i`` in its clause, its subject
        between ("تعرضا لهجوم"، "تعرض حاجز لهجوم": an attack that happened)."""
        undergo = self.lex.tables["undergo_verbs"]
        for k in range(i - 1, max(s_start, i - UNDERGO_BEFORE) - 1, -1):
            if st.norms[k] in _CLAUSE_BREAKS:
                return False
            if undergo.first(st.keys, k, k + 1) is not None:
                return True
        return False

    def _possessed(self, st: DocState, i: int) -> bool:
        """Whether an event noun carries a possessive pronoun (اختطافه، مداهمته، مقتلهم)."""
        for form, _ in st.keys[i]:
            for suffix in self.pronouns:
                if not form.endswith(suffix) or len(form) - len(suffix) < 3:
                    continue
                stem = form[:-len(suffix)]
                if stem in self.nouns or (stem.endswith("ت") and stem[:-1] + "ه" in self.nouns):
                    return True
        return False

    def _sentence_range(self, st: DocState, i: int) -> tuple[int, int]:
        return st.sentences[st.sentence_of[i]] if st.sentences else (0, len(st.norms))

    def _generic(self, st: DocState, hit: TriggerHit, s_start: int, s_end: int) -> bool:
        """"تصاعد وتيرة العمليات والهجمات"، "سلسلة هجمات نفذها التنظيم": acts counted in
        general, unless the sentence gives a day."""
        quantifiers = self.lex.sets["generic_quantifiers"]
        near = range(max(s_start, hit.start - 3), min(s_end, hit.end + 1))
        if not any(st.forms[j] & quantifiers for j in near if not hit.start <= j < hit.end):
            return False
        return not any(t.precision == "day" or t.same_day
                       for t in st.in_sentence("times", st.sentence_of[hit.start]))

    def _keep(self, st: DocState, hit: TriggerHit) -> bool:
        lex = self.lex
        etype = hit.type or ""
        first_keys = st.forms[hit.start]
        s_start, s_end = self._sentence_range(st, hit.start)
        if hit.start > s_start:
            blockers = lex.blocked_after.get(etype, frozenset())
            for j in range(max(s_start, hit.start - lex.blocked_window.get(etype, 1)),
                           hit.start):
                if st.forms[j] & blockers:
                    return False
            # "لم تهاجم"، "لن تتم مداهمة منزله": negated
            negations = lex.sets["negations"]
            if any(st.norms[j] in negations or (st.norms[j][:1] in ("و", "ف")
                                                and st.norms[j][1:] in negations)
                   for j in range(max(s_start, hit.start - NEGATION_BEFORE), hit.start)):
                return False
            if hit.kind == "verb" and st.norms[hit.start - 1] in lex.sets["purpose"]:
                return False  # "to target the PKK's hideouts"
            if hit.kind == "verb" and st.forms[hit.start] & self.present \
                    and st.forms[hit.start - 1] & lex.sets["relative_pronouns"]:
                return False  # "الهجمات التي تستهدف القوات": what is done, no one event
            if hit.kind in ("noun", "phrase") and st.norms[hit.start].startswith("ل") \
                    and not st.norms[hit.start].startswith("لل") \
                    and (st.norms[hit.start][1:], 1) in st.keys[hit.start] \
                    and not self._undergone(st, hit.start, s_start):
                return False  # "لاعتقال المطلوبين": what was meant, not what happened
        if self._generic(st, hit, s_start, s_end):
            return False
        for j in range(hit.start - 1, max(s_start, hit.start - IRREALIS_BEFORE) - 1, -1):
            if st.norms[j] in _CLAUSE_BREAKS:
                break
            if st.forms[j] & lex.sets["irrealis"]:
                return False
        for j in range(hit.start, min(s_end, hit.end + 2)):
            if st.forms[j] & lex.sets["irrealis"]:
                return False
        if self._aimed(st, hit, s_start):
            return False
        for j in range(max(s_start, hit.start - DENIAL_WINDOW), hit.start):
            if st.forms[j] & lex.sets["denials"]:
                return False
        if any(st.forms[j] & lex.sets["off_topic"] for j in range(s_start, s_end)):
            return False
        if hit.end < s_end:
            nxt = st.forms[hit.end]
            if nxt & lex.blocked_before.get(etype, frozenset()):
                return False
        for word, needed in lex.requires_near.get(etype, {}).items():
            if word == "*":
                if hit.end - hit.start > 1:
                    continue  # "عملية انتحارية": a phrase says enough
                lo, hi = max(s_start, hit.start - REQUIRE_WINDOW), min(s_end,
                                                                        hit.end + REQUIRE_WINDOW)
            elif word in first_keys and hit.end - hit.start == 1:  # a phrase says enough
                lo, hi = hit.end, min(s_end, hit.end + 4)
            else:
                continue
            if not any(st.forms[j] & needed for j in range(lo, hi)):
                return False
        for word, needed in lex.requires_around.get(etype, {}).items():
            if word in first_keys and hit.end - hit.start == 1 \
                    and not self._near_in_clause(st, hit, needed, s_start, s_end):
                return False
        return True

    @staticmethod
    def _near_in_clause(st: DocState, hit: TriggerHit, needed: frozenset[str], s_start: int,
                        s_end: int) -> bool:
        """One of ``needed`` within the clause of ``hit``: up to ``AROUND_BEFORE`` tokens
        before it (the subject of a support verb, "نفذت طائرات التحالف الدولي - العربي 3
        ضربات") and ``REQUIRE_WINDOW`` after it, not across a comma."""
        for j in range(hit.start - 1, max(s_start, hit.start - AROUND_BEFORE) - 1, -1):
            if st.norms[j] in _CLAUSE_BREAKS:
                break
            if st.forms[j] & needed:
                return True
        for j in range(hit.end, min(s_end, hit.end + REQUIRE_WINDOW)):
            if st.norms[j] in _CLAUSE_BREAKS:
                break
            if st.forms[j] & needed:
                return True
        return False

    def _refine(self, st: DocState, hit: TriggerHit, inside: dict[int, str]) -> None:
        """Give a trigger the finer type a weapon or purpose word near it names (see
        :attr:`row_flags` for rows marked ``generic_only`` and ``outside_names``)."""
        s_start, s_end = self._sentence_range(st, hit.start)
        lo = max(s_start, hit.start - REFINE_BEFORE)
        hi = min(s_end, hit.end + REFINE_AFTER)
        for (rtype, sources, table), (generic_only, outside_names) in zip(
                self.lex.refiners, self.row_flags, strict=True):
            if hit.type not in sources or (generic_only and not hit.generic):
                continue
            for j in range(lo, hi):
                if hit.start <= j < hit.end:
                    continue
                if st.norms[j] in ("،", ",", ";", "؛"):
                    if j > hit.end:
                        break
                    continue
                if outside_names and inside.get(j) in _NAME_KINDS:
                    continue
                if table.first(st.keys, j) is not None:
                    hit.type = rtype
                    return

    def _type_generic(self, st: DocState, hit: TriggerHit, inside: dict[int, str]) -> None:
        if hit.end < len(st.norms):
            found = self.lex.tables["generic_defaults"].first(st.keys, hit.end, hit.end + 1)
            if found is not None:
                hit.type = str(found[1])
                hit.generic = True
                self._refine(st, hit, inside)


@Language.factory("ckg_triggers", default_config={"lang": "ar"})
def make_trigger_finder(nlp: Language, name: str, lang: str) -> TriggerFinder:
    """Factory of :class:`TriggerFinder`."""
    return TriggerFinder(load_lexicon(lang))
