"""Benchmark: Arabic reports extracted per second per core, and peak memory.

The corpus is generated from sentence templates written for this benchmark (actors,
places, numbers, dates and event cues varied at random with a fixed seed) into
reports about as long as the founding seed report (~2,800 characters, ~20
sentences). Extraction runs in this one process, so reports per CPU second is the
per-core rate.

With the real-news corpus's texts present (the ``corpus_dir`` setting, see
``corpus/README.md``), it also extracts every Arabic and English corpus text, each with
its own language's pipeline, and reports their rate.

Run: ``python bench/bench_extract.py [--reports 200] [--rounds 3] [--corpus DIR]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import statistics
import time
from pathlib import Path

from extractors import extract
from kg.core.model import Document
from kg.pipeline.nlp import build_nlp

ACTORS = ["قوات سوريا الديمقراطية", "قسد", "تنظيم داعش", "خلايا داعش", "قوات النظام",
          "هيئة تحرير الشام", "الجيش الوطني", "القوات التركية", "التحالف الدولي",
          "قوى الأمن الداخلي", "الجيش العراقي", "الحشد الشعبي", "البيشمركة"]
PLACES = ["قرية البصيرة", "بلدة الشحيل", "مدينة منبج", "بلدة ذيبان", "مدينة الميادين",
          "بلدة كفرنبل", "مدينة الباب", "قرية الطيانة", "قضاء الطارمية", "ناحية العظيم",
          "مدينة القامشلي", "بلدة تل تمر"]
REGIONS = ["بريف دير الزور الشرقي", "بريف حلب الشمالي", "جنوبي إدلب", "شرقي الحسكة",
           "شمالي بغداد", "بمحافظة ديالى"]
WHEN = ["يوم الأحد", "مساء الاثنين", "فجر اليوم", "أمس الخميس", "في 13 كانون الأول/ديسمبر",
        "الأسبوع الماضي", "صباح السبت"]
COUNTS = ["3", "خمسة", "عنصرين", "ما لا يقل عن 7", "أكثر من 10", "عدة", "ثلاثة"]
SOURCES = ["وفقاً لما أفاد به المرصد السوري لحقوق الإنسان", "بحسب وكالة نورث برس",
           "بحسب مصادر محلية لعنب بلدي", "وفق ما ذكرت شبكة رووداو الإعلامية"]
TEMPLATES = [
    "قال {src2} إن {a} شنت هجوماً على مواقع لـ{b} في {p} {r} {w}، ما أدى إلى مقتل {n} "
    "عناصر من {b}.",
    "استهدفت طائرة مسيّرة تركية سيارة في {p} {r} {w}، ما أسفر عن مقتل {n} أشخاص، {src}.",
    "اعتقلت {a} {n} أشخاص خلال حملة دهم في {p} {r} {w}، {src}.",
    "واندلعت اشتباكات عنيفة بين {a} و{b} في {p} {r}، أسفرت عن سقوط {n} قتلى.",
    "وانفجرت عبوة ناسفة بدورية لـ{b} في {p} {w}، ما أدى إلى إصابة {n} عناصر.",
    "وأضاف أن {a} فرضت حظر تجول في {p} {w}.",
    "وكانت {a} قد أطلقت في عام 2019 حملة عسكرية ضد {b} {r}.",
    "وتشهد المنطقة بين الحين والآخر هجمات متكررة تشنها {b}.",
    "وقصفت {a} بالمدفعية الثقيلة قرى في {p} {r} {w}.",
    "وأفاد مراسل شفق نيوز بأن مسلحين مجهولين اختطفوا مواطناً في {p} {w}.",
    "وتقع {p} على ضفاف نهر الفرات، وتعاني من نقص في الخدمات الأساسية منذ سنوات.",
    "وذكر {src2} أن {b} تصدت لهجوم شنه {a} على نقاط عسكرية في {p}.",
]
SPEAKERS = ["المرصد السوري لحقوق الإنسان", "مركز معلومات شمال وشرق سوريا",
            "المتحدث باسم قسد فرهاد شامي", "وكالة الأنباء السورية (سانا)"]


def make_report(rng: random.Random, target_chars: int = 2800) -> str:
    """One synthetic report of about ``target_chars`` characters."""
    sentences: list[str] = []
    size = 0
    while size < target_chars:
        a, b = rng.sample(ACTORS, 2)
        sentence = rng.choice(TEMPLATES).format(
            a=a, b=b, p=rng.choice(PLACES), r=rng.choice(REGIONS), w=rng.choice(WHEN),
            n=rng.choice(COUNTS), src=rng.choice(SOURCES), src2=rng.choice(SPEAKERS))
        sentences.append(sentence)
        size += len(sentence) + 1
    return "\n".join(sentences)


def main() -> None:
    """Run the benchmark and print median figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ner", action="store_true",
                        help="include the statistical NER fallback (off by default)")
    parser.add_argument("--corpus", type=Path, default=None,
                        help="local corpus folder of real-news texts (default: corpus_dir)")
    args = parser.parse_args()
    rng = random.Random(4)
    corpus = [make_report(rng) for _ in range(args.reports)]
    chars = statistics.mean(len(t) for t in corpus)
    t0 = time.perf_counter()
    nlp = build_nlp("ar", {"ner": args.ner})
    build = time.perf_counter() - t0
    extract(Document(corpus[0], lang="ar", published=dt.date(2024, 3, 12)), nlp=nlp)  # warm-up
    rates, events = [], 0
    for _ in range(args.rounds):
        cpu0 = time.process_time()
        events = 0
        for text in corpus:
            report = extract(Document(text, lang="ar", published=dt.date(2024, 3, 12)), nlp=nlp)
            events += len(report.events)
        rates.append(len(corpus) / (time.process_time() - cpu0))
    seed = Path(__file__).resolve().parent.parent / "kg" / "samples" / "report-ar-000.txt"
    seed_rate = None
    if seed.is_file():  # the founding report itself, for comparison
        text = seed.read_text(encoding="utf-8")
        cpu0 = time.process_time()
        for _ in range(args.reports):
            extract(Document(text, lang="ar"), nlp=nlp)
        seed_rate = args.reports / (time.process_time() - cpu0)
    print(f"corpus: {len(corpus)} synthetic reports, mean {chars:.0f} characters, "
          f"{events / len(corpus):.1f} events per report")
    print(f"pipeline build (KB gazetteer + tables): {build:.2f} s")
    print(f"reports per CPU second (one core), median of {args.rounds}: "
          f"{statistics.median(rates):.1f}  (rounds: {', '.join(f'{r:.1f}' for r in rates)})")
    if seed_rate is not None:
        print(f"the seed report ({len(text)} characters) repeated: {seed_rate:.1f} reports "
              "per CPU second")
    for line in real_news(args.corpus, args.rounds):
        print(line)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak_mb:.0f} MB")


def real_news(folder: Path | None, rounds: int) -> list[str]:
    """Rates on the real-news corpus texts present locally, per language."""
    from kg.core.settings import load_settings

    folder = folder or Path(load_settings(config_file=None).corpus_dir)
    lines = []
    for lang in ("ar", "en"):
        texts = [p.read_text(encoding="utf-8") for p in sorted((folder / lang).glob("*.txt"))]
        if not texts:
            lines.append(f"real news ({lang}): no texts in {folder / lang}")
            continue
        nlp = build_nlp(lang)
        extract(Document(texts[0], lang=lang), nlp=nlp)  # warm-up
        rates = []
        for _ in range(rounds):
            cpu0 = time.process_time()
            for text in texts:
                extract(Document(text, lang=lang), nlp=nlp)
            rates.append(len(texts) / (time.process_time() - cpu0))
        chars = statistics.mean(len(t) for t in texts)
        lines.append(f"real news ({lang}): {len(texts)} reports, mean {chars:.0f} characters: "
                     f"{statistics.median(rates):.1f} reports per CPU second (median of "
                     f"{rounds})")
    return lines


if __name__ == "__main__":
    main()
