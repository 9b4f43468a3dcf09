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
  @ApiOperation({ summary: 'The leaf record of an event, or of an access-log entry, and its inclusion proof' })
  @ApiQuery({ name: 'eventId', required: false, description: 'CBV 2.0 event hash ID' })
  @ApiQuery({ name: 'entryId', required: false, description: 'access-log entry ID (UUID), instead of eventId' })
  @ApiQuery({ name: 'treeSize', required: false })
  inclusion(@Query('eventId') eventId: string | undefined, @Query('entryId') entryId: string | undefined, @Query('treeSize') treeSize: string | undefined) {
    if (typeof eventId === 'string' && eventId && entryId === undefined) return this.proofs.inclusion(eventId, size('treeSize', treeSize));
    if (typeof entryId === 'string' && entryId && eventId === undefined) return this.proofs.accessInclusion(entryId, size('treeSize', treeSize));
    throw new ProblemException(400, 'missing-parameter', 'one of eventId or entryId is required');
  }

  @Get('consistency')
  @ApiOperation({ summary: 'Proof that the tree of size `first` is a prefix of the tree of size `second`' })
  consistency(@Query('first') first: string | undefined, @Query('second') second: string | undefined) {
    const [a, b] = [size('first', first), size('second', second)];
    if (a === undefined || b === undefined) throw new ProblemException(400, 'missing-parameter', 'first and second are required');
    return this.proofs.consistency(a, b);
  }
}
