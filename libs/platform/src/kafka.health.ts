import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

/** Reports whether a Kafka client of this app currently holds a broker connection. */
@Injectable()
export class KafkaHealthIndicator {
  constructor(private readonly health: HealthIndicatorService) {}

  check(key: string, connected: boolean) {
    const indicator = this.health.check(key);
    return connected ? indicator.up() : indicator.down({ message: 'not connected to Kafka' });
  }
}
