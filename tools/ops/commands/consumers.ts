import { formatTable } from '@dtc/platform';
import { defineCommand, print } from '../command';
import { ENVIRONMENT, opsKafka } from '../environment';
import { consumerStatus } from '../status';

export const consumersCommand = defineCommand({
  name: 'consumers',
  summary: 'Every consumer group: state, members, committed offset, end and lag per partition',
  environment: [ENVIRONMENT.kafka],
  spec: { options: {} },
  async run() {
    const { kafka, prefix } = opsKafka();
    const rows = await consumerStatus(kafka, prefix);
    if (rows.length === 0) return print(`No consumer groups under prefix "${prefix}".`);
    const cells = rows.map((r) => [r.group, r.state, String(r.members), r.topic, String(r.partition), r.committed, r.end, String(r.lag)]);
    print(formatTable(['group', 'state', 'members', 'topic', 'partition', 'committed', 'end', 'lag'], cells, { alignRight: [2, 4, 5, 6, 7] }));
    print(`total lag: ${rows.reduce((sum, r) => sum + r.lag, 0)} event(s)`);
  },
});
