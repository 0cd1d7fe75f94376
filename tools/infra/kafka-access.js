'use strict';
// Who may do what on a secured Kafka: one SCRAM user per service. The same table feeds the local
// SASL_SSL broker (kafka-secure.js), the e2e test and, by hand, deploy/kafka/users.yaml.
//   writes       the stream topics the service publishes (its outbox relay)
//   reads        the stream topics its consumers subscribe to
//   groupPrefix  its consumer groups and dead-letter topics start with <prefix><groupPrefix>
const SERVICE_ACCESS = {
  'household-registry': { writes: ['household-registry.events'], reads: ['training.events', 'enrollment.events'], groupPrefix: 'registry-' },
  enrollment: { writes: ['enrollment.events'], reads: ['household-registry.events'], groupPrefix: 'enrollment-' },
  training: { writes: ['training.events'], reads: ['household-registry.events'], groupPrefix: 'training-' },
  reporting: { writes: [], reads: ['household-registry.events', 'enrollment.events', 'training.events'], groupPrefix: 'reporting-' },
};

/**
 * The ACL bindings of one service user for a topic prefix, as plain records:
 * { resourceType, resourceName, patternType, operation }. Everything not listed is denied
 * (StandardAuthorizer with allow.everyone.if.no.acl.found=false).
 */
function serviceAcls(service, prefix) {
  const access = SERVICE_ACCESS[service];
  if (!access) throw new Error(`unknown service ${service}`);
  const acls = [];
  const topic = (name, patternType, operations) => operations.forEach((operation) => acls.push({ resourceType: 'TOPIC', resourceName: name, patternType, operation }));
  // Its own streams: publish, and create them at boot if missing.
  for (const stream of access.writes) topic(`${prefix}${stream}`, 'LITERAL', ['WRITE', 'DESCRIBE', 'CREATE']);
  // Streams it consumes: read, and create them if missing (a consumer may start before the producer).
  for (const stream of access.reads) topic(`${prefix}${stream}`, 'LITERAL', ['READ', 'DESCRIBE', 'CREATE']);
  // Its dead-letter topics (dead-letter.<consumer name>): write and read back for replays.
  topic(`${prefix}dead-letter.${access.groupPrefix}`, 'PREFIXED', ['WRITE', 'READ', 'DESCRIBE', 'CREATE']);
  // Its consumer groups, and only those (the rebuild also rewinds and deletes its own groups).
  for (const operation of ['READ', 'DESCRIBE', 'DELETE']) acls.push({ resourceType: 'GROUP', resourceName: `${prefix}${access.groupPrefix}`, patternType: 'PREFIXED', operation });
  return acls;
}

module.exports = { SERVICE_ACCESS, serviceAcls };
