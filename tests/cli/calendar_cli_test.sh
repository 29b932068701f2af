#!/usr/bin/env bash
# Runs the built permitctl's calendar commands and checks their real output (the dates of docs/worked_examples.md).
# Usage: calendar_cli_test.sh PERMITCTL WORKDIR
set -u
PERMITCTL=$1
WORK=${2:-$(mktemp -d)}
mkdir -p "$WORK"
failures=0

check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" != "$3" ]]; then
    echo "FAIL $1: expected [$2], got [$3]" >&2
    failures=$((failures + 1))
  else
    echo "ok   $1"
  fi
}

check "add T01" "2026-10-22" "$("$PERMITCTL" calendar add 2026-09-18 20)"
check "add T02" "2026-02-27" "$("$PERMITCTL" calendar add 2026-02-13 5)"
check "add n=0" "2026-03-07" "$("$PERMITCTL" calendar add 2026-03-07 0)"
check "add json" '{"date":"2026-01-06","provisional":false}' "$("$PERMITCTL" calendar add 2025-12-29 5 --json)"
check "add provisional" '{"date":"2027-01-13","provisional":true}' "$("$PERMITCTL" calendar add 2026-12-15 20 --json)"
check "add provisional text" "2027-01-13 (provisional)" "$("$PERMITCTL" calendar add 2026-12-15 20)"
check "between" "12" "$("$PERMITCTL" calendar between 2026-03-10 2026-03-25)"
check "between json" '{"from":"2026-01-01","to":"2026-12-31","working_days":248}' \
  "$("$PERMITCTL" calendar between 2026-01-01 2026-12-31 --json)"
check "is-working swapped Sunday" '{"date":"2026-09-20","working_day":true,"provisional":false}' \
  "$("$PERMITCTL" calendar is-working 2026-09-20 --json)"
check "is-working holiday" "no" "$("$PERMITCTL" calendar is-working 2026-10-05)"
check "is-working 2027" '{"date":"2027-01-01","working_day":false,"provisional":true}' \
  "$("$PERMITCTL" calendar is-working 2027-01-01 --json)"

batch_out=$(printf '2026-09-18 5\n2026-09-18 30\n\n2026-04-30 20\r\n2026-12-15 20\n' | "$PERMITCTL" calendar add --batch)
check "batch" $'2026-09-24\n2026-11-05\n2026-06-01\n2027-01-13' "$batch_out"
check "batch json" $'{"date":"2026-03-16","provisional":false}' \
  "$(printf '2026-03-09 5\n' | "$PERMITCTL" calendar add --batch --json)"

# --calendar: a host file for 2027 makes T14-like dates across 2026/2027 exact.
cat > "$WORK/cal2027.json" <<'JSON'
{"years": [{"year": 2027, "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}],
            "workdays": []}]}
JSON
check "--calendar" '{"date":"2027-01-13","provisional":false}' \
  "$("$PERMITCTL" calendar add 2026-12-15 20 --json --calendar "$WORK/cal2027.json")"
check "--calendar is-working" "no" "$("$PERMITCTL" calendar is-working 2027-01-01 --calendar "$WORK/cal2027.json")"

# Errors: one line on stderr, exit code 1 (invalid argument), nothing on stdout.
expect_error() {  # expect_error NAME STDIN ARGS...
  local name=$1 input=$2
  shift 2
  local out err rc
  out=$(printf '%s' "$input" | "$PERMITCTL" "$@" 2>"$WORK/err")
  rc=$?
  err=$(cat "$WORK/err")
  check "$name exit code" "1" "$rc"
  check "$name one stderr line" "1" "$(printf '%s\n' "$err" | wc -l | tr -d ' ')"
  [[ "$err" == permitctl:* ]] || { echo "FAIL $name: stderr [$err]" >&2; failures=$((failures + 1)); }
  echo "     $name: $err"
  LAST_OUT=$out
}
expect_error "no subcommand" "" calendar
expect_error "unknown option" "" calendar add 2026-02-01 5 --no-such-option
expect_error "bad date" "" calendar add 2026-02-30 5
expect_error "negative n" "" calendar add 2026-02-01 -1
expect_error "bad n" "" calendar add 2026-02-01 five
expect_error "between bad date" "" calendar between 2026-01-01 2026-13-01
expect_error "out of range" "" calendar is-working 2200-01-01
expect_error "batch bad line" $'2026-09-18 5\n2026-09-18\n' calendar add --batch
check "batch output before the bad line" "2026-09-24" "$LAST_OUT"
printf '{"years": [{"year": 2027, "holidays": [], "workdays": [{"date": "2027-01-04"}]}]}' > "$WORK/bad.json"
expect_error "bad calendar file" "" calendar add 2026-12-15 20 --calendar "$WORK/bad.json"
grep -q "bad.json" "$WORK/err" && grep -q "2027-01-04" "$WORK/err" ||
  { echo "FAIL bad calendar message: $(cat "$WORK/err")" >&2; failures=$((failures + 1)); }

if ((failures > 0)); then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all calendar CLI checks passed"
