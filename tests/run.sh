#!/usr/bin/env bash
# Runs every test in the repository: the README's test command, and what CI runs.
# As root it first installs every Debian package a test needs, and then a skipped test fails the
# run (CI runs as root: nothing may be skipped there unseen). Without root, tests whose peer is
# missing are skipped, each saying why.
set -euo pipefail
cd "$(dirname "$0")/.."

# Everything the tests run besides dotnet, and the Debian package that brings it.
have() { type -P "$1" >/dev/null; } # a program on PATH, not a shell builtin (kill is both)
missing=()
/usr/bin/python3 -c 'import zmq' 2>/dev/null || missing+=(python3-zmq)         # the libzmq peer (tests/interop)
/usr/bin/python3 -c 'import msgpack' 2>/dev/null || missing+=(python3-msgpack) # its wire format
[ -x /usr/bin/chromium ] || missing+=(chromium)                                # browser tests (Playwright)
have npm || missing+=(nodejs npm)                                              # the dashboard's build fetches its browser libraries
have ip || missing+=(iproute2)                                                 # network namespaces, veth pairs, bridges
have nft || missing+=(nftables)                                                # packet loss in the multicast tests
have kill || missing+=(procps)                                                 # SIGTERM, SIGSTOP and SIGCONT to child processes
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && have apt-get; then
    echo "Installing what the tests need: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Cannot install ${missing[*]} (needs root and apt-get); the tests that need them will be skipped and say why."
  fi
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
# Build everything once, then run the test projects one after another (never side by side: they
# compete for two cores, and the network-namespace tests must not meet another project's):
# unit tests (seconds, nothing installed), processes and networks, then browser and interop.
dotnet build Telemetry.sln -c Release
status=0
set +e
for project in Telemetry.UnitTests Telemetry.IntegrationTests Telemetry.InteropTests; do
  dotnet test "tests/$project" -c Release --no-build --logger "console;verbosity=normal" --logger "trx;LogFileName=$project.trx" --results-directory "$results" || status=1
done
set -e

# Every test result from the TRX reports, one line each: outcome, name and (for a skip) the reason.
outcomes=$(cat "$results"/*.trx 2>/dev/null | awk '
  function attr(tag, name,   v) { v = tag; if (!sub(".* " name "=\"", "", v)) return ""; sub(/".*/, "", v); return v }
  function text(s) { gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&quot;/, "\"", s); gsub(/&apos;/, "'\''", s); gsub(/&#x[DA];|\n/, " ", s); gsub(/&amp;/, "\\&", s); return s }
  BEGIN { RS = "<UnitTestResult " }
  NR > 1 {
    tag = " " substr($0, 1, index($0, ">"))
    body = $0; sub(/<\/UnitTestResult>.*/, "", body)
    reason = ""
    if (tag !~ /\/>$/ && sub(/.*<Message>/, "", body)) { reason = body; sub(/<\/Message>.*/, "", reason) }
    printf "%s\t%s\t%s\n", attr(tag, "outcome"), text(attr(tag, "testName")), text(reason)
  }')
count() { grep -c "^$1"$'\t' <<<"$outcomes" || true; }
passed=$(count Passed) failed=$(count Failed) skipped=$(count NotExecuted)

if [ "$skipped" -gt 0 ] && [ "$(id -u)" = 0 ]; then
  echo "Run as root, where every test can run, $skipped test(s) were skipped; that fails the run:"
  awk -F'\t' '$1 == "NotExecuted" { print "  " $2 ": " $3 }' <<<"$outcomes"
  [ "$status" -ne 0 ] || status=1
fi

# The failures again at the end, where a CI log's tail shows them, each with its first message.
if [ "$failed" -gt 0 ]; then
  echo "Failed:"
  awk -F'\t' '$1 == "Failed" { print "  " $2 ": " substr($3, 1, 600) }' <<<"$outcomes"
fi

# One closing line in the form CI reads, over every test assembly.
echo "Tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
