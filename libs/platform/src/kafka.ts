import { Kafka, logLevel, LogEntry } from 'kafkajs';
import { Logger } from '@nestjs/common';
import topics from '../../../docker/kafka/topics.json';

/** Topic names as scripts/kafka-ready.js creates them; KAFKA_TOPIC_EVENTS, KAFKA_TOPIC_DEAD_LETTER and KAFKA_TOPIC_ACCESS override. */
export const DEFAULT_TOPICS = { events: topics.events.name, deadLetter: topics.deadLetter.name, access: topics.access.name } as const;

const levels: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client that logs through Nest's logger. */
export function createKafka(brokers: string, clientId: string): Kafka {
  const logger = new Logger('Kafka');
  return new Kafka({
    clientId,
    brokers: brokers.split(','),
    logLevel: logLevel.WARN,
    retry: { retries: 8, initialRetryTime: 200 },
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        logger[levels[level] ?? 'log'](`${message} ${JSON.stringify(rest)}`);
      },
  });
}
