import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { configuredOrDevSecret } from '@app/platform';
import { ED25519, formatCheckpoint, formatSkey, formatVkey, generateSignerKey, noteSigner, parseSkey, signNote, type SignerKey } from '@app/checkpoint';

/** Holds the ledger's checkpoint key (LEDGER_SIGNING_KEY, or a development key in LEDGER_SIGNING_KEY_FILE). */
@Injectable()
export class CheckpointSigner implements OnModuleInit {
  private readonly logger = new Logger(CheckpointSigner.name);
  private key!: SignerKey;
  readonly origin: string;

  constructor(private readonly config: ConfigService) {
    this.origin = config.getOrThrow('LEDGER_ORIGIN');
  }

  async onModuleInit(): Promise<void> {
    const skey = await configuredOrDevSecret({
      name: 'LEDGER_SIGNING_KEY',
      value: this.config.get<string>('LEDGER_SIGNING_KEY'),
      file: this.config.getOrThrow<string>('LEDGER_SIGNING_KEY_FILE'),
      production: this.config.get('NODE_ENV') === 'production',
      create: () => formatSkey(generateSignerKey(ED25519, this.origin)),
    });
    this.key = parseSkey(skey);
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
}
