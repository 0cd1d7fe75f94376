import { createServiceApp, loadServiceConfig, type ServiceConfig } from '@dtc/platform';
import { HouseholdRegistryModule } from './app.module';

export const REGISTRY_DEFAULTS = { serviceName: 'household-registry', port: 3001, databaseSchema: 'registry' };

export function registryConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  return loadServiceConfig(REGISTRY_DEFAULTS, env);
}

export async function buildRegistryApp(config: ServiceConfig) {
  return createServiceApp(HouseholdRegistryModule.forRoot(config), config, {
    title: 'Household registry',
    description: 'Communes, villages and households: the population ground truth every campaign target is measured against.',
  });
}
