import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { ProblemException } from '@app/platform';
import { adminToken } from '../config';

/** Admin endpoints take `Authorization: Bearer <ADMIN_TOKEN>` (or the token in ADMIN_TOKEN_FILE); compared in constant time. */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly token: Buffer;

  constructor(config: ConfigService) {
    this.token = Buffer.from(adminToken(config));
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const presented = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    if (presented.length === this.token.length && timingSafeEqual(presented, this.token)) return true;
    throw new ProblemException(401, 'unauthorized', 'a valid admin bearer token is required');
  }
}
