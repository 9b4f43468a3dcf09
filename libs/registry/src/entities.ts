import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, OneToMany, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const PARTNER_ROLES = ['manufacturer', 'repackager', 'wholesaler', '3pl', 'dispenser', 'regulator'] as const;
export type PartnerRole = (typeof PARTNER_ROLES)[number];

/** A DSCSA trading partner (or regulator), identified by its GLN. Owned and written by the ingest app. */
@Entity({ schema: 'ingest', name: 'partner' })
export class PartnerEntity {
  @PrimaryColumn({ type: 'char', length: 13 })
  gln: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', array: true })
  roles: PartnerRole[];

  @OneToMany(() => PartnerKeyEntity, (key) => key.partner)
  keys: PartnerKeyEntity[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** A public signing key of a partner; `kid` is what a JWS header names. */
@Entity({ schema: 'ingest', name: 'partner_key' })
export class PartnerKeyEntity {
  @PrimaryColumn({ type: 'text' })
  kid: string;

  @Column({ type: 'char', length: 13 })
  gln: string;

  @ManyToOne(() => PartnerEntity, (p) => p.keys, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'gln' })
  partner: PartnerEntity;

  @Column({ type: 'text' })
  alg: 'EdDSA' | 'ES256';

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk: Record<string, string>;

  @Column({ name: 'valid_from', type: 'timestamptz' })
  validFrom: Date;

  @Column({ name: 'valid_until', type: 'timestamptz', nullable: true })
  validUntil: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
