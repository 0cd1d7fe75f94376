'use strict';
// Where each part of the one-machine infrastructure lives. Every value can be overridden
// by the same environment variables the services read, so `infra` and the services agree.
const os = require('node:os');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');

function infraSettings(env = process.env) {
  const kafkaVersion = env.KAFKA_VERSION || '4.1.1';
  const cacheRoot = env.DTC_CACHE_DIR || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'dtc-platform');
  const dataRoot = env.DTC_DATA_DIR || path.join(repoRoot, '.data');
  const brokers = (env.KAFKA_BROKERS || '127.0.0.1:9092').split(',').map((b) => b.trim());
  const [kafkaHost, kafkaPort] = brokers[0].split(':');
  return {
    repoRoot,
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/dtc',
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    kafka: {
      version: kafkaVersion,
      brokers,
      host: kafkaHost,
      port: Number(kafkaPort || 9092),
      controllerPort: Number(env.KAFKA_CONTROLLER_PORT || Number(kafkaPort || 9092) + 1),
      heap: env.KAFKA_HEAP || '768m',
      jarsDir: path.join(cacheRoot, `kafka-${kafkaVersion}`, 'libs'),
      pom: path.join(repoRoot, 'tools', 'kafka', 'pom.xml'),
      log4jConfig: path.join(repoRoot, 'tools', 'kafka', 'log4j2.properties'),
      dataDir: path.join(dataRoot, 'kafka'),
    },
    dataRoot,
  };
}

module.exports = { infraSettings, repoRoot };
