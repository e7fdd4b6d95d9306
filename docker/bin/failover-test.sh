#!/usr/bin/env bash
# Failover test on a real multi-process cluster: Kafka 4.2 broker JVM + Flink 2.2.1 JobManager + 2 TaskManagers.
#
#   docker/bin/failover-test.sh [all|tm-kill|broker-restart|savepoint]      (default: all)
#
# 1. tm-kill:        submit the job jar (input A -> output TM), stream EVENTS events for KEYS keys into A at
#                    RATE ev/s, kill -9 a TaskManager that runs job tasks once FAIL_AT of the input is acked,
#                    a checkpoint completed and committed outputs exist; the job restarts from its checkpoint
#                    on the surviving TaskManager.
# 2. broker-restart: same on input B (byte-identical per-key sequences) -> output BR, restarting the Kafka broker
#                    (same port, same data) mid-stream instead.
# 3. savepoint:      same on input C -> output SP, but stopping the job with a savepoint mid-stream and starting a
#                    new job from it (the upgrade path of docker/README.md): models and offsets must carry over.
# 4. reference:      the same job jar on input A -> output REF with no failures.
# The job runs in arrival order (--event-order arrival): in event-time order the last --max-out-of-orderness of
# event time would wait in the buffer for later events once the producer stops, and the count below could not close.
# Each failure run must then give, read with isolation.level=read_committed: exactly EVENTS outputs, no
# duplicate and no missing (key, steps), and every record bit-identical to the reference record. All runs use the
# same TaskManager JVMs and options, so the same (Vector API) kernels; the test checks that in the TM logs.
#
# Env (all optional):
#   JOB_JAR         deployable job jar (default jobs/target/flink-rtrl-job.jar; built when missing)
#   JOB_CLASS       entry class (default org.flinkrtrl.jobs.SensorForecastJob)
#   JOB_MODEL_ARGS  model options (default "--hidden 16 --method ok --rank 4 --seed 7")
#   STATE_BACKEND   the job's state backend (default: the cluster's, hashmap); rocksdb runs it on RocksDB with the
#                   decoded-model cache, whose write-back before each checkpoint the kill -9 scenario then exercises
#   STANDIN=1       use the stand-in job from docker/tools instead (self-test of this harness)
#   EVENTS=100000 KEYS=50 RATE=2500 FAIL_AT=0.4 PARALLELISM=2 CHECK_TIMEOUT=300
#   KEEP_RUNNING=1  leave broker and cluster running afterwards (state in .kafka/failover, .flink-cluster/failover)
# Exit 0 only when every selected scenario passed. The last line reads "failover-test: N passed, M failed".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BIN="$ROOT/docker/bin"

SCENARIO="${1:-all}"
case "$SCENARIO" in all|tm-kill|broker-restart|savepoint) ;; *) echo "usage: $0 [all|tm-kill|broker-restart|savepoint]" >&2; exit 2 ;; esac
EVENTS="${EVENTS:-100000}"
KEYS="${KEYS:-50}"
RATE="${RATE:-2500}"
FAIL_AT="${FAIL_AT:-0.4}"
PARALLELISM="${PARALLELISM:-2}"
CHECK_TIMEOUT="${CHECK_TIMEOUT:-300}"
JOB_MODEL_ARGS="${JOB_MODEL_ARGS:---hidden 16 --method ok --rank 4 --seed 7}"
BACKEND_ARGS=()
if [[ -n "${STATE_BACKEND:-}" && "${STANDIN:-0}" != 1 ]]; then BACKEND_ARGS=(--state-backend "$STATE_BACKEND"); fi

# start-up waits: far above the 4-16 s / 11-25 s seen on a quiet machine, because a shared 2-core machine under
# load (other builds) was seen to take 45-75 s for each
export KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-180}"
export FLINK_START_TIMEOUT="${FLINK_START_TIMEOUT:-240}"
export KAFKA_STATE_DIR="$ROOT/.kafka/failover"
export FLINK_CLUSTER_DIR="$ROOT/.flink-cluster/failover"
export FLINK_PARALLELISM="$PARALLELISM"
WORK="$FLINK_CLUSTER_DIR/test"
TOOLS_JAR="$ROOT/docker/tools/target/flink-rtrl-tools.jar"

