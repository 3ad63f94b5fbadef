#!/usr/bin/env bash
# Speed of a chargeback run against the release build: preview and posting
# of one run over every settled case of a generated set (≥ 10,000), timed
# from the client, and the fund-balance query's plan next to the ledger's size.
# Usage: scripts/bench-runs.sh [cases=10000]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
cases="${1:-10000}"
work="${BENCH_DIR:-$HOME/.cache/doorbraak/bench}"; mkdir -p "$work"
bin="${BENCH_BIN:-$CARGO_TARGET_DIR/release/doorbraak}"
[ -n "${BENCH_BIN:-}" ] || cargo build -p server --release
source_db="$work/runs-settled-$cases.db"
if [ ! -f "$source_db" ]; then
  DOORBRAAK_DATABASE="$source_db" DOORBRAAK_LOG=warn "$bin" generate --cases "$cases" --seed 5 --settled
fi
db="$work/runs-scratch.db"
rm -f "$db" "$db-wal" "$db-shm"
sqlite3 "$source_db" ".backup '$db'"
port=3918
base="http://127.0.0.1:$port"
DOORBRAAK_DATABASE="$db" DOORBRAAK_ADDR="127.0.0.1:$port" DOORBRAAK_LOG=warn \
  DOORBRAAK_SITE_ROOT="$PWD/target/site" "$bin" serve > "$work/runs-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 100); do curl -fs "$base/inloggen" -o /dev/null && break; sleep 0.2; done
cookie=$(curl -s -D - -o /dev/null -X POST "$base/api/login" \
  -d "username=backoffice&password=demo-wachtwoord" | sed -n 's/^set-cookie: \([^;]*\).*/\1/Ip' | head -1)
today=$(date -u +%F)
timed() { curl -s -o "$work/runs-answer.json" -w "%{http_code} %{time_total}\n" -b "$cookie" -X POST "$base/api/$1" -d "$2"; }
echo "settled cases: $(sqlite3 "$db" "SELECT count(*) FROM cases WHERE status = 'settled'")"
read -r code secs < <(timed create_run "period_from=2000-01-01&period_to=$today")
run=$(cat "$work/runs-answer.json")
echo "create draft (select the cases): HTTP $code in ${secs}s (run $run)"
for i in 1 2 3; do
  read -r code secs < <(timed chargeback_run "id=$run&page=0")
  echo "preview $i (allocate every case, totals, first page): HTTP $code in ${secs}s"
done
version=$(python3 -c "import json;print(json.load(open('$work/runs-answer.json'))['run']['version'])")
cases_in=$(python3 -c "import json;print(json.load(open('$work/runs-answer.json'))['case_count'])")
read -r code secs < <(timed post_run "run_id=$run&version=$version&booking_date=$today")
echo "post ($cases_in cases, one transaction): HTTP $code in ${secs}s"
echo "ledger: $(sqlite3 "$db" "SELECT count(*) FROM ledger_transactions") transactions, $(sqlite3 "$db" "SELECT count(*) FROM ledger_postings") postings"
year=$(date -u +%Y)
echo "fund-balance query plan (db::ledger::position):"
sqlite3 "$db" "EXPLAIN QUERY PLAN SELECT y.funded_cents, y.recovered_cents, y.held_cents,
  (SELECT balance_cents FROM account_balances WHERE account = 'paid:$year'),
  (SELECT balance_cents FROM account_balances WHERE account = 'fund:$year')
  FROM (SELECT 1) LEFT JOIN fund_years y ON y.year = $year"
