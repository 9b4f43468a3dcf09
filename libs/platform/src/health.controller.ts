import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';

/** Provided (useExisting) by apps that hold a Kafka client, so /health reports its connection. */
export const KAFKA_CONNECTION = Symbol('KAFKA_CONNECTION');

export interface KafkaConnection {
  isConnected(): boolean | Promise<boolean>;
}

/** /health: the database always, Kafka where the app uses it. Unhealthy answers are 503. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Optional() @Inject(KAFKA_CONNECTION) private readonly kafka?: KafkaConnection,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    const kafka = this.kafka;
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 2000 }),
      ...(kafka
        ? [
            async () => {
              const indicator = this.indicators.check('kafka');
              return (await kafka.isConnected()) ? indicator.up() : indicator.down({ message: 'Kafka is not reachable' });
            },
          ]
        : []),
    ]);
  }
}
