import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { decodeCapturedEvent, summarizeEvent } from '@app/epcis';
import { createKafka, createLogProducer, EMBEDDED_PARTITION, EmbeddedLog, EventLogKind, GroupCommit, kafkaSettings, LogProducer } from '@app/platform';
import { decodeAccessMessage } from '@app/ledger-store';
import { AppendResult, Chunk, Consumed, LogWriter } from '../log/log-writer.service';
import { LeaseLost, WriterLease } from '../log/writer-lease.service';

/**
 * Feeds the log from Kafka with kafkajs directly, to own batching, heartbeats and offsets. Only the
 * holder of the writer lease joins the consumer group; it resumes each partition at the offset
 * stored with the last block, and commits a Kafka offset only after the block's transaction committed.
 * Partitions are consumed concurrently and their chunks meet in one block (group commit), so a block's
 * fixed cost (one transaction, one signed checkpoint) is shared by every partition that has events.
 */
@Injectable()
export class EventConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventConsumer.name);
  private readonly kafka: Kafka;
  private readonly deadLetters: LogProducer;
  private readonly kind: EventLogKind;
  private readonly embedded: EmbeddedLog;
  private readonly blockMax: { events: number; bytes: number; waitMs: number };
  private readonly groupId: string;
  private readonly sessionTimeout: number;
  private readonly topics: { events: string; access: string; deadLetter: string };
  private readonly blocks: GroupCommit<Chunk, AppendResult>;
  private consumer?: { disconnect(): Promise<void> };
  private stopped = false;
  private leaseLost?: () => void;

  constructor(
    config: ConfigService,
    private readonly writer: LogWriter,
    private readonly lease: WriterLease,
    @InjectDataSource() db: DataSource,
  ) {
    this.kind = config.getOrThrow('EVENT_LOG');
    this.kafka = createKafka(kafkaSettings(config), `${config.getOrThrow('KAFKA_CLIENT_ID')}-ledger`);
    this.embedded = new EmbeddedLog(db);
    this.blockMax = {
      events: config.getOrThrow<number>('LEDGER_BLOCK_MAX_EVENTS'),
      bytes: config.getOrThrow<number>('LEDGER_BLOCK_MAX_BYTES'),
      waitMs: config.getOrThrow<number>('LEDGER_BLOCK_MAX_WAIT_MS'),
    };
    this.groupId = config.getOrThrow('LEDGER_CONSUMER_GROUP');
    this.sessionTimeout = config.getOrThrow<number>('LEDGER_SESSION_TIMEOUT_MS');
    this.topics = {
      events: config.getOrThrow('KAFKA_TOPIC_EVENTS'),
      access: config.getOrThrow('KAFKA_TOPIC_ACCESS'),
      deadLetter: config.getOrThrow('KAFKA_TOPIC_DEAD_LETTER'),
    };
    // One block at a time: each extends the tree the one before it left.
    this.blocks = new GroupCommit((chunks) => this.writer.append(chunks), {
      maxItems: this.blockMax.events,
      concurrency: 1,
      weigh: (chunk) => Math.max(1, chunk.consumed.length),
    });
    this.deadLetters = createLogProducer({ kind: this.kind, kafka: kafkaSettings(config), clientId: `${config.getOrThrow('KAFKA_CLIENT_ID')}-ledger`, db });
  }

  onApplicationBootstrap(): void {
    this.lead().catch((e: Error) => {
      if (!this.stopped) this.logger.fatal(`ledger consumer stopped: ${e.message}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.leaseLost?.();
    await this.consumer?.disconnect();
    await this.deadLetters.disconnect();
  }

  /** The log is reachable (Kafka: a broker answers); a standby ledger waiting for the lease is healthy too. */
  isConnected(): boolean | Promise<boolean> {
    return this.deadLetters.isConnected();
  }

  /** Take the lease, consume until it is lost, leave the group, and start over. */
  private async lead(): Promise<void> {
    await this.deadLetters.connect();
    while (!this.stopped) {
      await this.lease.acquire();
      const lost = new Promise<void>((resolve) => (this.leaseLost = resolve));
      this.consumer = this.kind === 'embedded' ? this.followEmbedded() : await this.join();
      await lost;
      this.logger.warn('writer lease lost; leaving the consumer group');
      await this.consumer.disconnect();
    }
  }

  private async join(): Promise<Consumer> {
    // read_committed: events of a rolled-back capture transaction never reach the log.
    const consumer = this.kafka.consumer({ groupId: this.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.sessionTimeout,
      heartbeatInterval: Math.floor(this.sessionTimeout / 5),
      maxWaitTimeInMs: this.blockMax.waitMs,
      readUncommitted: false,
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => this.logger.error(`consumer crashed (restart: ${payload.restart}): ${payload.error.message}`));
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => void this.resumeFromLog(consumer, payload.memberAssignment));
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topics.events, this.topics.access], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: PARTITIONS_AT_ONCE, eachBatch: (p) => this.consume(consumer, p) });
    return consumer;
  }

  /** PostgreSQL, not Kafka, says how far the log got: a crash between the two commits loses nothing. */
  private async resumeFromLog(consumer: Consumer, assignment: Record<string, number[]>): Promise<void> {
    for (const topic of [this.topics.events, this.topics.access]) {
      const offsets = await this.writer.storedOffsets(topic);
      for (const partition of assignment[topic] ?? []) {
        const offset = offsets.get(partition);
        if (offset !== undefined) consumer.seek({ topic, partition, offset });
      }
    }
  }

  private async consume(consumer: Consumer, { batch, heartbeat, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
    await this.appendBlocks(batch.topic, batch.partition, batch.messages, {
      running: () => isRunning() && !isStale(),
      committed: async (last, next) => {
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
        resolveOffset(last);
        // kafkajs heartbeats only between batches on its own; a long batch must do it between blocks.
        await heartbeat();
      },
    });
  }

  /**
   * Cuts fetched messages into blocks and appends each in its own transaction; `committed` runs after each,
   * with the block's last offset and the offset to resume from.
   */
  private async appendBlocks(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    hooks: { running(): boolean; committed(last: string, next: string): Promise<void> },
  ): Promise<void> {
    for (const chunk of blocksOf(messages, this.blockMax.events, this.blockMax.bytes)) {
      if (!hooks.running()) return;
      const events = await this.decode(topic, partition, chunk);
      const last = chunk[chunk.length - 1].offset;
      const next = (BigInt(last) + 1n).toString();
      try {
        const result = await this.blocks.submit({ consumed: events, next: { topic, partition, offset: next } });
        if (result.duplicates) this.logger.warn(`skipped ${result.duplicates} redelivered event(s) on ${topic}/${partition}`);
      } catch (e) {
        if (e instanceof LeaseLost) this.leaseLost?.();
        throw e;
      }
      await hooks.committed(last, next);
    }
  }

  /**
   * The embedded log (single-process mode): one partition per topic, read from the offsets stored with the
   * last block, woken as soon as something is appended in this process.
   */
  private followEmbedded(): { disconnect(): Promise<void> } {
    let stopped = false;
    const topics = [this.topics.events, this.topics.access];
    const loop = (async () => {
      const next = new Map<string, string>();
      for (const topic of topics) next.set(topic, (await this.writer.storedOffsets(topic)).get(EMBEDDED_PARTITION) ?? '0');
      while (!stopped && !this.stopped) {
        let read = 0;
        for (const topic of topics) {
          const messages = await this.embedded.read(topic, next.get(topic)!, this.blockMax.events * 4);
          read += messages.length;
          await this.appendBlocks(topic, EMBEDDED_PARTITION, messages as KafkaMessage[], {
            running: () => !stopped && !this.stopped,
            committed: async (_, offset) => void next.set(topic, offset),
          });
        }
        if (!read) await Promise.race(topics.map((t) => EmbeddedLog.waitForAppend(t, this.blockMax.waitMs)));
      }
    })().catch((e: Error) => {
      this.logger.error(`embedded log reader stopped: ${e.message}`);
      this.leaseLost?.();
    });
    return {
      disconnect: async () => {
        stopped = true;
        await loop;
      },
    };
  }

  /**
   * Captured events from the events topic, access entries from the access topic. A message that is not what its
   * topic carries cannot enter the log: it goes to the dead-letter topic.
   */
  private async decode(topic: string, partition: number, messages: KafkaMessage[]): Promise<Consumed[]> {
    const events: Consumed[] = [];
    for (const m of messages) {
      try {
        if (topic === this.topics.access) {
          events.push({ access: decodeAccessMessage(m.value), topic, partition, offset: m.offset });
          continue;
        }
        const captured = decodeCapturedEvent(m.value);
        events.push({ captured, summary: summarizeEvent(captured.event), topic, partition, offset: m.offset });
      } catch (e) {
        this.logger.error(`dead-lettering ${topic}/${partition}@${m.offset}: ${(e as Error).message}`);
        await this.writer.recordDeadLetter({ topic, partition, offset: m.offset, reason: (e as Error).message, value: m.value });
        await this.deadLetters.send(this.topics.deadLetter, [
          {
            key: m.key,
            value: m.value ?? Buffer.alloc(0),
            headers: { ...stringHeaders(m.headers), 'dlq-reason': (e as Error).message, 'dlq-source': `${topic}/${partition}@${m.offset}` },
          },
        ]);
      }
    }
    return events;
  }
}

/** Partition batches handled at once, whose chunks can share a block. */
const PARTITIONS_AT_ONCE = 8;

function stringHeaders(headers: KafkaMessage['headers']): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
}

/** Cuts a fetched batch into blocks of at most `maxEvents` messages and `maxBytes` of message values. */
export function blocksOf(messages: KafkaMessage[], maxEvents: number, maxBytes: number): KafkaMessage[][] {
  const blocks: KafkaMessage[][] = [];
  let block: KafkaMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = m.value?.length ?? 0;
    if (block.length && (block.length >= maxEvents || bytes + size > maxBytes)) {
      blocks.push(block);
      block = [];
      bytes = 0;
    }
    block.push(m);
    bytes += size;
  }
  if (block.length) blocks.push(block);
  return blocks;
}
