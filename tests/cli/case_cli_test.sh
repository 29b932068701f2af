#!/usr/bin/env bash
# Drives a case through the built permitctl's case commands on a real SQLite file and checks the JSON they
# print and the exit codes (which follow the C API status codes).
# Usage: case_cli_test.sh PERMITCTL WORKDIR
set -u
PERMITCTL=$1
WORK=${2:-$(mktemp -d)}
rm -rf "$WORK" && mkdir -p "$WORK"
DB="$WORK/cli.db"
failures=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" != "$3" ]]; then echo "FAIL $1: expected [$2], got [$3]" >&2; failures=$((failures + 1)); else echo "ok   $1"; fi
}
field() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d'+sys.argv[1]))" "$1"; }

cat > "$WORK/app.json" <<'JSON'
{"permit": "outdoor_advertising", "applicant": {"id": "91320922MA1CLI001X", "name": "测试广告公司"},
 "actor": {"id": "91320922MA1CLI001X", "role": "applicant"}, "at": "2026-09-18T10:00:00+08:00",
 "facts": {"area_m2": 4, "height_m": 2.5, "on_roof": false, "building_storeys": 5, "term_months": 12,
           "electronic_screen": false},
 "materials": []}
JSON
check "precheck incomplete" "False" "$("$PERMITCTL" --db "$DB" precheck "$WORK/app.json" | field "['complete']")"
case_json=$("$PERMITCTL" --db "$DB" submit - < "$WORK/app.json")
id=$(echo "$case_json" | field "['id']")
check "submit received_on" "2026-09-18" "$(echo "$case_json" | field "['received_on']")"
check "show due" "2026-09-24" "$("$PERMITCTL" --db "$DB" show "$id" | field "['deadlines']['acceptance_notice']['due']")"

echo '{"type": "accept", "actor": {"id": "clerk-1", "role": "clerk"}, "at": "2026-09-18T11:00:00+08:00"}' > "$WORK/accept.json"
"$PERMITCTL" --db "$DB" execute "$id" "$WORK/accept.json" > /dev/null 2> "$WORK/err.txt"
check "accept incomplete exits 6 (rule_violation)" "6" "$?"
check "message names the rule" "1" "$(grep -c "rule_violation" "$WORK/err.txt")"
"$PERMITCTL" --db "$DB" show no-such-case > /dev/null 2>&1
check "unknown case exits 2" "2" "$?"
echo '{' | "$PERMITCTL" --db "$DB" submit - > /dev/null 2>&1
check "bad JSON exits 1" "1" "$?"

fired=$("$PERMITCTL" --db "$DB" due --now 2026-09-25T00:00:00+08:00)
check "due fires the deemed acceptance" "True" "$(echo "$fired" | /usr/bin/python3 -c "import json,sys; print(any(f['kind'] == 'acceptance_deemed' for f in json.load(sys.stdin)))")"
check "case deemed accepted" "under_review" "$("$PERMITCTL" --db "$DB" show "$id" | field "['state']")"
check "fired events are a list" "list" "$(echo "$fired" | field "[0]['events'].__class__.__name__")"
check "history length" "3" "$("$PERMITCTL" --db "$DB" history "$id" | field ".__len__()")"
check "query by state" "1" "$(echo '{"state": "under_review"}' | "$PERMITCTL" --db "$DB" query - | field "['cases'].__len__()")"
check "verify ok" "True" "$("$PERMITCTL" --db "$DB" verify | field "['ok']")"
check "report csv header" "report,from,to,dated" "$("$PERMITCTL" --db "$DB" report --week 2026-09-21 --csv | head -1)"

if [[ $failures -gt 0 ]]; then echo "$failures check(s) failed" >&2; exit 1; fi
echo "all permitctl case checks passed"
