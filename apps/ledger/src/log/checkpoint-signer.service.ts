import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ED25519, formatCheckpoint, formatSkey, formatVkey, generateSignerKey, noteSigner, parseSkey, signNote, type SignerKey } from '@app/checkpoint';

/**
 * Holds the ledger's checkpoint key. In production it comes from LEDGER_SIGNING_KEY; on a developer
 * machine a key is made once and kept in LEDGER_SIGNING_KEY_FILE, so restarts sign with the same key.
 */
@Injectable()
export class CheckpointSigner implements OnModuleInit {
  private readonly logger = new Logger(CheckpointSigner.name);
  private key!: SignerKey;
  readonly origin: string;

  constructor(private readonly config: ConfigService) {
    this.origin = config.getOrThrow('LEDGER_ORIGIN');
  }

  async onModuleInit(): Promise<void> {
    const skey = this.config.get<string>('LEDGER_SIGNING_KEY') ?? (await this.keyFile());
    this.key = parseSkey(skey.trim());
    if (this.key.name !== this.origin) throw new Error(`the checkpoint key is named ${this.key.name}, but LEDGER_ORIGIN is ${this.origin}`);
    this.logger.log(`signing checkpoints as ${this.vkey}`);
  }

  /** The verifier key anyone needs to check checkpoints offline. */
  get vkey(): string {
    return formatVkey(this.key);
  }

  /** A C2SP checkpoint note for the tree of `size` leaves with root `rootHash`. */
  sign(size: number, rootHash: Uint8Array): string {
    return signNote(formatCheckpoint({ origin: this.origin, size, rootHash }), [noteSigner(this.key)]);
  }

  private async keyFile(): Promise<string> {
    const file = this.config.getOrThrow<string>('LEDGER_SIGNING_KEY_FILE');
    const existing = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
    if (existing) return existing;
    if (this.config.get('NODE_ENV') === 'production') throw new Error('LEDGER_SIGNING_KEY (or LEDGER_SIGNING_KEY_FILE) is required in production');
    await mkdir(dirname(file), { recursive: true });
    const created = formatSkey(generateSignerKey(ED25519, this.origin));
    // wx: when two ledgers start at once, the first key written wins and both use it
    await writeFile(file, `${created}\n`, { flag: 'wx', mode: 0o600 }).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(e)));
    this.logger.warn(`created a development checkpoint key in ${file}`);
    return readFile(file, 'utf8');
  }
}
