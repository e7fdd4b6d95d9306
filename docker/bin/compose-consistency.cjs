// Checks that docker/compose.yaml says the same as the scripts CI runs for real (no Docker there), so the
// compose setup cannot silently drift from what is tested. Usage: node compose-consistency.cjs COMPOSE ROOT
// (needs the `yaml` package; validate-compose.sh puts dclint's node_modules on NODE_PATH).
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const [composePath, root] = process.argv.slice(2);
const read = (p) => fs.readFileSync(path.join(root, p), 'utf8');
const compose = YAML.parse(fs.readFileSync(composePath, 'utf8'), { merge: true });
const problems = [];
let checks = 0;
const expect = (ok, msg) => { checks++; if (!ok) problems.push(msg); };

const pomProp = (pom, name) => {
  const m = read(pom).match(new RegExp(`<${name}>([^<]+)</${name}>`));
  return m ? m[1].trim() : null;
};

// 1. versions: images vs the Maven artifacts the real cluster and broker run
const flinkVersion = pomProp('docker/flink/pom.xml', 'flink.version');
const kafkaVersion = pomProp('docker/kafka/pom.xml', 'kafka.version');
expect(flinkVersion === pomProp('pom.xml', 'flink.version'), `flink.version: docker/flink/pom.xml ${flinkVersion} != pom.xml ${pomProp('pom.xml', 'flink.version')}`);
expect(kafkaVersion === pomProp('pom.xml', 'kafka.version'), `kafka.version: docker/kafka/pom.xml ${kafkaVersion} != pom.xml ${pomProp('pom.xml', 'kafka.version')}`);
const fromLines = read('docker/Dockerfile').split('\n').filter((l) => /^FROM\s+flink:/.test(l));
expect(fromLines.length === 1, 'docker/Dockerfile must have exactly one FROM flink:<version>-java17');
for (const l of fromLines) expect(l.includes(`flink:${flinkVersion}-java17`), `Dockerfile "${l.trim()}" is not flink:${flinkVersion}-java17`);
for (const [name, svc] of Object.entries(compose.services)) {
  if (svc.image && svc.image.startsWith('apache/kafka')) {
    expect(svc.image === `apache/kafka:${kafkaVersion}`, `service ${name}: image ${svc.image} is not apache/kafka:${kafkaVersion}`);
  }
  if (svc.image && /flink/.test(svc.image)) problems.push(`service ${name}: use the job image (build), not ${svc.image}`);
}

// 2. Flink settings: FLINK_PROPERTIES vs the config.yaml written by flink-cluster.sh
const scriptConf = {};
const clusterScript = read('docker/bin/flink-cluster.sh');
const heredoc = clusterScript.split('<<YAML')[1].split('\nYAML')[0];
for (const line of heredoc.split('\n')) {
  const m = line.match(/^([a-z][\w.-]+):\s*(.+)$/);
  if (m) scriptConf[m[1]] = m[2].trim();
}
// the TaskManagers run the learner's SIMD kernels only with the Vector API module (docs/performance.md)
const TM_OPTS = 'env.java.opts.taskmanager';
const VECTOR_OPT = '--add-modules=jdk.incubator.vector';
expect((scriptConf[TM_OPTS] || '').split(/\s+/).includes(VECTOR_OPT), `flink-cluster.sh config.yaml: ${TM_OPTS} lacks ${VECTOR_OPT}`);
// flink-cluster.sh starts the TaskManager JVMs itself (no flink-dist taskmanager.sh): launch_tm must pass the option
const launchTm = (clusterScript.split('launch_tm() {')[1] || '').split('\n}')[0];
const tmOptsFn = (clusterScript.split('tm_java_opts() {')[1] || '').split('}')[0];
expect(/"\$\{opts\[@\]\}"/.test(launchTm) && /tm_java_opts/.test(launchTm) && tmOptsFn.includes('env\\.java\\.opts\\.taskmanager'),
  'flink-cluster.sh launch_tm does not pass env.java.opts.taskmanager (tm_java_opts) to the TaskManager JVM');
const mustMatch = ['state.backend.type', 'execution.checkpointing.interval', 'execution.checkpointing.mode',
  'execution.checkpointing.storage', 'execution.checkpointing.externalized-checkpoint-retention',
  'execution.checkpointing.num-retained', 'restart-strategy.type', 'taskmanager.load-balance.mode',
  'env.java.opts.taskmanager'];
