#!/bin/sh
# A worked example: one case from registration to closing, back-dated, on a throw-away database.
# Run it with optima on PATH:  OPTIMA_DB=demo.db sh sample_data/demo-case.sh
set -e
: "${OPTIMA_DB:=demo.db}"
export OPTIMA_DB OPTIMA_USER="${OPTIMA_USER:-demo}"
rm -f "$OPTIMA_DB" "$OPTIMA_DB-wal" "$OPTIMA_DB-shm"

optima institution set-contact SD --contact "A. Huber" --email a.huber@example.ch >/dev/null
client=$(optima register --name "Muster Hans (fictitious)" --birth-date 12.03.1980 --from RAV \
  --ahv 756.1234.5678.97 --municipality Emmen --counsellor "P. Frei" --consent-on 2026-09-01)
optima check "$client" --to SD --topics finances,conflict
case=$(optima refer "$client" --to SD --topics finances,conflict --months 3 \
  --goal "Schuldenberatung aufgleisen" --on 2026-09-03)
optima accept "$case" --counsellor "B. Keller" --on 2026-09-08
optima suspend-search "$case" --from 2026-09-08 --until 2026-11-30
optima extend "$case" --on 2026-11-20

# A second client, rejected by IV for a recent IV rejection:
other=$(optima register --name "Beispiel Anna (fictitious)" --birth-date 1991-07-14 --from SD \
  --consent-on 2026-10-01 --iv-rejected-on 2026-04-15)
late=$(optima refer "$other" --to IV --topics health --months 6 --on 2026-10-02 \
  --override "Gesundheit hat sich seit dem Entscheid deutlich verschlechtert")
optima reject "$late" --reason iv-rejection-recent --on 2026-10-09

optima list --status all
optima due --within 30
optima show "$case"
