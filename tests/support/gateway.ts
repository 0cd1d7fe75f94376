import path from 'node:path';
import { repoRoot } from './compose-file';

/**
 * `npm start`'s one-origin gateway (tools/start/gateway.ts), loaded at run time like
 * infra-tools.ts loads tools/infra: tests never import tools/ (module boundaries), yet the
 * end-to-end test runs the real gateway in-process and the compose and Kubernetes tests hold
 * nginx and the Ingress to its route table. The one place tests reach into the gateway.
 */
type GatewayModule = typeof import('../../tools/start/gateway');
export type Gateway = import('../../tools/start/gateway').Gateway;
export type UpstreamKey = import('../../tools/start/gateway').UpstreamKey;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const gateway = require(path.join(repoRoot, 'tools/start/gateway')) as GatewayModule;
export const { API_ROUTES, CONSOLE_PREFIX, FIELD_CSP, FIELD_PREFIX, IMMUTABLE, consoleConfigOf, consoleCsp, fieldCsp, startGateway } = gateway;
