import * as path from 'node:path';
import { chooseReplication } from '@dtc/messaging';
import { kafkaClientConfigProblems } from '@dtc/platform';
import { parse } from 'yaml';
import * as fs from 'node:fs';
import { repoRoot } from '../support/compose-file';
import { appNames, find, loadKustomization, ofKind, readManifests, type Manifest } from '../support/kubernetes-manifests';
import { infraTool } from '../support/infra-tools';

// Static checks of the production Kafka (Strimzi) and PostgreSQL (CloudNativePG) resources in
// deploy/kafka and deploy/postgres against the code: replication, users and ACLs, client settings.
const { SERVICE_ACCESS, serviceAcls } = infraTool('kafka-access.js') as {
  SERVICE_ACCESS: Record<string, { writes: string[]; reads: string[] }>;
  serviceAcls: (service: string, prefix: string) => Array<{ resourceType: string; resourceName: string; patternType: string; operation: string }>;
};
const kafkaDir = path.join(repoRoot, 'deploy/kafka');
const postgresDir = path.join(repoRoot, 'deploy/postgres');
const kafka = loadKustomization(kafkaDir).manifests;
const postgres = loadKustomization(postgresDir).manifests;
const base = loadKustomization().manifests;
const PREFIX = find(base, 'ConfigMap', 'dtc-config')!.data!.TOPIC_PREFIX as string;
const apps = appNames();

describe('deploy/kafka (Strimzi)', () => {
  const cluster = ofKind(kafka, 'Kafka')[0];
  const brokers = ofKind(kafka, 'KafkaNodePool').filter((pool) => pool.spec!.roles.includes('broker')).reduce((sum, pool) => sum + pool.spec!.replicas, 0);

  it('runs three or more KRaft brokers with replication factor 3 and min.insync.replicas 2', () => {
    expect(brokers).toBeGreaterThanOrEqual(3);
    expect(cluster.metadata.annotations).toMatchObject({ 'strimzi.io/kraft': 'enabled', 'strimzi.io/node-pools': 'enabled' });
    const { replicationFactor, minInsyncReplicas } = chooseReplication(brokers);
    expect(cluster.spec!.kafka.config).toMatchObject({ 'default.replication.factor': replicationFactor, 'min.insync.replicas': minInsyncReplicas, 'offsets.topic.replication.factor': replicationFactor, 'auto.create.topics.enable': false });
  });

  it('has no PLAINTEXT or unauthenticated listener, and an authorizer that denies what no ACL allows', () => {
    for (const listener of cluster.spec!.kafka.listeners) expect({ name: listener.name, tls: listener.tls, authentication: listener.authentication?.type }).toEqual({ name: listener.name, tls: true, authentication: 'scram-sha-512' });
    expect(cluster.spec!.kafka.authorization.type).toBe('simple');
    expect(cluster.spec!.kafka.config['allow.everyone.if.no.acl.found']).toBe(false);
  });

  it('declares every event stream with the replication the services would choose on this cluster', () => {
    const streams = [...new Set(Object.values(SERVICE_ACCESS).flatMap((access) => [...access.writes, ...access.reads]))].sort();
    const topics = ofKind(kafka, 'KafkaTopic');
    expect(topics.map((t) => t.metadata.name).sort()).toEqual(streams.map((stream) => `${PREFIX}${stream}`));
    const { replicationFactor, minInsyncReplicas } = chooseReplication(brokers);
    for (const topic of topics) expect(topic.spec).toMatchObject({ replicas: replicationFactor, config: { 'min.insync.replicas': minInsyncReplicas, 'retention.ms': -1 } });
  });

  it('gives every app its own SCRAM user with exactly the ACLs of tools/infra/kafka-access.js', () => {
    const users = ofKind(kafka, 'KafkaUser');
    expect(Object.keys(SERVICE_ACCESS).sort()).toEqual(apps);
    for (const app of apps) {
      const user = find(users, 'KafkaUser', app)!;
      expect(user.spec!.authentication.type).toBe('scram-sha-512');
      const declared = (user.spec!.authorization.acls as Array<{ resource: { type: string; name: string; patternType: string }; operations: string[] }>).flatMap((acl) =>
        acl.operations.map((operation) => `${acl.resource.type.toUpperCase()} ${acl.resource.name} ${acl.resource.patternType === 'prefix' ? 'PREFIXED' : 'LITERAL'} ${operation.toUpperCase()}`),
      );
      const expected = serviceAcls(app, PREFIX).map((acl) => `${acl.resourceType} ${acl.resourceName} ${acl.patternType} ${acl.operation}`);
      expect(declared.sort()).toEqual(expected.sort());
    }
    // The only super user is the operators' admin, which no service uses.
    expect(cluster.spec!.kafka.authorization.superUsers).toEqual(['dtc-admin']);
    expect(find(users, 'KafkaUser', 'dtc-admin')!.spec!.authorization).toBeUndefined();
  });

  it('client component: every app connects over TLS as its own user with complete settings', () => {
    const component = parse(fs.readFileSync(path.join(kafkaDir, 'client/kustomization.yaml'), 'utf8')) as { kind: string; patches: Array<{ path: string }> };
    expect(component.kind).toBe('Component');
    const patches = component.patches.flatMap((patch) => readManifests(path.join(kafkaDir, 'client', patch.path)));
    const configPatch = find(patches, 'ConfigMap', 'dtc-config')!.data as Record<string, string>;
    expect(configPatch.KAFKA_BROKERS.split(',').every((host) => host.endsWith(`:${cluster.spec!.kafka.listeners[0].port}`))).toBe(true);
    for (const app of apps) {
      const patch = find(patches, 'Deployment', app) as Manifest;
      const container = patch.spec!.template.spec.containers[0];
      const vars = Object.fromEntries((container.env as Array<{ name: string; value: string }>).map((v) => [v.name, v.value]));
      const env = { ...find(base, 'ConfigMap', 'dtc-config')!.data, ...configPatch, ...vars };
      expect(kafkaClientConfigProblems(env)).toEqual([]);
      expect(env).toMatchObject({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: app });
      // The password file is the password key of the Secret Strimzi writes for the app's KafkaUser.
      const volumes = patch.spec!.template.spec.volumes as Array<{ name: string; secret: { secretName: string; items: Array<{ key: string; path: string }> } }>;
      const mountOf = (file: string) => (container.volumeMounts as Array<{ name: string; mountPath: string }>).find((m) => file.startsWith(`${m.mountPath}/`))!;
      const passwordVolume = volumes.find((v) => v.name === mountOf(env.KAFKA_SASL_PASSWORD_FILE).name)!;
      expect(passwordVolume.secret).toMatchObject({ secretName: app, items: [{ key: 'password' }] });
      const caVolume = volumes.find((v) => v.name === mountOf(env.KAFKA_SSL_CA_FILE).name)!;
      expect(caVolume.secret.secretName).toBe(`${cluster.metadata.name}-cluster-ca-cert`);
    }
  });
});

