import { runService } from '@dtc/platform';
import { buildRegistryApp, registryConfig } from './service';

void runService(async () => {
  const config = registryConfig();
  return { app: await buildRegistryApp(config), config };
});
