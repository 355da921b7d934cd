"""Linking precision and coverage on the seed report and on the re3d dev documents.

Run: ``PYTHONPATH=. python bench/link_eval.py [--shared DIR] [--audit FILE]``

* **seed** (``shared/seed/*.gold.jsonl``): every occurrence in the text of a gold place
  or actor name becomes a mention (as an extractor would find it). A place link is
  right when its governorate's QID is the gold ``admin1`` (and, when the gold gives a
  QID, the place's own); an actor link is right when the entity has the gold QID, or,
  for actors without one, when every name of the gold actor links to the same entity
  and that entity carries one of the gold names.
* **re3d** (``shared/data/re3d-dev``, English): its Location and Organisation
  annotations become place and actor mentions. re3d has no KB identifiers, so
  precision is judged by hand on the distinct (name → entity) links, which
  ``--audit FILE`` writes as TSV with a column to fill (``ok``/``wrong``); with a
  filled file, ``--judged FILE`` prints the precision.

Coverage is linked mentions / all mentions.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

from kg.core.model import Document, Mention, Report, Span
from kg.linking.kb import KnowledgeBase, alias_key, load_kb
from kg.linking.link import link_report

RE3D_KINDS = {"Location": "place", "Organisation": "actor"}


def default_shared() -> Path:
    env = os.environ.get("KG_SHARED_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared"


def find_mentions(text: str, names: dict[str, str]) -> list[Mention]:
    """A mention for every occurrence of each name (longest names first, no overlaps)."""
    taken: list[tuple[int, int]] = []
    mentions = []
    for name in sorted(names, key=len, reverse=True):
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if not any(s < end and start < e for s, e in taken):
                taken.append((start, end))
                mentions.append(Mention(Span(start, end, name), names[name], name=name))  # type: ignore[arg-type]
            start = text.find(name, end)
    return mentions


def seed_eval(shared: Path, kb: KnowledgeBase) -> dict[str, object]:
    """Precision and coverage over the seed gold files."""
    stats: Counter[str] = Counter()
    wrong: list[str] = []
    for gold_file in sorted((shared / "seed").glob("*.gold.jsonl")):
        for line in gold_file.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            gold = json.loads(line)
            text = (gold_file.parent / gold["text_file"]).read_text(encoding="utf-8")
            places: dict[str, dict[str, object]] = {}
            actors: dict[str, dict[str, object]] = {}
            for event in gold["events"]:
                if event.get("place"):
                    places[event["place"]["name"]] = event["place"]
                for actor in event.get("actors", []):
                    for name in actor["names"]:
                        actors[name] = actor
                for name in event.get("according_to", []):
                    actors.setdefault(name, {"names": [name], "wikidata": None})
            kinds = {**{n: "place" for n in places}, **{n: "actor" for n in actors}}
            report = Report(Document(text), gold.get("lang", "ar"),
                            mentions=find_mentions(text, kinds))
            link_report(report, kb)
            by_name: dict[str, set[str | None]] = defaultdict(set)
            for m in report.mentions:
                by_name[m.span.text].add(m.entity)
            for m in report.mentions:
                stats[f"{m.kind} mentions"] += 1
                if m.entity is None:
                    continue
                stats[f"{m.kind} linked"] += 1
                ok = (_place_ok(kb, m.entity, places[m.span.text]) if m.kind == "place"
                      else _actor_ok(kb, m.entity, actors[m.span.text], by_name))
                stats[f"{m.kind} correct"] += ok
                if not ok:
                    wrong.append(f"{m.span.text} -> {m.entity}")
    return {**_ratios(stats), "wrong": sorted(set(wrong))}


def _place_ok(kb: KnowledgeBase, key: str, gold: dict[str, object]) -> bool:
    ent = kb.entity(key)
    chain = [ent, *kb.ancestors(key)]
    if gold.get("wikidata") and ent.wikidata != gold["wikidata"]:
        return False
    admin1 = [e.wikidata for e in chain if e.admin_level == 1]
    return not gold.get("admin1") or admin1 == [gold["admin1"]]


def _actor_ok(kb: KnowledgeBase, key: str, gold: dict[str, object],
              by_name: dict[str, set[str | None]]) -> bool:
    ent = kb.entity(key)
    if gold.get("wikidata"):
        return ent.wikidata == gold["wikidata"]
    names = [str(n) for n in gold["names"]]  # type: ignore[union-attr]
    linked = set().union(*(by_name.get(n, set()) for n in names)) - {None}
    own = {alias_key(n) for n in (ent.label_ar, ent.label_en, *ent.aliases) if n}
    return linked == {key} and any(alias_key(n) in own for n in names)


def _ratios(stats: Counter[str]) -> dict[str, object]:
    out: dict[str, object] = dict(stats)
    for kind in ("place", "actor"):
        total, linked, correct = (stats[f"{kind} mentions"], stats[f"{kind} linked"],
                                  stats[f"{kind} correct"])
        if total:
            out[f"{kind} coverage"] = round(linked / total, 3)
        if linked and f"{kind} correct" in stats:
            out[f"{kind} precision"] = round(correct / linked, 3)
    return out


def re3d_eval(shared: Path, kb: KnowledgeBase) -> tuple[dict[str, object], list[list[str]]]:
    """Coverage on re3d Location/Organisation mentions, and the distinct links to judge."""
    stats: Counter[str] = Counter()
    links: Counter[tuple[str, str, str]] = Counter()
    base = shared / "data" / "re3d-dev"
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        docs = {d["_id"]: d for d in _jsonl(folder / "documents.json")}
        by_doc: dict[str, list[Mention]] = defaultdict(list)
        for ent in _jsonl(folder / "entities.json"):
            kind = RE3D_KINDS.get(ent["type"])
            if kind is None or ent["documentId"] not in docs:
                continue
            span = Span(ent["begin"], ent["end"], ent["value"])
            by_doc[ent["documentId"]].append(Mention(span, kind, name=ent["value"]))  # type: ignore[arg-type]
        for doc_id, mentions in by_doc.items():
            report = Report(Document(docs[doc_id]["text"], lang="en"), "en", mentions=mentions)
            link_report(report, kb)
            for m in mentions:
                stats[f"{m.kind} mentions"] += 1
                if m.entity:
                    stats[f"{m.kind} linked"] += 1
                    links[(m.kind, m.span.text, m.entity)] += 1
    rows = [[kind, name, key, kb.entity(key).label, str(n), ""]
            for (kind, name, key), n in sorted(links.items())]
    out = _ratios(stats)
    out["distinct links"] = len(rows)
    return out, rows


def _jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8-sig").splitlines()
            if line.strip()]


def judged_precision(path: Path) -> dict[str, object]:
    """Precision from a filled audit file (weighted by mentions and by distinct links)."""
    stats: Counter[str] = Counter()
    with path.open(encoding="utf-8") as fh:
        for kind, _name, _key, _label, count, verdict in csv.reader(fh, delimiter="\t"):
            if verdict not in ("ok", "wrong"):
                continue
            stats[f"{kind} judged links"] += 1
            stats[f"{kind} judged mentions"] += int(count)
            if verdict == "ok":
                stats[f"{kind} ok links"] += 1
                stats[f"{kind} ok mentions"] += int(count)
    out: dict[str, object] = dict(stats)
    for kind in ("place", "actor"):
        if stats[f"{kind} judged mentions"]:
            out[f"{kind} precision (mentions)"] = round(
                stats[f"{kind} ok mentions"] / stats[f"{kind} judged mentions"], 3)
            out[f"{kind} precision (distinct links)"] = round(
                stats[f"{kind} ok links"] / stats[f"{kind} judged links"], 3)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=None)
    parser.add_argument("--audit", type=Path, default=None, help="write re3d links as TSV")
    parser.add_argument("--judged", type=Path, default=None, help="read a judged TSV")
    args = parser.parse_args(argv)
    shared = args.shared or default_shared()
    if not (shared / "seed").is_dir():
        print(f"no shared data at {shared}", file=sys.stderr)
        return 2
    kb = load_kb()
    print("seed:", json.dumps(seed_eval(shared, kb), ensure_ascii=False))
    summary, rows = re3d_eval(shared, kb)
    print("re3d:", json.dumps(summary, ensure_ascii=False))
    if args.audit:
        with args.audit.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, delimiter="\t", lineterminator="\n").writerows(rows)
    if args.judged:
        print("re3d judged:", json.dumps(judged_precision(args.judged), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
