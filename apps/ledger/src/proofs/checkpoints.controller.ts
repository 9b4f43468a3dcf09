import { Body, Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsString, Length } from 'class-validator';
import { DataSource } from 'typeorm';
import { CheckpointError, COSIGNATURE_V1, cosignatureTime, cosignatureVerifier, openNote, verifierKey } from '@app/checkpoint';
import { base64urlDecode } from '@app/crypto';
import { ProblemException } from '@app/platform';
import { CheckpointSigner } from '../log/checkpoint-signer.service';
import { parseTreeSize } from './tree-size';

const treeSize = (value: string) => parseTreeSize('size', value);

export class CosignatureDto {
  @ApiProperty({ description: 'One C2SP cosignature/v1 signature line, "— <witness key name> <base64>"; the key name is a registered partner kid' })
  @IsString()
  @Length(10, 1000)
  cosignature: string;
}

/** Signed checkpoints (C2SP tlog-checkpoint) with the cosignatures witnesses sent for them. */
@ApiTags('checkpoints')
@Controller()
export class CheckpointsController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly signer: CheckpointSigner,
  ) {}

  @Get('log')
  @ApiOperation({ summary: "The log's origin and the verifier key of its checkpoints" })
  log() {
    return { origin: this.signer.origin, vkey: this.signer.vkey };
  }

  @Get('checkpoint')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async latest(): Promise<string> {
    const [row] = (await this.db.query('SELECT tree_size FROM ledger.checkpoint ORDER BY tree_size DESC LIMIT 1')) as { tree_size: string }[];
    if (!row) throw new ProblemException(404, 'empty-log', 'the log holds no checkpoint yet');
    return this.noteWithCosignatures(Number(row.tree_size));
  }

  @Get('checkpoints/:size')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  bySize(@Param('size') size: string): Promise<string> {
    return this.noteWithCosignatures(treeSize(size));
  }

  /** A witness's cosignature; the witness must be a registered partner key (EdDSA) named by the line. */
  @Post('checkpoints/:size/cosignatures')
  @HttpCode(201)
  async cosign(@Param('size') size: string, @Body() dto: CosignatureDto) {
    const note = await this.note(treeSize(size));
    const line = dto.cosignature.endsWith('\n') ? dto.cosignature : `${dto.cosignature}\n`;
    const name = /^— (\S+) /.exec(line)?.[1];
    if (!name) throw new ProblemException(400, 'malformed-cosignature', 'expected "— <key name> <base64>"');
    const [key] = (await this.db.query(
      `SELECT public_jwk FROM ingest.partner_key WHERE kid = $1 AND alg = 'EdDSA'
         AND valid_from <= now() AND (valid_until IS NULL OR valid_until > now()) AND (revoked_at IS NULL OR revoked_at > now())`,
      [name],
    )) as { public_jwk: { x: string } }[];
    if (!key) throw new ProblemException(422, 'unknown-witness', `no registered EdDSA key ${name} valid now`);
    try {
      const witness = cosignatureVerifier(verifierKey(COSIGNATURE_V1, name, base64urlDecode(key.public_jwk.x)));
      const opened = openNote(note + line, [witness]);
      const sig = opened.sigs.find((s) => s.name === name);
      if (!sig) throw new ProblemException(422, 'bad-cosignature', `the cosignature by ${name} does not verify`);
      await this.db.query(
        `INSERT INTO ledger.cosignature (tree_size, witness, signature_line, cosigned_at) VALUES ($1, $2, $3, to_timestamp($4))
         ON CONFLICT (tree_size, witness) DO UPDATE SET signature_line = EXCLUDED.signature_line, cosigned_at = EXCLUDED.cosigned_at`,
        [treeSize(size), name, line, cosignatureTime(sig)],
      );
      return { treeSize: treeSize(size), witness: name, cosignedAt: new Date(cosignatureTime(sig) * 1000).toISOString() };
    } catch (e) {
      if (e instanceof CheckpointError) throw new ProblemException(422, 'bad-cosignature', e.message);
      throw e;
    }
  }

  private async note(size: number): Promise<string> {
    const [row] = (await this.db.query('SELECT note FROM ledger.checkpoint WHERE tree_size = $1', [size])) as { note: string }[];
    if (!row) throw new ProblemException(404, 'unknown-checkpoint', `no checkpoint for tree size ${size}`);
    return row.note;
  }

  private async noteWithCosignatures(size: number): Promise<string> {
    const note = await this.note(size);
    const lines = (await this.db.query('SELECT signature_line FROM ledger.cosignature WHERE tree_size = $1 ORDER BY witness', [size])) as { signature_line: string }[];
    return note + lines.map((l) => l.signature_line).join('');
  }
}
