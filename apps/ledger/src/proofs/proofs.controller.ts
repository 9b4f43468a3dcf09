import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ProblemException } from '@app/platform';
import { ProofService } from './proof.service';
import { parseTreeSize } from './tree-size';

const size = (name: string, value: string | undefined): number | undefined => (value === undefined ? undefined : parseTreeSize(name, value));

/** RFC 9162 proofs; hashes are base64, as in checkpoints. */
@ApiTags('proofs')
@Controller('proofs')
export class ProofsController {
  constructor(private readonly proofs: ProofService) {}

  @Get('inclusion')
  @ApiOperation({ summary: 'The leaf record of an event and its inclusion proof' })
  @ApiQuery({ name: 'eventId', description: 'CBV 2.0 event hash ID' })
  @ApiQuery({ name: 'treeSize', required: false })
  inclusion(@Query('eventId') eventId: string | undefined, @Query('treeSize') treeSize: string | undefined) {
    if (!eventId) throw new ProblemException(400, 'missing-parameter', 'eventId is required');
    return this.proofs.inclusion(eventId, size('treeSize', treeSize));
  }

  @Get('consistency')
  @ApiOperation({ summary: 'Proof that the tree of size `first` is a prefix of the tree of size `second`' })
  consistency(@Query('first') first: string | undefined, @Query('second') second: string | undefined) {
    const [a, b] = [size('first', first), size('second', second)];
    if (a === undefined || b === undefined) throw new ProblemException(400, 'missing-parameter', 'first and second are required');
    return this.proofs.consistency(a, b);
  }
}
