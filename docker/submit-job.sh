#!/usr/bin/env bash
# Entry point of the compose "submit" service: waits until the JobManager answers, then submits the flink-rtrl
# job in detached mode, unless a job is already running (so a second `docker compose up` does not start a
# second copy). With FROM_SAVEPOINT set, the job starts from that savepoint (upgrades, see docker/README.md).
# If TaskManagers are still starting, the JobManager holds the job until their slots arrive.
# Env: JOBMANAGER (jobmanager:8081), JOB_JAR, JOB_CLASS, JOB_ARGS, PARALLELISM (2), FROM_SAVEPOINT.
set -euo pipefail
JM="${JOBMANAGER:-jobmanager:8081}"
JOB_JAR="${JOB_JAR:-/opt/flink/usrlib/flink-rtrl-job.jar}"
JOB_CLASS="${JOB_CLASS:-org.flinkrtrl.jobs.SensorForecastJob}"
PARALLELISM="${PARALLELISM:-2}"

up=0
for i in $(seq 1 90); do
  if running=$(/opt/flink/bin/flink list -r -m "$JM" 2>/dev/null); then up=1; break; fi
  echo "waiting for the JobManager at $JM ($i)"; sleep 2
done
[ "$up" = 1 ] || { echo "JobManager at $JM not reachable" >&2; exit 1; }

if grep -q "(RUNNING)" <<<"$running"; then
  echo "a job is already running, not submitting again:"; echo "$running"; exit 0
fi

savepoint_args=()
[ -n "${FROM_SAVEPOINT:-}" ] && savepoint_args=(--fromSavepoint "$FROM_SAVEPOINT")
# shellcheck disable=SC2086  # JOB_ARGS is a list of words on purpose
exec /opt/flink/bin/flink run -d -m "$JM" -p "$PARALLELISM" "${savepoint_args[@]}" -c "$JOB_CLASS" "$JOB_JAR" $JOB_ARGS
