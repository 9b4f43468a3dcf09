import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Partitioners, Producer } from 'kafkajs';
import { CapturedEvent, encodeCapturedEvent } from '@app/epcis';
import { createKafka, ProblemException } from '@app/platform';

/**
 * Publishes accepted events. Idempotent producer with acks from all in-sync replicas: a request is
 * acknowledged to the partner only after Kafka has durably accepted its event.
 */
@Injectable()
export class EventPublisher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(EventPublisher.name);
  private readonly producer: Producer;
  private connected = false;
  private readonly timeoutMs: number;
  private readonly topic: string;

  constructor(config: ConfigService) {
    this.topic = config.getOrThrow('KAFKA_TOPIC_EVENTS');
    this.timeoutMs = config.getOrThrow<number>('INGEST_PUBLISH_TIMEOUT_MS');
    const kafka = createKafka(config.getOrThrow('KAFKA_BROKERS'), `${config.getOrThrow('KAFKA_CLIENT_ID')}-ingest`);
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    this.producer.on(this.producer.events.CONNECT, () => (this.connected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = false));
  }

  async onModuleInit(): Promise<void> {
    await this.producer.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }

  isConnected(): boolean {
    return this.connected;
  }

  /**
   * The idempotent producer retries without end, so a broker outage would hang the request: after
   * the timeout the partner gets a 503 and retries. Should the first send still land, the retry
   * carries the same event hash ID and the ledger keeps one copy.
   */
  async publish(key: string, captured: CapturedEvent): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const send = this.producer.send({
        topic: this.topic,
        acks: -1,
        messages: [{ key, value: encodeCapturedEvent(captured), headers: { 'event-id': captured.eventId, signer: captured.signer.gln } }],
      });
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no acknowledgement within ${this.timeoutMs} ms`)), this.timeoutMs);
      });
      send.catch(() => undefined); // a late failure after the timeout has already been answered
      await Promise.race([send, timeout]);
    } catch (e) {
      this.logger.error(`publish failed for ${captured.eventId}: ${(e as Error).message}`);
      throw new ProblemException(503, 'log-unavailable', 'the event log is unavailable; the event was not accepted, retry later');
    } finally {
      clearTimeout(timer);
    }
  }
}
