import { randomUUID } from 'node:crypto';
import { Message, Partitioners, Producer } from 'kafkajs';
import { createKafka } from '../kafka';
import { EmbeddedLog, LogDatabase, LogMessage } from './embedded-log';

/** Where accepted events and access entries go: Kafka, or the embedded log of the single-process mode. */
export interface LogProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
  /** Resolves once the log holds the messages durably (Kafka: acks from all in-sync replicas). */
  send(topic: string, messages: LogMessage[]): Promise<void>;
  /** All or nothing: a Kafka transaction, which read-committed consumers see whole or not at all. */
  sendAtomically(topic: string, messages: LogMessage[]): Promise<void>;
}

export type EventLogKind = 'kafka' | 'embedded';

export function createLogProducer(o: { kind: EventLogKind; brokers: string; clientId: string; db: LogDatabase; transactional?: boolean }): LogProducer {
  return o.kind === 'embedded' ? new EmbeddedLogProducer(new EmbeddedLog(o.db)) : new KafkaLogProducer(o.brokers, o.clientId, o.transactional ?? false);
}

/** An idempotent kafkajs producer, and a transactional one when atomic sends are needed. */
class KafkaLogProducer implements LogProducer {
  private readonly producer: Producer;
  private readonly transactional?: Producer;
  /** kafkajs runs one transaction at a time per producer: atomic sends queue here. */
  private transactionQueue: Promise<unknown> = Promise.resolve();
  private connected = false;

  constructor(brokers: string, clientId: string, transactional: boolean) {
    const kafka = createKafka(brokers, clientId);
    const common = { idempotent: true, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner };
    this.producer = kafka.producer({ ...common, maxInFlightRequests: 5 });
    if (transactional) this.transactional = kafka.producer({ ...common, maxInFlightRequests: 1, transactionalId: `${clientId}-${randomUUID()}` });
    this.producer.on(this.producer.events.CONNECT, () => (this.connected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = false));
  }

  async connect(): Promise<void> {
    await Promise.all([this.producer.connect(), this.transactional?.connect()]);
  }

  async disconnect(): Promise<void> {
    await Promise.all([this.producer.disconnect(), this.transactional?.disconnect()]);
  }

  isConnected(): boolean {
    return this.connected;
  }

  async send(topic: string, messages: LogMessage[]): Promise<void> {
    await this.producer.send({ topic, acks: -1, messages: messages as Message[] });
  }

  async sendAtomically(topic: string, messages: LogMessage[]): Promise<void> {
    const transactional = this.transactional;
    if (!transactional) throw new Error('this producer was created without transactions');
    const run = this.transactionQueue.then(async () => {
      const tx = await transactional.transaction();
      try {
        await tx.send({ topic, acks: -1, messages: messages as Message[] });
        await tx.commit();
      } catch (e) {
        await tx.abort().catch(() => undefined);
        throw e;
      }
    });
    this.transactionQueue = run.catch(() => undefined);
    await run;
  }
}

/** Appends to the PostgreSQL-backed embedded log; every append is one database transaction. */
class EmbeddedLogProducer implements LogProducer {
  constructor(private readonly log: EmbeddedLog) {}

  async connect(): Promise<void> {}

  async disconnect(): Promise<void> {}

  isConnected(): boolean {
    return true;
  }

  send(topic: string, messages: LogMessage[]): Promise<void> {
    return this.log.append(topic, messages);
  }

  sendAtomically(topic: string, messages: LogMessage[]): Promise<void> {
    return this.log.append(topic, messages);
  }
}
