import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Request } from 'express';

export interface AccessEntry {
  actor: string;
  action: string;
  subject: string;
  outcome: string;
  detail?: Record<string, unknown>;
}

/** Every read of custody data leaves a row here: who asked what, and what they were told. */
@Injectable()
export class AccessLog {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async record(e: AccessEntry): Promise<void> {
    await this.db.query('INSERT INTO verify.access_log (actor, action, subject, outcome, detail) VALUES ($1, $2, $3, $4, $5)', [
      e.actor,
      e.action,
      e.subject,
      e.outcome,
      JSON.stringify(e.detail ?? {}),
    ]);
  }
}

/** Who is asking; requests carry no partner credentials yet, so the caller's address stands in. */
export function actorOf(req: Request): string {
  return `anonymous@${req.ip}`;
}
