import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { EventQueryService } from './event-query.service';

/** The EPCIS 2.0 REST query interface. */
@Module({ controllers: [EventsController], providers: [EventQueryService], exports: [EventQueryService] })
export class QueryModule {}
