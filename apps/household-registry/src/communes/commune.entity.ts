import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('communes')
export class CommuneEntity {
  @PrimaryColumn({ type: 'char', length: 5 })
  code!: string;

  @Column('text')
  name!: string;

  @Column({ name: 'province_code', type: 'char', length: 2 })
  provinceCode!: string;

  @Column({ name: 'province_name', type: 'text' })
  provinceName!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  /** When its onboarded event was written to the outbox (null: not yet, see CommuneAnnouncer). */
  @Column({ name: 'announced_at', type: 'timestamptz', nullable: true })
  announcedAt!: Date | null;
}