# ---------------------------------------------------------------------------------------------- set-up
T_START=$(now_ms)
# one failover test per work tree at a time: a second one would stop the first one's broker and cluster
mkdir -p "$ROOT/.flink-cluster"
exec 9> "$ROOT/.flink-cluster/failover.lock"
flock -n 9 || die "another failover-test.sh is running in this work tree"
build_tools() {
  if [[ ! -f "$TOOLS_JAR" ]] || [[ -n "$(find "$ROOT/docker/tools/src" "$ROOT/docker/tools/pom.xml" -newer "$TOOLS_JAR" -print -quit)" ]]; then
    log "building docker/tools"
    mvn -q -B -Dstyle.color=never -f "$ROOT/docker/tools/pom.xml" package -DskipTests >&2 || die "docker/tools build failed"
  fi
}
build_tools
if [[ "${STANDIN:-0}" == 1 ]]; then
  JOB_JAR="$TOOLS_JAR"; JOB_CLASS="org.flinkrtrl.tools.standin.StandInJob"
else
  JOB_JAR="${JOB_JAR:-$ROOT/jobs/target/flink-rtrl-job.jar}"
  JOB_CLASS="${JOB_CLASS:-org.flinkrtrl.jobs.SensorForecastJob}"
  if [[ ! -f "$JOB_JAR" ]]; then
    log "building the job jar ($JOB_JAR)"
    (cd "$ROOT" && mvn -q -B -Dstyle.color=never package -DskipTests -pl jobs -am >&2) || die "job jar build failed"
  fi
  [[ -f "$JOB_JAR" ]] || die "no job jar at $JOB_JAR (set JOB_JAR, or STANDIN=1 to self-test the harness)"
fi

