import { CreateAppliedBatches1765100000001, CreateInbox1763900000001, CreateOutbox1763900000000, KafkaClusterRecord1764900000100 } from '@dtc/messaging';
import { SyncResultsDevice1764500000550, SyncResultsRetention1764700000560 } from '@dtc/offline-sync';
import { AuditLogByMonth1764700000600, CreateAuditLog1763900000600 } from '@dtc/persistence';
import { CreateRegistry1763900000100 } from './1763900000100-create-registry';
import { RegistryPopulation1763900000200 } from './1763900000200-registry-population';
import { CommuneAnnouncements1764500000100 } from './1764500000100-commune-announcements';
import { VillageAnnouncementsAndVisitReviews1764500000200 } from './1764500000200-village-announcements-and-visit-reviews';
import { WorkList1764500000300 } from './1764500000300-work-list';
import { DropResidentsNameIndex1765200000100 } from './1765200000100-drop-residents-name-index';
import { WorkListMarksPerStatement1765300000100 } from './1765300000100-work-list-marks-per-statement';

/** Every migration of the registry's schema, in order: the service and its integration tests use this one list. */
export const REGISTRY_MIGRATIONS = [CreateOutbox1763900000000, CreateRegistry1763900000100, RegistryPopulation1763900000200, CreateAuditLog1763900000600, CommuneAnnouncements1764500000100, VillageAnnouncementsAndVisitReviews1764500000200, CreateInbox1763900000001, WorkList1764500000300, SyncResultsDevice1764500000550, SyncResultsRetention1764700000560, AuditLogByMonth1764700000600, KafkaClusterRecord1764900000100, CreateAppliedBatches1765100000001, DropResidentsNameIndex1765200000100, WorkListMarksPerStatement1765300000100];
