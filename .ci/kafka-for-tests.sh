#!/usr/bin/env bash
# Broker for the Maven tests in CI: a real Kafka 4.2 KRaft broker JVM (docker/bin/kafka.sh), its own state dir.
#
# In .ci/run:
#   source .ci/kafka-for-tests.sh start   # starts it, exports KAFKA_BOOTSTRAP=127.0.0.1:PORT, stops it on EXIT
#   mvn -B verify -Dkafka.bootstrap="$KAFKA_BOOTSTRAP"   # (property name: whatever the tests read)
# or, not sourced:
#   .ci/kafka-for-tests.sh start ; .ci/kafka-for-tests.sh stop
# State: <repo>/.kafka/ci (git-ignored). The classpath is resolved from Maven Central on the first start
# (about 45 jars, 43 MB) and cached in <repo>/.kafka/lib.
_kft_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_kft_cmd="${1:-start}"
export KAFKA_STATE_DIR="$_kft_root/.kafka/ci"
case "$_kft_cmd" in
  start)
    _kft_out="$("$_kft_root/docker/bin/kafka.sh" start)" || { echo "kafka-for-tests: broker did not start" >&2; return 1 2>/dev/null || exit 1; }
    export KAFKA_BOOTSTRAP="${_kft_out##*KAFKA_BOOTSTRAP=}"
    echo "kafka-for-tests: KAFKA_BOOTSTRAP=$KAFKA_BOOTSTRAP"
    # when sourced, stop the broker when the calling script exits (chains an existing EXIT trap)
    if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
      _kft_prev_trap="$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")"
      # shellcheck disable=SC2064
      trap "${_kft_prev_trap:+$_kft_prev_trap; }KAFKA_STATE_DIR='$KAFKA_STATE_DIR' '$_kft_root/docker/bin/kafka.sh' stop" EXIT
    fi
    ;;
  stop) "$_kft_root/docker/bin/kafka.sh" stop ;;
  status) "$_kft_root/docker/bin/kafka.sh" status ;;
  *) echo "usage: [source] .ci/kafka-for-tests.sh {start|stop|status}" >&2; return 2 2>/dev/null || exit 2 ;;
esac
