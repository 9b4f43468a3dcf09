#!/usr/bin/env node
'use strict';
/*
 * Waits until a Kafka cluster answers, then makes sure the topics from docker/kafka/topics.json exist
 * with the expected partition counts and that every partition has a leader.
 *
 * Used by scripts/kafka-up.sh, and usable on its own against any broker:
 *   node scripts/kafka-ready.js
 *
 * Environment:
 *   KAFKA_BROKERS            comma-separated host:port list        (default 127.0.0.1:9092)
 *   KAFKA_READY_TIMEOUT_MS   how long to wait for the cluster       (default 90000)
 *   KAFKA_TOPICS_FILE        topic definitions                      (default <repo>/docker/kafka/topics.json)
 *   KAFKA_PID                optional broker pid: stop waiting as soon as that process has exited
 *
 * Exit codes: 0 ready, 1 timeout/error, 2 partition-count mismatch, 3 the KAFKA_PID process died.
 * On success the last line printed to stdout is: "kafka ready on <brokers>, topics: name(partitions), ..."
 */
const fs = require('node:fs');
const path = require('node:path');
const { Kafka, logLevel } = require('kafkajs');

const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:9092')
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);
const timeoutMs = Number(process.env.KAFKA_READY_TIMEOUT_MS || 90_000);
const topicsFile =
  process.env.KAFKA_TOPICS_FILE || path.join(__dirname, '..', 'docker', 'kafka', 'topics.json');
const brokerPid = process.env.KAFKA_PID ? Number(process.env.KAFKA_PID) : undefined;

class BrokerDied extends Error {}
class PartitionMismatch extends Error {}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function brokerAlive() {
  if (!brokerPid) return true;
  try {
    process.kill(brokerPid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function loadTopics() {
  const spec = JSON.parse(fs.readFileSync(topicsFile, 'utf8'));
  return Object.values(spec).map(({ name, partitions }) => {
    if (typeof name !== 'string' || !Number.isInteger(partitions) || partitions < 1) {
      throw new Error(`invalid topic entry in ${topicsFile}: ${JSON.stringify({ name, partitions })}`);
    }
    return { name, partitions };
  });
}

function newAdmin() {
  const kafka = new Kafka({
    clientId: 'dscsa-kafka-ready',
    brokers,
    // Connection-refused noise while the broker boots is expected; we report failures ourselves.
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
  return kafka.admin({ retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 } });
}

async function waitForCluster(deadline) {
  let lastError;
  while (Date.now() < deadline) {
    if (!brokerAlive()) throw new BrokerDied(`broker process ${brokerPid} exited during startup`);
    const admin = newAdmin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null && cluster.controller >= 0) {
        return admin;
      }
      lastError = new Error('cluster has no active controller yet');
    } catch (e) {
      lastError = e;
    }
    await admin.disconnect().catch(() => {});
    await sleep(250);
  }
  throw new Error(
    `kafka did not answer on ${brokers.join(',')} within ${Math.round(timeoutMs / 1000)} s` +
      (lastError ? ` (last error: ${lastError.message})` : ''),
  );
}

async function ensureTopics(admin, topics, deadline) {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.name));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      timeout: Math.max(5_000, Math.min(30_000, deadline - Date.now())),
      topics: missing.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: 1 })),
    });
  }

  // Verify partition counts and wait until every partition has a leader (also covers topics that
  // already existed or that a concurrent run created, where createTopics returned false early).
  for (;;) {
    if (!brokerAlive()) throw new BrokerDied(`broker process ${brokerPid} exited`);
    let leaderless = [];
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.name) });
      const byName = new Map(meta.map((m) => [m.name, m]));
      for (const t of topics) {
        const m = byName.get(t.name);
        if (!m) {
          leaderless.push(t.name);
          continue;
        }
        if (m.partitions.length !== t.partitions) {
          throw new PartitionMismatch(
            `topic ${t.name} has ${m.partitions.length} partitions but ${path.basename(topicsFile)} expects ` +
              `${t.partitions}; Kafka cannot shrink a topic and growing it would reshuffle keys. ` +
              `For local dev reset with: bash scripts/kafka-down.sh --purge && bash scripts/kafka-up.sh`,
          );
        }
        leaderless.push(...m.partitions.filter((p) => p.leader < 0).map((p) => `${t.name}-${p.partitionId}`));
      }
    } catch (e) {
      if (e instanceof PartitionMismatch) throw e;
      leaderless = [`metadata error: ${e.message}`];
    }
    if (leaderless.length === 0) return;
    if (Date.now() >= deadline) {
      throw new Error(`topics not ready within ${Math.round(timeoutMs / 1000)} s: ${leaderless.join(', ')}`);
    }
    await sleep(200);
  }
}

async function main() {
  const started = Date.now();
  const deadline = started + timeoutMs;
  const topics = loadTopics();
  const admin = await waitForCluster(deadline);
  try {
    await ensureTopics(admin, topics, deadline);
  } finally {
    await admin.disconnect().catch(() => {});
  }
  const list = topics.map((t) => `${t.name}(${t.partitions})`).join(', ');
  process.stdout.write(`kafka ready on ${brokers.join(',')}, topics: ${list}\n`);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`kafka-ready: ${e.message}\n`);
    process.exit(e instanceof BrokerDied ? 3 : e instanceof PartitionMismatch ? 2 : 1);
  },
);
