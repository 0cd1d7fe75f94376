'use strict';
// Broker settings shared by the two single-node development brokers (PLAINTEXT in kafka.js,
// SASL_SSL in kafka-secure.js): storage, retention and single-replica internal topics.
const crypto = require('node:crypto');

/**
 * A new cluster id for `kafka-storage format`: 16 random bytes in base64url, as Kafka's own
 * random-uuid. One in 64 of those starts with "-", which the tool's argument parser reads as an
 * option ("--cluster-id: expected one argument"), so such ids are drawn again, as Kafka does.
 */
function newClusterId(randomBytes = crypto.randomBytes) {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** server.properties lines for a single-node broker keeping its log under `logDir`. */
function singleNodeStorageSettings(logDir) {
  return [
    `log.dirs=${logDir}`,
    'num.partitions=3',
    'auto.create.topics.enable=false',
    // Event topics are the system of record for rebuilds: never delete by time.
    'log.retention.ms=-1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    // Consumer offsets outlive any pause of a group by far, so a consumer never re-reads events older
    // than the inbox retention (INBOX_RETENTION_DAYS prunes their ids: docs/operations.md).
    'offsets.retention.minutes=525600',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // Kafka 4 refuses records stamped more than an hour ahead of the broker's clock. npm test runs
    // the platform on a shifted clock (tools/test/fixed-clock.js) against these real-clock brokers,
    // so they accept any record time, as brokers before 4.0 did.
    'log.message.timestamp.after.max.ms=9223372036854775807',
  ];
}

module.exports = { singleNodeStorageSettings, newClusterId };
