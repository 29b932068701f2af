#!/usr/bin/env bash
# A county's own permit through permitctl's host options (docs/definitions.md, the walk-through): the example
# road occupation definition loaded with --definitions-dir, case numbers with --county-code, the deadlines
# counted by hand in the docs, the one-year prohibition, certificates held to the dates, and the refusal of
# an in-place edit of the published version.
# Usage: road_occupation_cli_test.sh PERMITCTL SOURCE_DIR WORKDIR
set -u
PERMITCTL=$1
SOURCE=$2
WORK=${3:-$(mktemp -d)}
rm -rf "$WORK" && mkdir -p "$WORK/county"
cp "$SOURCE/examples/definitions/road_occupation.json" "$WORK/county/"
DB="$WORK/county.db"
ctl() { "$PERMITCTL" --db "$DB" --definitions-dir "$WORK/county" --county-code 320922 "$@"; }
failures=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" != "$3" ]]; then echo "FAIL $1: expected [$2], got [$3]" >&2; failures=$((failures + 1)); else echo "ok   $1"; fi
}
field() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d'+sys.argv[1]))" "$1"; }
pyexpr() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
cmd() {  # cmd TYPE ACTOR_JSON AT [BODY_JSON]
  /usr/bin/python3 -c "import json,sys; c={'type': sys.argv[1], 'actor': json.loads(sys.argv[2]), 'at': sys.argv[3]}; c.update(json.loads(sys.argv[4])); print(json.dumps(c))" "$1" "$2" "$3" "${4:-{\}}"
}
CLERK='{"id": "clerk-1", "role": "clerk"}'
HEAD='{"id": "head-1", "role": "head"}'

app() {  # app END
  cat <<JSON
{"permit": "road_occupation", "applicant": {"id": "91320922MA1ROAD01X", "name": "城东建设有限公司"},
 "actor": {"id": "91320922MA1ROAD01X", "role": "applicant"}, "at": "2026-06-15T10:00:00+08:00",
 "facts": {"location": "人民路（解放路至建设路）", "purpose": "临时堆放建筑材料", "occupied_area_m2": 120,
           "on_carriageway": true, "planned_start": "2026-07-01", "planned_end": "$1"},
 "materials": [{"id": "application_form", "format": "pdf"}, {"id": "applicant_id", "format": "pdf", "expires_on": "2030-12-31"},
               {"id": "site_plan", "format": "pdf"}, {"id": "traffic_plan", "format": "pdf"}, {"id": "safety_plan", "format": "pdf"}]}
JSON
}

check "definitions lists road_occupation v1 in effect" "True" \
  "$(ctl definitions --date 2026-06-15 | pyexpr "[x['in_effect'] for x in d['definitions'] if x['id'] == 'road_occupation' and x['version'] == 1][0]")"
check "its hash" "64" "$(ctl definitions | pyexpr "[len(x['hash']) for x in d['definitions'] if x['id'] == 'road_occupation'][0]")"

app 2027-12-31 > "$WORK/too_long.json"
notice=$(ctl precheck "$WORK/too_long.json")
check "more than a year is flagged" "['occupation_exceeds_one_year', 'long_carriageway_occupation']" "$(echo "$notice" | field "['flags']")"
check "the notice names the rule and the facts" "True" \
  "$(echo "$notice" | pyexpr "[r['holds'] and 'planned_end = \"2027-12-31\"' in r['message'] for r in d['rules'] if r['rule'] == 'occupation_exceeds_one_year'][0]")"

app 2027-06-30 > "$WORK/app.json"
check "within a year: only the carriageway flag" "['long_carriageway_occupation']" "$(ctl precheck "$WORK/app.json" | field "['flags']")"
case_json=$(ctl submit "$WORK/app.json")
id=$(echo "$case_json" | field "['id']")
check "case number carries the county and RO" "320922-RO-" "${id:0:10}"
check "acceptance notice due (by hand: Tue 23 Jun)" "2026-06-23" "$(echo "$case_json" | field "['deadlines']['acceptance_notice']['due']")"
cmd accept "$CLERK" 2026-06-16T11:00:00+08:00 > "$WORK/c.json"
accepted=$(ctl execute "$id" "$WORK/c.json")
check "decision due (promised 5: Wed 24 Jun)" "2026-06-24" "$(echo "$accepted" | field "['deadlines']['decision']['due']")"
check "statutory due (20: Wed 15 Jul)" "2026-07-15" "$(echo "$accepted" | field "['deadlines']['decision']['statutory_due']")"
for dept in municipal_roads traffic_police; do
  cmd record_opinion "{\"id\": \"rev-$dept\", \"role\": \"reviewer\", \"department\": \"$dept\"}" 2026-06-17T10:00:00+08:00 \
    "{\"department\": \"$dept\", \"opinion\": \"approve\"}" > "$WORK/c.json"
  ctl execute "$id" "$WORK/c.json" > /dev/null
done
cmd record_inspection "$CLERK" 2026-06-18T10:00:00+08:00 '{"inspectors": ["insp-1", "insp-2"], "findings": "现场符合要求"}' > "$WORK/c.json"
ctl execute "$id" "$WORK/c.json" > /dev/null
cmd decide "$HEAD" 2026-06-24T10:00:00+08:00 '{"outcome": "approved"}' > "$WORK/c.json"
decided=$(ctl execute "$id" "$WORK/c.json")
check "approved" "approved" "$(echo "$decided" | field "['state']")"
check "issuance due (10: Wed 8 Jul)" "2026-07-08" "$(echo "$decided" | field "['deadlines']['issuance']['due']")"
cmd issue_certificate "$CLERK" 2026-06-25T10:00:00+08:00 '{"valid_until": "2028-12-31"}' > "$WORK/c.json"
ctl execute "$id" "$WORK/c.json" > /dev/null 2> "$WORK/err.txt"
check "a certificate beyond the decided dates exits 6 (rule_violation)" "6" "$?"
check "the refusal names the maximum" "1" "$(grep -c "runs at most 12 months" "$WORK/err.txt")"
cmd issue_certificate "$CLERK" 2026-06-25T10:00:00+08:00 > "$WORK/c.json"
issued=$(ctl execute "$id" "$WORK/c.json")
check "certificate from planned_start" "2026-07-01" "$(echo "$issued" | field "['certificate']['valid_from']")"
check "certificate to planned_end" "2027-06-30" "$(echo "$issued" | field "['certificate']['valid_until']")"
check "verify ok" "True" "$(ctl verify | field "['ok']")"

# The published version edited in place (promised 5 → 6, still version 1): every subcommand refuses.
sed -i 's/"promised": 5/"promised": 6/' "$WORK/county/road_occupation.json"
ctl show "$id" > /dev/null 2> "$WORK/err.txt"
check "in-place edit refuses to open (exit 1)" "1" "$?"
check "the refusal names the file and the fix" "1" "$(grep -c "road_occupation.json: definition road_occupation version 1 differs .*\"version\": 2" "$WORK/err.txt")"

if [[ $failures -gt 0 ]]; then echo "$failures check(s) failed" >&2; exit 1; fi
echo "all road occupation checks passed"
