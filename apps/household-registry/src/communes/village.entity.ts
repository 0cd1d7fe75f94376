import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('villages')
export class VillageEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'commune_code', type: 'char', length: 5 })
  communeCode!: string;

  @Column('text')
  code!: string;

  @Column('text')
  name!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  /** When its registered event was written to the outbox (null: not yet, see CommunesService.announceUnannouncedVillages). */
  @Column({ name: 'announced_at', type: 'timestamptz', nullable: true })
  announcedAt!: Date | null;
}
