"""Events: triggers with their actors and roles, place, date, casualties, sources.

Per sentence, triggers are grouped (a specific trigger absorbs a generic one next to
it: داهمت … فاعتقلت is one raid), each group reads its arguments from its clause,
and then mentions of the same happening across the report are merged:

* a definite or demonstrative mention (المداهمة، هذه الاشتباكات) refers back to the
  last event of its type (or to an untyped ``عملية``, which then takes the type);
* other mentions join an earlier event when type, date, place, background and the
  sides agree, unless a word says it is another one (أخرى، أيضا، جديد);
* mentions that say nothing new in a sentence that refers back to an event are part
  of that event (… قتلت خلال المداهمة 5 عناصر في المعركة التي تلت ذلك).

Roles come from cue words (بدعم → supporter; على، ضد، مواقع → target; بين … و،
مع → participant of a clash; من قبل، شنتها → perpetrator) and word order (the subject
of the trigger verb or of a support verb نفذ/شن/أطلق carried it out; what follows
it was the target). A sub-unit (وحدات مكافحة الإرهاب التابعة لقوات قسد) stands for
the named force it belongs to; "its forces" in a party's statement are that party's;
an attack told without its author, in a sentence about fighting between two sides, is
given the side that is neither the target nor part of it.

Dates: the mention's own time expression, else the day the narrative is at (the last
day told for a reported event), else the reference date — neither when the page shows
no publication date and the reference is only a date read in the text; background events (كان … قد،
في وقت سابق، earlier years, قبل أكثر من شهر) take no date they do not state. Places:
the clause's place, else the report's main place (the finest place named most often);
a region (شرق سوريا) gives way to the main place for reported events. A short first
line without a full stop is a headline: its events are merged into the body's.

The work is done in stages, each a module with the data between them explicit:

1. :mod:`~extractors.events.mentions` — a sentence's triggers become
   :class:`~extractors.events.drafts.EventMention` objects, each with its clause;
2. :mod:`~extractors.events.roles` and :mod:`~extractors.events.arguments` — each
   mention's actors and roles, time, place, background, name, casualties and sources
   (mentions of one happening in one sentence are grouped between the two);
3. :mod:`~extractors.events.coreference` — mentions across the report merged into
   :class:`~extractors.events.drafts.EventDraft` objects;
4. :mod:`~extractors.events.conversion` — drafts become :class:`kg.core.model.Event`.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import DocState, state
from extractors.attribution import speakers_of
from extractors.events.arguments import ArgumentReader
from extractors.events.conversion import link_operations, main_place, to_event
from extractors.events.coreference import Coreference
from extractors.events.drafts import EventMention
from extractors.events.mentions import MentionFinder
from extractors.events.roles import RoleReader
from extractors.lexicon import Lexicon, load_lexicon


class EventBuilder:
    """Assemble events from the layers and write them to ``doc._.ckg.events``."""

    def __init__(self, lexicon: Lexicon) -> None:
        """Use the cue tables of ``lexicon``."""
        self.mentions = MentionFinder(lexicon)
        self.roles = RoleReader(lexicon)
        self.arguments = ArgumentReader(lexicon)
        self.coreference = Coreference(lexicon)

    def __call__(self, doc: Doc) -> Doc:
        """Annotate ``doc``."""
        st = state(doc)
        per_sentence = [self.sentence_mentions(st, i) for i in range(len(st.sentences))]
        drafts = self.coreference.merge(st, per_sentence)
        self.arguments.draft_sides(st, drafts)
        main = main_place(st)
        st.events = [e for e in (to_event(doc, st, d, main) for d in drafts) if e is not None]
        link_operations(st)
        return doc

    def sentence_mentions(self, st: DocState, index: int) -> list[EventMention]:
        """The event mentions of one sentence, with their arguments (stages 1 and 2)."""
        s_start, s_end = st.sentences[index]
        mentions = self.mentions.find(st, index)
        if not mentions:
            return []
        speaker = speakers_of(st, index)
        speaker_tokens: set[int] = set()
        if speaker is not None:
            speaker_tokens.update(range(speaker.start, speaker.end))
            for hit in speaker.speakers:
                speaker_tokens.update(range(hit.start, hit.end))
        for m in mentions:
            self.roles.read(st, m, speaker_tokens)
        mentions = self.mentions.group(st, mentions)
        for m in mentions:
            self.arguments.read(st, m)
            if speaker is not None and m.trigger.start >= speaker.scope:
                m.speakers = list(speaker.speakers)
        self.arguments.casualties(st, mentions, s_start, s_end)
        self.arguments.claims(st, mentions, s_start, s_end)
        return mentions


@Language.factory("ckg_events", default_config={"lang": "ar"})
def make_event_builder(nlp: Language, name: str, lang: str) -> EventBuilder:
    """Factory of :class:`EventBuilder`."""
    return EventBuilder(load_lexicon(lang))
