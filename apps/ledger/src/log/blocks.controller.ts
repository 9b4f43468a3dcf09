import { Controller, Get, Param, ParseIntPipe } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ProblemException } from '@app/platform';
import type { BlockRow as StoredBlock } from '@app/ledger-store';

type BlockRow = Omit<StoredBlock, 'frontier'>;

const toJson = (b: BlockRow) => ({
  height: Number(b.height),
  firstSeq: Number(b.first_seq),
  leafCount: b.leaf_count,
  treeSize: Number(b.tree_size),
  rootHash: b.root_hash.toString('hex'),
  prevHash: b.prev_hash.toString('hex'),
  blockHash: b.block_hash.toString('hex'),
  createdAt: b.created_at.toISOString(),
});

const COLUMNS = 'height, first_seq, leaf_count, tree_size, root_hash, prev_hash, block_hash, created_at';

@ApiTags('log')
@Controller('blocks')
export class BlocksController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get('latest')
  async latest() {
    const [row] = (await this.db.query(`SELECT ${COLUMNS} FROM ledger.block ORDER BY height DESC LIMIT 1`)) as BlockRow[];
    if (!row) throw new ProblemException(404, 'empty-log', 'the log holds no block yet');
    return toJson(row);
  }

  @Get(':height')
  async byHeight(@Param('height', new ParseIntPipe({ errorHttpStatusCode: 400 })) height: number) {
    const [row] = (await this.db.query(`SELECT ${COLUMNS} FROM ledger.block WHERE height = $1`, [height])) as BlockRow[];
    if (!row) throw new ProblemException(404, 'unknown-block', `no block at height ${height}`);
    return toJson(row);
  }
}
