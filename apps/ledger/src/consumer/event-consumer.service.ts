import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Consumer, EachBatchPayload, KafkaMessage, Partitioners, Producer } from 'kafkajs';
import { decodeCapturedEvent, summarizeEvent } from '@app/epcis';
import { createKafka } from '@app/platform';
import { ConsumedEvent, LogWriter } from '../log/log-writer.service';

/**
 * Feeds the log from Kafka with kafkajs directly, to own batching, heartbeats and offsets:
 * a Kafka offset is committed only after the PostgreSQL transaction holding its block committed.
 */
@Injectable()
export class EventConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventConsumer.name);
  private readonly consumer: Consumer;
  private readonly deadLetters: Producer;
  private readonly blockMax: number;
  private readonly topics: { events: string; deadLetter: string };
  private connected = false;

  constructor(
    config: ConfigService,
    private readonly writer: LogWriter,
  ) {
    const kafka = createKafka(config.getOrThrow('KAFKA_BROKERS'), `${config.getOrThrow('KAFKA_CLIENT_ID')}-ledger`);
    this.blockMax = config.getOrThrow<number>('LEDGER_BLOCK_MAX_EVENTS');
    this.topics = { events: config.getOrThrow('KAFKA_TOPIC_EVENTS'), deadLetter: config.getOrThrow('KAFKA_TOPIC_DEAD_LETTER') };
    // read_committed: events of a rolled-back capture transaction never reach the log.
    this.consumer = kafka.consumer({ groupId: config.getOrThrow('LEDGER_CONSUMER_GROUP'), allowAutoTopicCreation: false, sessionTimeout: 30000, readUncommitted: false });
    this.deadLetters = kafka.producer({ idempotent: true, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    this.consumer.on(this.consumer.events.CONNECT, () => (this.connected = true));
    this.consumer.on(this.consumer.events.DISCONNECT, () => (this.connected = false));
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.connected = false;
      this.logger.error(`consumer crashed (restart: ${payload.restart}): ${payload.error.message}`);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.deadLetters.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topics.events], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.consume(payload),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.disconnect();
    await this.deadLetters.disconnect();
  }

  isConnected(): boolean {
    return this.connected;
  }

  private async consume({ batch, heartbeat, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
    for (let start = 0; start < batch.messages.length; start += this.blockMax) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + this.blockMax);
      const events = await this.decode(batch.topic, batch.partition, chunk);
      const last = chunk[chunk.length - 1].offset;
      const next = (BigInt(last) + 1n).toString();
      const result = await this.writer.append(events, { topic: batch.topic, partition: batch.partition, offset: next });
      await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
      resolveOffset(last);
      if (result.duplicates) this.logger.warn(`skipped ${result.duplicates} redelivered event(s) on ${batch.topic}/${batch.partition}`);
      // kafkajs heartbeats only between batches on its own; a long batch must do it between blocks.
      await heartbeat();
    }
  }

  /** A message that is not a captured event cannot enter the log: it goes to the dead-letter topic. */
  private async decode(topic: string, partition: number, messages: KafkaMessage[]): Promise<ConsumedEvent[]> {
    const events: ConsumedEvent[] = [];
    for (const m of messages) {
      try {
        const captured = decodeCapturedEvent(m.value);
        events.push({ captured, summary: summarizeEvent(captured.event), topic, partition, offset: m.offset });
      } catch (e) {
        this.logger.error(`dead-lettering ${topic}/${partition}@${m.offset}: ${(e as Error).message}`);
        await this.deadLetters.send({
          topic: this.topics.deadLetter,
          acks: -1,
          messages: [{ key: m.key, value: m.value, headers: { ...m.headers, 'dlq-reason': (e as Error).message, 'dlq-source': `${topic}/${partition}@${m.offset}` } }],
        });
      }
    }
    return events;
  }
}
