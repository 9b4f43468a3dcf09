import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CapturedEvent, encodeCapturedEvent } from '@app/epcis';
import { createLogProducer, GroupCommit, kafkaSettings, LogMessage, LogProducer, ProblemException } from '@app/platform';

export interface Publication {
  key: string;
  captured: CapturedEvent;
}

/**
 * Publishes accepted events with acks from all in-sync replicas: a request is acknowledged to the
 * partner only after Kafka has durably accepted its events. Single events go through an idempotent
 * producer; a document's events go in one Kafka transaction, so a rolled-back capture leaves nothing
 * a read-committed consumer (the ledger) could see. Concurrent single events share one produce request
 * (group commit); each is acknowledged when that request is.
 */
@Injectable()
export class EventPublisher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(EventPublisher.name);
  private readonly log: LogProducer;
  private readonly timeoutMs: number;
  private readonly topic: string;
  private readonly singles: GroupCommit<LogMessage, undefined>;

  constructor(config: ConfigService, @InjectDataSource() db: DataSource) {
    this.timeoutMs = config.getOrThrow<number>('INGEST_PUBLISH_TIMEOUT_MS');
    this.topic = config.getOrThrow('KAFKA_TOPIC_EVENTS');
    this.log = createLogProducer({
      kind: config.getOrThrow('EVENT_LOG'),
      kafka: kafkaSettings(config),
      clientId: `${config.getOrThrow('KAFKA_CLIENT_ID')}-ingest`,
      db,
      transactional: true,
    });
    // kafkajs keeps at most 5 idempotent requests in flight per broker.
    this.singles = new GroupCommit(async (messages) => {
      await this.log.send(this.topic, messages);
      return messages.map(() => undefined);
    }, { maxItems: 500, concurrency: 4 });
  }

  async onModuleInit(): Promise<void> {
    await this.log.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.log.disconnect();
  }

  isConnected(): boolean | Promise<boolean> {
    return this.log.isConnected();
  }

  async publish(p: Publication): Promise<void> {
    await this.withTimeout(this.singles.submit(message(p)), p.captured.eventId);
  }

  /** All or nothing: the events of one capture document in one Kafka transaction. */
  async publishAll(ps: Publication[]): Promise<void> {
    await this.withTimeout(this.log.sendAtomically(this.topic, ps.map(message)), `${ps.length} events`);
  }

  /**
   * The idempotent producer retries on its own, so a broker outage would hang the request: after the
   * timeout the partner gets a 503 and retries. Should the first send still land, the retry carries
   * the same event hash IDs and the ledger keeps one copy.
   */
  private async withTimeout(send: Promise<unknown>, what: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no acknowledgement within ${this.timeoutMs} ms`)), this.timeoutMs);
      });
      send.catch(() => undefined); // a late failure after the timeout has already been answered
      await Promise.race([send, timeout]);
    } catch (e) {
      this.logger.error(`publish failed for ${what}: ${(e as Error).message}`);
      throw new ProblemException(503, 'log-unavailable', 'the event log did not confirm in time; the events are not acknowledged. Retry later: a retry never creates a second entry');
    } finally {
      clearTimeout(timer);
    }
  }
}

function message({ key, captured }: Publication): LogMessage {
  return { key, value: encodeCapturedEvent(captured), headers: { 'event-id': captured.eventId, signer: captured.signer.gln } };
}
