#!/bin/bash
# epgm throughput on a namespace bridge: ours (perf pgm-send/pgm-recv) next to libzmq (zmq_epgm.c)
# at the same rate and recovery interval. Root only. Builds perf in Release and the C baseline.
# usage: perf/pgm/run.sh [MESSAGES] [SIZE] [RATE_KBPS]
set -euo pipefail
MESSAGES=${1:-500000}; SIZE=${2:-100}; RATE=${3:-1000000}; RECOVERY=3000
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
P=pgp$$; PORT=$((20000 + $$ % 10000)); SUB=$((1 + $$ % 250)); GROUP=239.192.$SUB.1
cleanup() { for n in ${P}h1 ${P}h2 ${P}sw; do ip netns del $n 2>/dev/null || true; done; }
trap cleanup EXIT
ip netns add ${P}sw; ip -n ${P}sw link add br0 type bridge; ip -n ${P}sw link set br0 up
for i in 1 2; do
  ip netns add ${P}h$i
  ip link add ${P}v$i netns ${P}h$i type veth peer name ${P}p$i netns ${P}sw
  ip -n ${P}sw link set ${P}p$i master br0; ip -n ${P}sw link set ${P}p$i up
  ip -n ${P}h$i addr add 10.231.$SUB.$i/24 dev ${P}v$i
  ip -n ${P}h$i link set lo up; ip -n ${P}h$i link set ${P}v$i up
  ip -n ${P}h$i route add 224.0.0.0/4 dev ${P}v$i
done
E1="epgm://10.231.$SUB.1;$GROUP:$PORT"; E2="epgm://10.231.$SUB.2;$GROUP:$PORT"
dotnet build "$ROOT/perf" -c Release -v q -nologo >/dev/null
PERF="$ROOT/perf/bin/Release/net10.0/Telemetry.Perf.dll"
ZMQ=$(mktemp -d)/zmq_epgm; gcc -O2 -o "$ZMQ" "$ROOT/perf/pgm/zmq_epgm.c" -lzmq
run() { # name sender-cmd receiver-cmd
  local out; out=$(mktemp)
  ip netns exec ${P}h2 bash -c "$3" > "$out" 2>&1 & local rpid=$!
  sleep 1.5
  local sent; sent=$(ip netns exec ${P}h1 bash -c "$2" | grep '"sent"' || true)
  wait $rpid || true
  echo "$1 sender:   $sent"; echo "$1 receiver: $(tail -3 "$out" | tr '\n' ' ')"; rm -f "$out"
}
echo "messages=$MESSAGES size=$SIZE rate=${RATE}kbit/s recovery=${RECOVERY}ms"
run dotnet "dotnet $PERF pgm-send --endpoint \"$E1\" --messages $MESSAGES --size $SIZE --rate $RATE --recovery-ms $RECOVERY" \
  "dotnet $PERF pgm-recv --endpoint \"$E2\" --messages $MESSAGES --timeout 120 --rate $RATE --recovery-ms $RECOVERY"
run libzmq "$ZMQ send \"$E1\" $MESSAGES $SIZE $RATE $RECOVERY" "$ZMQ recv \"$E2\" $MESSAGES $SIZE $RATE $RECOVERY"
