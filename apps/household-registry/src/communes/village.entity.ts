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
}