PIDS_TO_KILL=()
cleanup() {
  local rc=$?
  local p
  for p in "${PIDS_TO_KILL[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
  if (( rc != 0 )); then
    log "failed (exit $rc); logs: $FLINK_CLUSTER_DIR/logs, $KAFKA_STATE_DIR/logs, $WORK"
    if [[ "${CI:-}" == true ]]; then
      for f in "$FLINK_CLUSTER_DIR"/logs/*.log; do
        [[ -f "$f" ]] && { echo "----- last ERROR/WARN lines of $f"; grep -E " (ERROR|WARN) " "$f" | tail -n 15 | cut -c1-400; }
      done
    fi
  fi
  if [[ "${KEEP_RUNNING:-0}" != 1 ]]; then
    "$BIN/flink-cluster.sh" stop || true
    "$BIN/kafka.sh" stop || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# a fresh broker and cluster every time: a failover test must not inherit state
"$BIN/flink-cluster.sh" stop >/dev/null 2>&1 || true
"$BIN/kafka.sh" stop >/dev/null 2>&1 || true
rm -rf "$WORK"; mkdir -p "$WORK"
# pre-resolve both classpaths serially (Maven's local repository does not like parallel writers), then start
# broker and cluster side by side
(source "$BIN/lib.sh"; ensure_lib "$ROOT/docker/kafka/pom.xml" "${KAFKA_LIB_DIR:-$ROOT/.kafka/lib}"
 ensure_lib "$ROOT/docker/flink/pom.xml" "${FLINK_LIB_DIR:-$ROOT/.flink-cluster/lib}")
T0=$(now_ms)
"$BIN/kafka.sh" start > "$WORK/kafka-start.out" & KPID=$!
"$BIN/flink-cluster.sh" start > "$WORK/flink-start.out" & FPID=$!
wait "$KPID" || die "Kafka broker did not start"
wait "$FPID" || die "Flink cluster did not start"
T_UP=$(( $(now_ms) - T0 ))
BOOTSTRAP=$("$BIN/kafka.sh" bootstrap)
REST=$("$BIN/flink-cluster.sh" rest)
log "broker $BOOTSTRAP and cluster $REST up in $T_UP ms"

tool() { java -Xmx512m -XX:TieredStopAtLevel=1 -cp "$TOOLS_JAR" "org.flinkrtrl.tools.$1" --bootstrap-servers "$BOOTSTRAP" "${@:2}"; }
# input topics with 4 partitions, outputs too (the job may also auto-create them)
tool Topics --partitions 4 --create in-a,in-b,in-c,out-tm,out-br,out-sp,out-ref,dead-tm,dead-br,dead-sp,dead-ref >&2

# ---------------------------------------------------------------------------------------------- helpers
submit() { # submit IN OUT DEAD NAME [SAVEPOINT] -> prints job id
  local in="$1" out="$2" dead="$3" name="$4" sp=() res
  [[ -n "${5:-}" ]] && sp=(--from-savepoint "$5")
  # shellcheck disable=SC2086
  res=$("$BIN/flink-cluster.sh" submit "$JOB_JAR" --class "$JOB_CLASS" --parallelism "$PARALLELISM" "${sp[@]}" -- \
        --bootstrap-servers "$BOOTSTRAP" --input-topic "$in" --output-topic "$out" --dead-letter-topic "$dead" \
        --group-id "failover-$name" --checkpoint-dir "file://$FLINK_CLUSTER_DIR/checkpoints" \
        --checkpoint-interval 1s --parallelism "$PARALLELISM" --delivery exactly-once \
        --key-field key --time-field ts --value-fields value --format json --event-order arrival \
        $JOB_MODEL_ARGS "${BACKEND_ARGS[@]}") || die "submit failed"
  sed -n 's/^JOB_ID=//p' <<<"$res"
}
job_json() { curl -sf --max-time 5 "$REST/jobs/$1"; }
job_state() { job_json "$1" | jq -r '.state' 2>/dev/null || echo "?"; }
all_tasks_running() { # true when the job and every vertex are RUNNING
  job_json "$1" | jq -e '.state == "RUNNING" and ([.vertices[] | .status == "RUNNING"] | all)' >/dev/null 2>&1
}
completed_checkpoints() { curl -sf --max-time 5 "$REST/jobs/$1/checkpoints" | jq -r '.counts.completed' 2>/dev/null || echo 0; }
num_restarts() { curl -sf --max-time 5 "$REST/jobs/$1/metrics?get=numRestarts" | jq -r '.[0].value // 0' 2>/dev/null || echo 0; }
progress() { cat "$1" 2>/dev/null || echo 0; }
committed() { tool OutputChecker --topic "$1" --count-only 2>/dev/null || echo 0; }

wait_until() { # wait_until TIMEOUT DESCRIPTION COMMAND...
  local timeout="$1" what="$2" deadline; shift 2
  deadline=$(( $(date +%s) + timeout ))
  until "$@"; do
    (( $(date +%s) < deadline )) || die "timed out after ${timeout}s waiting for: $what"
    sleep 0.5
  done
}

start_producer() { # start_producer TOPIC NAME -> sets PRODUCER_PID
  tool FailoverProducer --topic "$1" --events "$EVENTS" --keys "$KEYS" --rate "$RATE" --seed 7 \
    --progress-file "$WORK/$2.progress" > "$WORK/$2.producer.out" 2>&1 &
  PRODUCER_PID=$!
  PIDS_TO_KILL+=("$PRODUCER_PID")
}

ready_to_fail() { # mid-stream: FAIL_AT of the input acked and 2 checkpoints completed since the producer
  # started (so committed outputs exist: exactly-once outputs are committed when a checkpoint completes).
  # Only cheap checks here (a file and a REST call): on a loaded 2-core machine a JVM per poll is too slow.
  local job="$1" name="$2" ckpt_before="$3"
  local need; need=$(awk -v n="$EVENTS" -v f="$FAIL_AT" 'BEGIN { printf "%d", n * f }')
  (( $(progress "$WORK/$name.progress") >= need )) || return 1
  (( $(completed_checkpoints "$job") >= ckpt_before + 2 ))
}

wait_recovered() { # wait_recovered JOB RESTARTS_BEFORE -> prints ms until RUNNING again after >=1 restart
  local job="$1" before="$2" t0 deadline
  t0=$(now_ms); deadline=$(( $(date +%s) + 180 ))
  until (( $(num_restarts "$job") > before )) && all_tasks_running "$job"; do
    (( $(date +%s) < deadline )) || die "job $job did not recover within 180 s (state $(job_state "$job"))"
    sleep 0.2
  done
  echo $(( $(now_ms) - t0 ))
}

SUMMARY="$WORK/summary.txt"
: > "$SUMMARY"
note() { echo "$*" | tee -a "$SUMMARY" >&2; }
PASSED=0; FAILED=0

finish_run() { # finish_run JOB NAME OUT: wait for the producer and all outputs, then cancel the job
  local job="$1" name="$2" out="$3" t0
  wait "$PRODUCER_PID" || die "$name: producer failed: $(tail -n 3 "$WORK/$name.producer.out")"
  t0=$(now_ms)
  wait_until "$CHECK_TIMEOUT" "$name: $EVENTS committed outputs in $out" \
    bash -c "(( \$(java -Xmx256m -XX:TieredStopAtLevel=1 -cp '$TOOLS_JAR' org.flinkrtrl.tools.OutputChecker --bootstrap-servers '$BOOTSTRAP' --topic '$out' --count-only 2>/dev/null || echo 0) >= $EVENTS ))"
  note "$name: all $EVENTS outputs committed $(( $(now_ms) - t0 )) ms after the producer finished; restarts=$(num_restarts "$job"); checkpoints=$(completed_checkpoints "$job")"
  local restored
  restored=$(curl -sf "$REST/jobs/$job/checkpoints" | jq -c '.latest.restored // empty | {id, external_path, is_savepoint}' 2>/dev/null || true)
  [[ -n "$restored" ]] && note "$name: restored from checkpoint $restored"
  "$BIN/flink-cluster.sh" cancel "$job" >&2
}

check() { # check NAME OUT [REFERENCE_TOPIC]
  local name="$1" out="$2" ref="${3:-}" args=()
  [[ -n "$ref" ]] && args=(--reference-topic "$ref")
  if tool OutputChecker --topic "$out" --expected "$EVENTS" --keys "$KEYS" --timeout "$CHECK_TIMEOUT" \
       "${args[@]}" > "$WORK/$name.check.out" 2>&1; then
    PASSED=$((PASSED + 1))
  else
    FAILED=$((FAILED + 1))
  fi
  cat "$WORK/$name.check.out" | tee -a "$SUMMARY" >&2
}

# ---------------------------------------------------------------------------------------------- runs
if [[ "$SCENARIO" == all || "$SCENARIO" == tm-kill ]]; then
  log "=== run 1: kill -9 a TaskManager mid-stream"
  JOB=$(submit in-a out-tm dead-tm tm); log "job $JOB"
  wait_until 120 "job $JOB running" all_tasks_running "$JOB"
  CK0=$(completed_checkpoints "$JOB")
  start_producer in-a tm
  wait_until 300 "mid-stream point of run tm-kill" ready_to_fail "$JOB" tm "$CK0"
  # a TaskManager that hosts tasks of this job
  VERTEX=$(job_json "$JOB" | jq -r '.vertices[-1].id')
  VICTIM=$(curl -sf "$REST/jobs/$JOB/vertices/$VERTEX/taskmanagers" | jq -r '[.taskmanagers[]["taskmanager-id"]] | sort | .[0]')
  BEFORE=$(num_restarts "$JOB")
  note "tm-kill: killing $VICTIM at $(progress "$WORK/tm.progress")/$EVENTS inputs acked, $(completed_checkpoints "$JOB") checkpoints completed"
  "$BIN/flink-cluster.sh" kill-tm "${VICTIM#tm}" >&2
  REC=$(wait_recovered "$JOB" "$BEFORE")
  note "tm-kill: job RUNNING again on the surviving TaskManager $REC ms after the kill (numRestarts $(num_restarts "$JOB"))"
  finish_run "$JOB" tm out-tm
  "$BIN/flink-cluster.sh" start-tm "${VICTIM#tm}" >&2   # back to full capacity for the next run
fi

if [[ "$SCENARIO" == all || "$SCENARIO" == broker-restart ]]; then
  log "=== run 2: restart the Kafka broker mid-stream"
  JOB=$(submit in-b out-br dead-br br); log "job $JOB"
  wait_until 120 "job $JOB running" all_tasks_running "$JOB"
  CK0=$(completed_checkpoints "$JOB")
  start_producer in-b br
  wait_until 300 "mid-stream point of run broker-restart" ready_to_fail "$JOB" br "$CK0"
  BEFORE=$(num_restarts "$JOB")
  note "broker-restart: restarting the broker at $(progress "$WORK/br.progress")/$EVENTS inputs acked, $(completed_checkpoints "$JOB") checkpoints completed"
  T_R=$(now_ms)
  "$BIN/kafka.sh" restart > "$WORK/kafka-restart.out" || die "broker restart failed"
  note "broker-restart: broker back after $(( $(now_ms) - T_R )) ms (stop + start, same port and data)"
  # the job either rides it out (sink/source retries) or fails over to its last checkpoint; both must be exact
  sleep 3
  wait_until 180 "job $JOB running after broker restart" all_tasks_running "$JOB"
  note "broker-restart: job RUNNING $(( $(now_ms) - T_R )) ms after the restart began (numRestarts $(num_restarts "$JOB") vs $BEFORE before)"
  finish_run "$JOB" br out-br
fi

if [[ "$SCENARIO" == all || "$SCENARIO" == savepoint ]]; then
  log "=== run 3: stop with a savepoint mid-stream, start a new job from it"
  JOB=$(submit in-c out-sp dead-sp sp); log "job $JOB"
  wait_until 120 "job $JOB running" all_tasks_running "$JOB"
  CK0=$(completed_checkpoints "$JOB")
  start_producer in-c sp
  wait_until 300 "mid-stream point of run savepoint" ready_to_fail "$JOB" sp "$CK0"
  note "savepoint: stopping job $JOB with a savepoint at $(progress "$WORK/sp.progress")/$EVENTS inputs acked"
  T_S=$(now_ms)
  SAVEPOINT=$("$BIN/flink-cluster.sh" stop-with-savepoint "$JOB" | sed -n 's/^SAVEPOINT=//p')
  [[ -n "$SAVEPOINT" ]] || die "stop-with-savepoint gave no path"
  note "savepoint: $SAVEPOINT written and job stopped in $(( $(now_ms) - T_S )) ms (state $(job_state "$JOB"))"
  JOB=$(submit in-c out-sp dead-sp sp "$SAVEPOINT"); log "job $JOB (from savepoint)"
  wait_until 120 "job $JOB running" all_tasks_running "$JOB"
  note "savepoint: new job $JOB RUNNING from the savepoint $(( $(now_ms) - T_S )) ms after the stop began"
  finish_run "$JOB" sp out-sp
fi

log "=== run 4: reference (no failures) on input A"
JOB=$(submit in-a out-ref dead-ref ref); log "job $JOB"
PRODUCER_PID=""
if [[ "$SCENARIO" == broker-restart || "$SCENARIO" == savepoint ]]; then  # input A was not produced yet
  start_producer in-a ref
else
  sleep 0 & PRODUCER_PID=$!
fi
finish_run "$JOB" ref out-ref
check reference out-ref

[[ "$SCENARIO" == all || "$SCENARIO" == tm-kill ]] && check tm-kill out-tm out-ref
[[ "$SCENARIO" == all || "$SCENARIO" == broker-restart ]] && check broker-restart out-br out-ref
[[ "$SCENARIO" == all || "$SCENARIO" == savepoint ]] && check savepoint out-sp out-ref

# Kernels. Every run above, the reference included, executed on this cluster's TaskManagers, all started by
# flink-cluster.sh's launch_tm with env.java.opts.taskmanager (--add-modules=jdk.incubator.vector), so all of them
# use the Vector API kernels. The byte-for-byte comparison depends on that: the plain kernels sum in another order
# and differ in the last bits. Each subtask logs "kernels: NAME (...)" at open(); require one name, a vector one.
KERNELS=$(grep -ho 'kernels: [^ ]*' "$FLINK_CLUSTER_DIR"/logs/taskmanager-*.log 2>/dev/null | sed 's/^kernels: //' \
            | sort | uniq -c | awk '{ printf "%s%s (%d task starts)", (NR > 1 ? ", " : ""), $2, $1 }')
if [[ "${STANDIN:-0}" == 1 ]]; then
  note "kernels: not checked (stand-in job)"
elif [[ -n "$KERNELS" && "$KERNELS" != *,* && "$KERNELS" == vector-* ]]; then
  note "kernels: every TaskManager task used $KERNELS"; PASSED=$((PASSED + 1))
else
  note "kernels: FAILED, expected one Vector API implementation on every TaskManager, got: ${KERNELS:-no kernels line in $FLINK_CLUSTER_DIR/logs}"
  FAILED=$((FAILED + 1))
fi

# On RocksDB the forecaster keeps its models in the decoded-model cache (logged with its bound at open); without that
# line the scenario would not have tested the cache's write-back.
if [[ "${STATE_BACKEND:-}" == rocksdb && "${STANDIN:-0}" != 1 ]]; then
  CACHE=$(grep -ho 'Decoded-model cache: .*' "$FLINK_CLUSTER_DIR"/logs/taskmanager-*.log 2>/dev/null | sort | uniq -c \
            | awk '{ $1 = $1 " x"; print }' | paste -sd ';' -)
  if [[ -n "$CACHE" ]]; then
    note "model cache: $CACHE"; PASSED=$((PASSED + 1))
  else
    note "model cache: FAILED, no 'Decoded-model cache' line in $FLINK_CLUSTER_DIR/logs (the cache was not attached)"
    FAILED=$((FAILED + 1))
  fi
fi

note "failover-test: total wall time $(( ($(now_ms) - T_START) / 1000 )) s (broker + cluster start $T_UP ms); job $JOB_CLASS"
echo "failover-test: $PASSED passed, $FAILED failed"
(( FAILED == 0 ))