const flinkServices = Object.entries(compose.services).filter(([, s]) => s.environment && s.environment.FLINK_PROPERTIES);
expect(flinkServices.length >= 2, 'jobmanager and taskmanager services must set FLINK_PROPERTIES');
for (const [name, svc] of flinkServices) {
  const props = {};
  for (const line of svc.environment.FLINK_PROPERTIES.split('\n')) {
    const m = line.match(/^([a-z][\w.-]+):\s*(.+)$/);
    if (m) props[m[1]] = m[2].trim();
    // the image's entrypoint turns every non-blank line into a property, comments included
    else expect(line.trim() === '', `service ${name}: FLINK_PROPERTIES line "${line}" is not "key: value" (the entrypoint would still pass it on)`);
  }
  // JVM options: the entrypoint deletes every blank of a line ("--add-modules x" would become "--add-modulesx"), and
  // env.java.opts.all / env.java.opts would replace the image's Java 17 --add-opens flags
  for (const [k, v] of Object.entries(props)) {
    if (k.startsWith('env.java.')) expect(!/\s/.test(v), `service ${name}: ${k} "${v}" contains blanks, which the image's entrypoint deletes; use --opt=value`);
  }
  for (const k of ['env.java.opts', 'env.java.opts.all']) expect(!(k in props), `service ${name}: ${k} would replace the image's Java 17 module flags; use env.java.opts.taskmanager`);
  expect((props[TM_OPTS] || '').split(/\s+/).includes(VECTOR_OPT), `service ${name}: ${TM_OPTS} lacks ${VECTOR_OPT} (the SIMD kernels)`);
  for (const k of mustMatch) expect(k in props, `service ${name}: FLINK_PROPERTIES lacks ${k}`);
  for (const [k, v] of Object.entries(props)) {
    const s = scriptConf[k];
    if (s === undefined) { if (!/^jobmanager\.rpc\.address$/.test(k)) problems.push(`service ${name}: ${k} is not set by flink-cluster.sh`); continue; }
    // values that are paths, hosts or ports differ by design; ${VAR:-default} in the script compares by default
    if (/\.(dir|savepoint-dir|address)$/.test(k)) continue;
    const sv = s.replace(/^\$\{\w+:-(.*)\}$/, '$1').replace(/^\$(SLOTS|PARALLELISM)$/, (_, x) => ({ SLOTS: '2', PARALLELISM: '2' })[x]);
    expect(sv === v, `${k}: compose (${name}) "${v}" != flink-cluster.sh "${s}"`);
  }
}

// 3. broker settings: KAFKA_* env vs server.properties written by kafka.sh
const kafkaScript = read('docker/bin/kafka.sh');
const brokerProps = {};
for (const line of kafkaScript.split('<<PROPS')[1].split('\nPROPS')[0].split('\n')) {
  const m = line.match(/^([a-z][\w.]+)=(.*)$/);
  if (m) brokerProps[m[1]] = m[2];
}
const kafkaSvc = compose.services.kafka;
expect(!!kafkaSvc, 'no kafka service');
const env = (kafkaSvc && kafkaSvc.environment) || {};
for (const k of Object.keys(brokerProps)) {
  if (/listeners|voters|log\.dirs|listener\.names|protocol\.map/.test(k)) continue; // network layout differs by design
  const envName = 'KAFKA_' + k.toUpperCase().replace(/\./g, '_');
  expect(envName in env, `kafka service lacks ${envName} (kafka.sh sets ${k}=${brokerProps[k]})`);
  if (envName in env) expect(String(env[envName]) === brokerProps[k], `${k}: compose ${env[envName]} != kafka.sh ${brokerProps[k]}`);
}

// 4. job options: compose submit JOB_ARGS vs failover-test.sh
const opts = (text) => { const o = {}; for (const m of text.matchAll(/--([a-z-]+)\s+("?)([^\s"\\]+)\2/g)) o[m[1]] = m[3]; return o; };
const submit = compose.services.submit;
expect(!!submit && !!submit.environment && !!submit.environment.JOB_ARGS, 'submit service must set JOB_ARGS');
const composeArgs = opts(submit.environment.JOB_ARGS);
const ft = read('docker/bin/failover-test.sh');
const ftArgs = opts(ft.split('submit() {')[1].split('\n}')[0] + ' ' + (ft.match(/JOB_MODEL_ARGS:-([^}]+)\}/) || ['', ''])[1]);
for (const [k, v] of Object.entries(ftArgs)) { // "$VAR" -> the script's VAR="${VAR:-default}"
  const m = v.match(/^\$\{?(\w+)\}?$/);
  if (m) { const d = ft.match(new RegExp(`${m[1]}="\\$\\{${m[1]}:-([^}]*)\\}"`)); ftArgs[k] = d ? d[1] : v; }
}
for (const k of ['checkpoint-interval', 'parallelism', 'delivery', 'format', 'key-field', 'time-field', 'hidden', 'method', 'rank', 'seed']) {
  expect(composeArgs[k] !== undefined, `compose JOB_ARGS lacks --${k}`);
  expect(composeArgs[k] === ftArgs[k], `--${k}: compose "${composeArgs[k]}" != failover-test.sh "${ftArgs[k]}"`);
}
expect(String(submit.environment.PARALLELISM) === composeArgs.parallelism, 'submit PARALLELISM must equal --parallelism');
const entry = (composeArgs['checkpoint-dir'] || '');
expect(flinkServices.every(([, s]) => s.environment.FLINK_PROPERTIES.includes(`execution.checkpointing.dir: ${entry}`)), `--checkpoint-dir ${entry} differs from execution.checkpointing.dir`);

// 5. topics: created by the topics service, used by the job and the producer
const created = new Set([...String(compose.services.topics.command).matchAll(/for t in ([^;]+);/g)].flatMap((m) => m[1].trim().split(/\s+/)));
for (const k of ['input-topic', 'output-topic', 'dead-letter-topic']) expect(created.has(composeArgs[k]), `--${k} ${composeArgs[k]} is not created by the topics service`);
const prod = compose.services.producer.entrypoint;
expect(prod[prod.indexOf('--topic') + 1] === composeArgs['input-topic'], 'producer topic != job input topic');

for (const p of problems) console.log('  ' + p);
console.log(`compose-consistency: ${problems.length === 0 ? 'PASS' : 'FAIL'} (${checks} checks, ${problems.length} problems)`);
process.exit(problems.length === 0 ? 0 : 1);
