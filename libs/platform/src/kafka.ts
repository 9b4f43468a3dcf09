import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Kafka, logLevel, LogEntry, SASLOptions } from 'kafkajs';
import { Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import topics from '../../../docker/kafka/topics.json';

/** Topic names as scripts/kafka-ready.js creates them; KAFKA_TOPIC_EVENTS, KAFKA_TOPIC_DEAD_LETTER and KAFKA_TOPIC_ACCESS override. */
export const DEFAULT_TOPICS = { events: topics.events.name, deadLetter: topics.deadLetter.name, access: topics.access.name } as const;

const levels: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/** Where the brokers are and how to reach them: TLS and SASL as a production cluster requires. */
export interface KafkaSettings {
  brokers: string;
  ssl?: ConnectionOptions | boolean;
  sasl?: SASLOptions;
}

/** The connection the validated configuration describes (KAFKA_BROKERS, KAFKA_SSL*, KAFKA_SASL_*). */
export function kafkaSettings(config: ConfigService): KafkaSettings {
  const ca = config.get<string>('KAFKA_SSL_CA_FILE');
  const mechanism = config.get<'plain' | 'scram-sha-256' | 'scram-sha-512'>('KAFKA_SASL_MECHANISM');
  const passwordFile = config.get<string>('KAFKA_SASL_PASSWORD_FILE');
  return {
    brokers: config.getOrThrow<string>('KAFKA_BROKERS'),
    ssl: config.get<boolean>('KAFKA_SSL') ? (ca ? { ca: readFileSync(ca, 'utf8') } : true) : undefined,
    sasl: mechanism && {
      mechanism,
      username: config.getOrThrow<string>('KAFKA_SASL_USERNAME'),
      password: passwordFile ? readFileSync(passwordFile, 'utf8').trim() : config.getOrThrow<string>('KAFKA_SASL_PASSWORD'),
    },
  };
}

/** A kafkajs client that logs through Nest's logger. */
export function createKafka({ brokers, ssl, sasl }: KafkaSettings, clientId: string): Kafka {
  const logger = new Logger('Kafka');
  return new Kafka({
    clientId,
    brokers: brokers.split(','),
    ssl,
    sasl,
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
