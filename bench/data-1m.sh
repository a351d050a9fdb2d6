#!/bin/sh
# Peak memory of training one epoch on 1,000,000 rows × 12 columns (issue 3): a benchmark, not a test.
# Usage (after npm run build): sh bench/data-1m.sh [work-dir]
# Makes the HR-style data with 1,000,000 rows, keeps 12 columns (drops employee_id and region),
# then trains one epoch under /usr/bin/time -v and prints the peak resident set size.
set -eu
dir=${1:-${TMPDIR:-/tmp}/chainrule-bench-1m}
cli="node $(dirname "$0")/../dist/cli/main.js"
mkdir -p "$dir"
if [ ! -f "$dir/hr-1m.csv" ]; then
  $cli gen-data --schema hr --rows 1000000 --seed 7 --out "$dir/hr-14.csv"
  # No quoted fields in the generated file, so cut is safe.
  cut -d, -f2,4-14 "$dir/hr-14.csv" > "$dir/hr-1m.csv"
  rm "$dir/hr-14.csv"
fi
echo "columns: $(head -1 "$dir/hr-1m.csv" | tr ',' '\n' | wc -l), rows: $(($(wc -l < "$dir/hr-1m.csv") - 1)), bytes: $(wc -c < "$dir/hr-1m.csv")"
/usr/bin/time -v $cli train --data "$dir/hr-1m.csv" --target is_promoted --epochs 1 --layers 8 \
  --optimizer adam --lr 0.01 --batch-size 256 --out "$dir/model.json" 2> "$dir/time.txt"
grep -E 'Maximum resident set size|Elapsed \(wall clock\)|User time' "$dir/time.txt"
