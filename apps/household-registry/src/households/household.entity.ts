import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('households')
export class HouseholdEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'commune_code', type: 'char', length: 5 })
  communeCode!: string;

  @Column({ name: 'village_id', type: 'uuid' })
  villageId!: string;

  @Column('text')
  address!: string;

  @Column({ name: 'head_name', type: 'text' })
  headName!: string;

  @Column({ name: 'ethnic_minority', type: 'boolean', nullable: true })
  ethnicMinority!: boolean | null;

  @Column({ name: 'has_electricity', type: 'boolean', nullable: true })
  hasElectricity!: boolean | null;

  @Column({ name: 'mobile_signal', type: 'text', nullable: true })
  mobileSignal!: 'none' | 'weak' | 'good' | null;

  @Column({ name: 'has_internet', type: 'boolean', nullable: true })
  hasInternet!: boolean | null;

  @Column({ name: 'smart_devices', type: 'integer', nullable: true })
  smartDevices!: number | null;

  @Column({ name: 'distance_to_centre_km', type: 'numeric', precision: 6, scale: 2, nullable: true, transformer: { to: (v?: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  distanceToCentreKm!: number | null;

  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: { to: (v?: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  latitude!: number | null;

  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: { to: (v?: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  longitude!: number | null;

  @Column({ name: 'digital_core_resident_id', type: 'uuid', nullable: true })
  digitalCoreResidentId!: string | null;

  @Column({ name: 'registered_at', type: 'timestamptz' })
  registeredAt!: Date;

  /** Optimistic-concurrency version, incremented explicitly by every update. */
  @Column('integer')
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'updated_by', type: 'text', nullable: true })
  updatedBy!: string | null;
}
