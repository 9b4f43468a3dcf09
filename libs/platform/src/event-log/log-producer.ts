import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { Message, Partitioners, Producer } from 'kafkajs';
import { createKafka, KafkaSettings } from '../kafka';
import { EmbeddedLog, LogDatabase, LogMessage } from './embedded-log';

/** Where accepted events and access entries go: Kafka, or the embedded log of the single-process mode. */
export interface LogProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Whether the log can take messages now (Kafka: a broker accepts connections), for /health. */
  isConnected(): boolean | Promise<boolean>;
  /** Resolves once the log holds the messages durably (Kafka: acks from all in-sync replicas). */
  send(topic: string, messages: LogMessage[]): Promise<void>;
  /** All or nothing: a Kafka transaction, which read-committed consumers see whole or not at all. */
  sendAtomically(topic: string, messages: LogMessage[]): Promise<void>;
}

export type EventLogKind = 'kafka' | 'embedded';

export function createLogProducer(o: { kind: EventLogKind; kafka: KafkaSettings; clientId: string; db: LogDatabase; transactional?: boolean }): LogProducer {
  return o.kind === 'embedded' ? new EmbeddedLogProducer(new EmbeddedLog(o.db)) : new KafkaLogProducer(o.kafka, o.clientId, o.transactional ?? false);
}

/** An idempotent kafkajs producer, and a transactional one when atomic sends are needed. */
class KafkaLogProducer implements LogProducer {
  private readonly producer: Producer;
  private readonly transactional?: Producer;
  /** kafkajs runs one transaction at a time per producer: atomic sends queue here. */
  private transactionQueue: Promise<unknown> = Promise.resolve();
  private connected = false;
  private probe?: { at: number; reachable: Promise<boolean> };

  private readonly brokers: string;

  constructor(connection: KafkaSettings, clientId: string, transactional: boolean) {
    this.brokers = connection.brokers;
    const kafka = createKafka(connection, clientId);
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

  /**
   * kafkajs reports a producer connected until it is told to disconnect, broker down or not: the producer must
   * have connected once, and a broker must accept a TCP connection now (checked at most every 2 s).
   */
  isConnected(): Promise<boolean> {
    if (!this.probe || Date.now() - this.probe.at > PROBE_MS) this.probe = { at: Date.now(), reachable: anyReachable(this.brokers.split(',')) };
    return this.probe.reachable.then((reachable) => reachable && this.connected);
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

const PROBE_MS = 2000;

async function anyReachable(brokers: string[]): Promise<boolean> {
  const results = await Promise.all(
    brokers.map(
      (broker) =>
        new Promise<boolean>((resolve) => {
          const [host, port] = [broker.slice(0, broker.lastIndexOf(':')), Number(broker.slice(broker.lastIndexOf(':') + 1))];
          const socket = connect({ host, port, timeout: PROBE_MS });
          const done = (ok: boolean) => {
            socket.destroy();
            resolve(ok);
          };
          socket.once('connect', () => done(true)).once('error', () => done(false)).once('timeout', () => done(false));
        }),
    ),
  );
  return results.some(Boolean);
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
