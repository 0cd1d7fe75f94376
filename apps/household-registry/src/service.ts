import { defineService } from '@dtc/platform';
import { HouseholdRegistryModule } from './app.module';

export const registryService = defineService({
  defaults: { serviceName: 'household-registry', port: 3001, databaseSchema: 'registry' },
  rootModule: (config) => HouseholdRegistryModule.forRoot(config),
  openApi: {
    title: 'Household registry',
    description: 'Communes, villages and households: the population ground truth every campaign target is measured against.',
  },
});