describe('deploy/postgres (CloudNativePG)', () => {
  const cluster = find(postgres, 'Cluster', 'dtc-postgres')!;

  it('runs a primary with a synchronous standby that must hold every commit', () => {
    expect(cluster.spec!.instances).toBeGreaterThanOrEqual(2);
    expect(cluster.spec!.postgresql.synchronous.number).toBeGreaterThanOrEqual(1);
    expect(cluster.spec!.postgresql.synchronous.number).toBeLessThan(cluster.spec!.instances);
    expect(cluster.spec!.affinity.enablePodAntiAffinity).toBe(true);
  });

  it('archives WAL and base backups to object storage, with a nightly scheduled backup', () => {
    const store = cluster.spec!.backup.barmanObjectStore;
    expect(store.destinationPath).toMatch(/^s3:\/\//);
    expect(cluster.spec!.backup.retentionPolicy).toMatch(/^\d+[dwm]$/);
    const scheduled = ofKind(postgres, 'ScheduledBackup');
    expect(scheduled.map((b) => b.spec!.cluster.name)).toEqual([cluster.metadata.name]);
    // The credentials Secret is an example (never applied) with the keys the cluster reads.
    const [secret] = readManifests(path.join(postgresDir, 'backup-credentials.example.yaml'));
    expect(ofKind(postgres, 'Secret')).toEqual([]);
    for (const ref of Object.values(store.s3Credentials) as Array<{ name: string; key: string }>) {
      expect(ref.name).toBe(secret.metadata.name);
      expect(Object.keys(secret.stringData!)).toContain(ref.key);
    }
  });

  it('lets a service use its own cluster: an env DATABASE_URL from that cluster\'s app Secret', () => {
    const [patch] = readManifests(path.join(postgresDir, 'per-service-database.example.yaml'));
    expect(apps).toContain(patch.metadata.name);
    const variable = patch.spec!.template.spec.containers[0].env.find((v: { name: string }) => v.name === 'DATABASE_URL');
    expect(variable.valueFrom.secretKeyRef).toEqual({ name: expect.stringMatching(/-app$/), key: 'uri' });
  });
});
